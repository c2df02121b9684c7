import Foundation
@testable import JECPClient
import JECPHubCore
import JECPModels
import Testing

/// What `invoke` sends and what it makes of the answer.
@Suite struct InvokeTests {
    struct Stats: Codable, Sendable, Equatable {
        let words: Int
    }

    struct TextInput: Codable, Sendable {
        let text: String
    }

    @Test func envelopeHeadersAndResultAreMapped() async throws {
        let headers = [("Idempotent-Replayed", "true"), ("X-RateLimit-Limit", "10"), ("X-RateLimit-Remaining", "7"), ("X-RateLimit-Reset", "1900000060")]
        let transport = FakeTransport([Fixtures.success(output: ["words": 3], id: "req_given", headers: headers)])
        let client = Fixtures.client(transport)
        let result = try await client.invoke("content-factory", "text-stats", input: TextInput(text: "a b c"), as: Stats.self,
                                             options: InvokeOptions(requestID: "req_given", metadata: ["trace": "t1"],
                                                                    delivery: DeliveryOptions(format: .url)))
        #expect(result.output == Stats(words: 3))
        #expect(result.replayed)
        #expect(result.requestID == "req_given")
        #expect(result.billing.cost == Money(micros: 5000))
        #expect(result.billing.method == "wallet")
        #expect(result.billing.balanceAfter == Money(micros: 4_995_000))
        #expect(result.billing.transactionID == "tx_1")
        #expect(result.billing.freeCallsRemaining == 0)
        #expect(result.execution.durationMilliseconds == 3)
        #expect(result.execution.trustTier == .bronze)
        #expect(result.rateLimit?.limit == 10)
        #expect(result.rateLimit?.remaining == 7)
        #expect(result.rateLimit?.resetAt == Date(timeIntervalSince1970: 1_900_000_060))
        #expect(result.deprecation == nil)

        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "http://hub.test/v1/invoke")
        #expect(request.header("X-Agent-ID") == Fixtures.agentID)
        #expect(request.header("X-API-Key") == Fixtures.apiKey)
        #expect(request.header("Content-Type") == "application/json")
        let body = try #require(transport.bodies.first)
        #expect(body["jecp"] == "1.0")
        #expect(body["capability"] == "content-factory")
        #expect(body["action"] == "text-stats")
        #expect(body["input"] == ["text": "a b c"])
        #expect(body["metadata"] == ["trace": "t1"])
        #expect(body["delivery"] == ["mode": "sync", "format": "url"])
        #expect(body["mandate"] == nil)
    }

    @Test func undecodableOutputIsInvalidResponse() async throws {
        let client = Fixtures.client(FakeTransport([Fixtures.success(output: ["words": "many"])]))
        let error = try #require(await failure {
            try await client.invoke("a", "b", input: TextInput(text: "x"), as: Stats.self)
        })
        #expect(error.code == .invalidResponse)
    }

    @Test func mandatesCarryAFreshProvenanceHashPerCall() async throws {
        let transport = FakeTransport([Fixtures.success(), Fixtures.success(), Fixtures.success()])
        let sleeper = SleepRecorder()
        let client = Fixtures.client(transport, sleeper: sleeper)
        let expiry = Date(timeIntervalSince1970: 1_900_000_600)
        let mandate = MandateOptions(budget: Money(micros: 250_000), expiresAt: expiry)
        _ = try await client.invoke("a", "b", input: [:], options: InvokeOptions(mandate: mandate))
        _ = try await client.invoke("a", "b", input: [:], options: InvokeOptions(mandate: mandate))
        _ = try await client.invoke("a", "b", input: [:], options: InvokeOptions(mandate: MandateOptions(includeProvenance: false)))
        let mandates = transport.bodies.compactMap { $0["mandate"] }
        #expect(mandates.count == 3)
        #expect(mandates[0]["agent_id"] == .string(Fixtures.agentID))
        #expect(mandates[0]["api_key"] == .string(Fixtures.apiKey))
        #expect(mandates[0]["budget_usdc"] == .number(JSONNumber(decimalText: "0.25")))
        #expect(mandates[0]["expires_at"] == .string(Timestamps.rfc3339(1_900_000_600)))
        let hashes = mandates.prefix(2).compactMap { $0["provenance_hash"]?.stringValue }
        #expect(hashes.count == 2 && hashes[0] != hashes[1])
        let now = Int64(sleeper.now.timeIntervalSince1970)
        let cache = NonceReplayCache()
        for hash in hashes {
            let verified = try Provenance.verifyV2(hash, apiKey: Fixtures.apiKey, agentID: Fixtures.agentID, now: now).get()
            #expect(verified.timestamp == now)
            #expect(cache.insertIfFresh(agentID: Fixtures.agentID, nonce: verified.nonce, now: now))
        }
        #expect(mandates[2]["provenance_hash"] == nil)
    }

    @Test func retriedAttemptsGetAFreshNonceButKeepTheID() async throws {
        let transport = FakeTransport([Fixtures.error(503, "SERVICE_DEGRADED"), Fixtures.success()])
        _ = try await Fixtures.client(transport).invoke("a", "b", input: [:], options: InvokeOptions(mandate: MandateOptions()))
        let bodies = transport.bodies
        #expect(bodies.count == 2 && bodies[0]["id"] == bodies[1]["id"])
        #expect(bodies[0]["mandate"]?["provenance_hash"] != bodies[1]["mandate"]?["provenance_hash"])
    }

    @Test func mandateWithoutCredentialsFailsLocally() async throws {
        let transport = FakeTransport([Fixtures.success()])
        let client = Fixtures.client(transport, credentials: false)
        let error = try #require(await failure {
            try await client.invoke("a", "b", input: [:], options: InvokeOptions(mandate: MandateOptions()))
        })
        #expect(error.code == .authRequired)
        #expect(transport.requests.isEmpty)
    }

    @Test func deprecationIsSurfacedAndLoggedOnce() async throws {
        let headers = [("Sunset", "Sun, 06 Nov 2039 08:49:37 GMT"), ("Deprecation", "true"),
                       ("Link", "<https://hub.test/errors/capability_deprecated>; rel=\"deprecation\""),
                       ("Link", "<https://hub.test/v1/capabilities/test-kit/echo>; rel=\"successor-version\"")]
        let client = Fixtures.client(FakeTransport([Fixtures.success(headers: headers), Fixtures.success(headers: headers)]))
        let first = try await client.invoke("test-kit", "sunsetting", input: [:])
        #expect(first.deprecation?.successor == "https://hub.test/v1/capabilities/test-kit/echo")
        #expect(first.deprecation?.sunset == HTTPDate.parse("Sun, 06 Nov 2039 08:49:37 GMT"))
        _ = try await client.invoke("test-kit", "sunsetting", input: [:])
        #expect(client.loggedDeprecations.withLock { $0 } == ["test-kit/sunsetting"])
    }

    @Test func rotateKeyReplacesTheKeyInPlace() async throws {
        let transport = FakeTransport([Fixtures.json(200, ["agent_id": .string(Fixtures.agentID), "api_key": "jecp_ak_newnewnewnewnewnewnew",
                                                           "previous_key_valid_until": "2030-01-01T00:00:00Z"]),
                                       Fixtures.json(200, Fixtures.profile)])
        let client = Fixtures.client(transport)
        let rotation = try await client.rotateKey(graceSeconds: 60)
        #expect(rotation.apiKey == "jecp_ak_newnewnewnewnewnewnew")
        #expect(rotation.previousKeyValidUntil == Date(timeIntervalSince1970: 1_893_456_000))
        #expect(client.apiKey == "jecp_ak_newnewnewnewnewnewnew")
        #expect(transport.bodies.first == ["grace_seconds": 60])
        _ = try await client.me()
        #expect(transport.requests.last?.header("X-API-Key") == "jecp_ak_newnewnewnewnewnewnew")
    }

    @Test func accountCallsUseTheirRoutes() async throws {
        let transport = FakeTransport([
            Fixtures.json(200, ["transactions": [["transaction_id": "tx_1"]], "next_cursor": "c2"]),
            Fixtures.json(200, ["url": "https://pay.test/s", "session_id": "s1"]),
            Fixtures.json(200, ["capabilities": [["id": "a"], ["id": "b"]], "next_cursor": "n1"]),
            Fixtures.json(200, ["capabilities": [["id": "c"]], "next_cursor": nil]),
            Fixtures.json(200, ["id": "data-insight", "actions": []]),
        ])
        let client = Fixtures.client(transport)
        let page = try await client.transactions(cursor: "c1", limit: 5)
        #expect(page.transactions.count == 1 && page.nextCursor == "c2")
        let session = try await client.topup(amount: 5)
        #expect(session.url == "https://pay.test/s" && session.sessionID == "s1")
        var ids: [String] = []
        for try await summary in client.catalog(pageSize: 2) { ids.append(summary["id"]?.stringValue ?? "") }
        #expect(ids == ["a", "b", "c"])
        _ = try await client.capability(id: "data-insight")
        #expect(transport.requests.map(\.url) == [
            "http://hub.test/v1/agents/me/transactions?limit=5&cursor=c1", "http://hub.test/api/agent/topup",
            "http://hub.test/v1/capabilities?limit=2", "http://hub.test/v1/capabilities?limit=2&cursor=n1",
            "http://hub.test/v1/capabilities/data-insight",
        ])
        #expect(transport.bodies.first == ["amount": 5])
    }

    @Test func discoveryValidatesTheGuide() async throws {
        let guide: JSONValue = ["version": "1.0", "last_updated": "2026-01-01", "vendor_prefix": "jecp", "hub_name": "Test Hub",
                                "hub_url": "https://hub.test", "supported_capabilities": [], "conformance_levels": ["Hub-Core"],
                                "register_endpoint": "https://hub.test/api/agent/register", "contact": ["support": "x"],
                                "endpoints": ["capabilities": "https://hub.test/v1/capabilities"]]
        let found = try await JECPClient.discover(hub: "http://hub.test", transport: FakeTransport([Fixtures.json(200, guide)]))
        #expect(found.hubName == "Test Hub")
        #expect(found.registrationURL == "https://hub.test/api/agent/register")
        #expect(found.capabilitiesURL == "https://hub.test/v1/capabilities")

        var partial = guide.objectValue!
        partial["contact"] = nil
        partial["hub_url"] = nil
        let invalid = try #require(await failure {
            try await JECPClient.discover(hub: "http://hub.test", transport: FakeTransport([Fixtures.json(200, .object(partial))]))
        })
        #expect(invalid.code == .invalidResponse)
        #expect(invalid.details["missing"] == ["hub_url", "contact"])

        let missing = try #require(await failure {
            try await JECPClient.discover(hub: "http://hub.test", transport: FakeTransport([Fixtures.error(404, "NOT_FOUND")]))
        })
        #expect(missing.code == .agentGuideUnavailable)
        #expect(missing.status == 404)
    }
}

