import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// Registration, profile, key rotation and suspension.
@Suite struct AgentTests {
    @Test(arguments: StoreBackend.available) func registrationReturnsCredentialsOnce(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.vendorPrefix": "acme"], backend: backend) { hub in
            let response = try await hub.post("/api/agents/register", json: ["name": "Research Bot", "agent_type": "research"])
            #expect(response.status == 201)
            let json = response.json
            let id = try #require(json["agent_id"]?.stringValue)
            let key = try #require(json["api_key"]?.stringValue)
            #expect(Credentials.isWellFormed(id, kind: .agentID) && id.hasPrefix("acme_ag_") && id.count == 8 + 24)
            #expect(Credentials.isWellFormed(key, kind: .agentKey) && key.hasPrefix("acme_ak_") && key.count == 8 + 48)
            #expect(json["free_calls_remaining"] == 100)
            #expect(json["tier"] == "bronze")
            #expect(json["warning"]?.stringValue?.isEmpty == false)
            let me = try await hub.get("/v1/agents/me", headers: ["X-Agent-ID": id, "X-API-Key": key])
            #expect(me.json["agent_id"]?.stringValue == id)
            #expect(me.json["name"] == "Research Bot")
            #expect(me.json["rate_limit_rpm"] == 10)
            #expect(me.json["balance_usdc"]?.money == .zero)
            #expect(me.json["api_key"] == nil)
            #expect(!me.text.contains(key))
        }
    }

    @Test(arguments: StoreBackend.available) func duplicateNamesAndBadBodiesAreRefused(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            _ = try await hub.register("unique-name")
            let duplicate = try await hub.post("/api/agent/register", json: ["name": "unique-name"])
            #expect(duplicate.status == 409)
            #expect(duplicate.errorCode == "AGENT_NAME_TAKEN")
            let missing = try await hub.post("/api/agent/register", json: ["agent_type": "x"])
            #expect(missing.status == 400)
            #expect(missing.errorCode == "VALIDATION_FAILED")
            let notJSON = try await hub.request(.post, "/api/agent/register", body: Array("{".utf8), headers: ["Content-Type": "application/json"])
            #expect(notJSON.errorCode == "INVALID_REQUEST")
        }
    }

    @Test(arguments: StoreBackend.available) func rotationKeepsTheOldKeyForTheGraceThenCapsAtThree(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let rotated = try await hub.post("/v1/agents/me/rotate-key", json: ["grace_seconds": 120], headers: agent.headers)
            #expect(rotated.status == 200)
            let newKey = try #require(rotated.json["api_key"]?.stringValue)
            #expect(newKey != agent.key)
            #expect(rotated.json["previous_key_valid_until"]?.stringValue.flatMap(Timestamps.parseRFC3339) != nil)
            #expect(try await hub.get("/v1/agents/me", headers: agent.headers).status == 200)
            let fresh = TestAgent(id: agent.id, key: newKey)
            #expect(try await hub.get("/v1/agents/me", headers: fresh.headers).status == 200)
            let revoked = try await hub.post("/v1/agents/me/rotate-key", json: ["revoke_old": true], headers: fresh.headers)
            let newest = TestAgent(id: agent.id, key: try #require(revoked.json["api_key"]?.stringValue))
            #expect(try await hub.get("/v1/agents/me", headers: fresh.headers).status == 401)
            #expect(try await hub.get("/v1/agents/me", headers: newest.headers).status == 200)
            let third = try await hub.post("/v1/agents/me/rotate-key", json: [:], headers: newest.headers)
            #expect(third.status == 200)
            let latest = TestAgent(id: agent.id, key: try #require(third.json["api_key"]?.stringValue))
            let capped = try await hub.post("/v1/agents/me/rotate-key", json: [:], headers: latest.headers)
            #expect(capped.status == 429)
            #expect(capped.errorCode == "ROTATION_24H_CAP")
            #expect(capped.details["limit_per_24h"] == 3)
            #expect(capped.details["rotations_in_last_24h"] == 3)
            #expect(capped.header("Retry-After") != nil)
            #expect(try await hub.get("/v1/agents/me", headers: latest.headers).status == 200)
            let badGrace = try await hub.post("/v1/agents/me/rotate-key", json: ["grace_seconds": 5], headers: latest.headers)
            #expect(badGrace.errorCode == "VALIDATION_FAILED")
        }
    }

    @Test(arguments: StoreBackend.available) func suspendedAgentsGet403WithTheirOwnCode(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let suspend = try await hub.request(.patch, "/admin/v1/agents/\(agent.id)", body: Array(#"{"suspended":true}"#.utf8),
                                                headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
            #expect(suspend.json["suspended"] == true)
            let response = try await hub.invoke(agent)
            #expect(response.status == 403)
            #expect(response.errorCode == "AGENT_SUSPENDED")
            #expect(try await hub.profile(agent)["suspended"] == true)
        }
    }
}
