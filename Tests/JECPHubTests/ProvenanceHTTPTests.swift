import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// Mandate provenance v2 through `POST /v1/invoke` (spec 02 §5.2, 03 §3.1).
@Suite struct ProvenanceHTTPTests {
    func mandate(_ agent: TestAgent, provenance: String) -> JSONValue {
        ["agent_id": .string(agent.id), "api_key": .string(agent.key), "provenance_hash": .string(provenance)]
    }

    @Test(arguments: StoreBackend.available) func freshV2HashIsAcceptedAndItsNonceOnlyOnce(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let nonce = Provenance.freshNonce()
            let wire = Provenance.computeV2(apiKey: agent.key, agentID: agent.id, timestamp: Timestamps.now(), nonce: nonce)
            let first = try await hub.invoke(nil, id: "req-prov-1", mandate: mandate(agent, provenance: wire))
            #expect(first.status == 200)
            // A different request reusing the nonce (in another case: nonces compare case-insensitively) is a replay.
            let upper = Provenance.computeV2(apiKey: agent.key, agentID: agent.id, timestamp: Timestamps.now(), nonce: nonce.uppercased())
            let replay = try await hub.invoke(nil, id: "req-prov-2", mandate: mandate(agent, provenance: upper))
            #expect(replay.status == 403)
            #expect(replay.errorCode == "PROVENANCE_MISMATCH")
            #expect(replay.details["subcause"] == "nonce_replay")
        }
    }

    @Test(arguments: StoreBackend.available) func clockSkewReportsDrift(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let wire = Provenance.computeV2(apiKey: agent.key, agentID: agent.id, timestamp: Timestamps.now() - 3600, nonce: Provenance.freshNonce())
            let response = try await hub.invoke(nil, mandate: mandate(agent, provenance: wire))
            #expect(response.status == 403)
            #expect(response.details["subcause"] == "clock_skew")
            let drift = try #require(response.details["drift_seconds"]?.numberValue?.integerValue)
            #expect((3599...3602).contains(drift))
        }
    }

    @Test(arguments: StoreBackend.available) func wrongKeyHMACMalformedAndV1(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let forged = Provenance.computeV2(apiKey: "jecp_ak_someoneelse0000000000", agentID: agent.id, timestamp: Timestamps.now(),
                                              nonce: Provenance.freshNonce())
            let hmac = try await hub.invoke(nil, mandate: mandate(agent, provenance: forged))
            #expect(hmac.details["subcause"] == "hmac_mismatch")
            let malformed = try await hub.invoke(nil, mandate: mandate(agent, provenance: "v2:123:abc:def"))
            #expect(malformed.status == 403)
            #expect(malformed.details["subcause"] == "wire_malformed")
            let v1 = try await hub.invoke(nil, mandate: mandate(agent, provenance: String(repeating: "ab", count: 32)))
            #expect(v1.status == 403)
            #expect(v1.errorCode == "PROVENANCE_MISMATCH")
        }
    }

    @Test(arguments: StoreBackend.available) func noSubcauseBeforeTheKeyVerified(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let stranger = TestAgent(id: agent.id, key: "jecp_ak_" + String(repeating: "Z", count: 48))
            let response = try await hub.invoke(nil, mandate: mandate(stranger, provenance: "v2:1:zz:00"))
            #expect(response.status == 401)
            #expect(response.errorCode == "INVALID_API_KEY")
            #expect(response.details["subcause"] == nil)
        }
    }

    @Test(arguments: StoreBackend.available) func idempotentRetryWithTheSameHashReplaysButANewHashConflicts(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let wire = Provenance.computeV2(apiKey: agent.key, agentID: agent.id, timestamp: Timestamps.now(), nonce: Provenance.freshNonce())
            let first = try await hub.invoke(nil, id: "req-adr-1", mandate: mandate(agent, provenance: wire))
            #expect(first.status == 200)
            // ADR-0001: replays still pass provenance first, so the reused nonce is refused even for a retry.
            let retry = try await hub.invoke(nil, id: "req-adr-1", mandate: mandate(agent, provenance: wire))
            #expect(retry.details["subcause"] == "nonce_replay")
            let fresh = Provenance.computeV2(apiKey: agent.key, agentID: agent.id, timestamp: Timestamps.now(), nonce: Provenance.freshNonce())
            let conflict = try await hub.invoke(nil, id: "req-adr-1", mandate: mandate(agent, provenance: fresh))
            #expect(conflict.errorCode == "DUPLICATE_REQUEST")
        }
    }
}