extension InvokeTests {
    @Test func hubDateReadsTheDateHeaderOfAPlainTextRoute() async throws {
        let transport = FakeTransport([.response(TransportResponse(status: 200, headers: [("Content-Type", "text/plain"), ("Date", "Sun, 06 Nov 1994 08:49:37 GMT")],
                                                                   body: Array("ok\n".utf8)))])
        let date = try await Fixtures.client(transport).hubDate()
        #expect(date == Date(timeIntervalSince1970: 784_111_777))
        #expect(transport.requests.first?.url == "http://hub.test/health/live")
        #expect(transport.requests.first?.header("X-API-Key") == nil)
    }

    @Test func idempotencyKeyHeaderAndQueryEncoding() async throws {
        let transport = FakeTransport([Fixtures.success(), Fixtures.json(200, ["transactions": [], "next_cursor": nil])])
        let client = Fixtures.client(transport)
        _ = try await client.invoke("a", "b", input: [:], options: InvokeOptions(idempotencyKey: "idem-key-1"))
        #expect(transport.requests.first?.header("X-Idempotency-Key") == "idem-key-1")
        _ = try await client.transactions(cursor: "a+b/c=", limit: 3)
        #expect(transport.requests.last?.url == "http://hub.test/v1/agents/me/transactions?limit=3&cursor=a%2Bb%2Fc%3D")
    }
}
