import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// Spec 01 §5–6 and ADR-0001 over HTTP.
@Suite struct IdempotencyTests {
    @Test(arguments: StoreBackend.available) func replayReturnsTheStoredBytesAndChargesOnce(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 0], backend: backend) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            let first = try await hub.invoke(agent, id: "req-replay-1")
            let second = try await hub.invoke(agent, id: "req-replay-1")
            #expect(first.status == 200)
            #expect(second.status == 200)
            #expect(second.bytes == first.bytes)
            #expect(second.header("Idempotent-Replayed") == "true")
            #expect(first.header("Idempotent-Replayed") == nil)
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 990_000))
        }
    }

    @Test(arguments: StoreBackend.available) func sameIDWithDifferentPayloadIsDuplicateRequest(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            _ = try await hub.invoke(agent, input: ["text": "one"], id: "req-dup-1")
            let conflict = try await hub.invoke(agent, input: ["text": "two"], id: "req-dup-1")
            #expect(conflict.status == 409)
            #expect(conflict.errorCode == "DUPLICATE_REQUEST")
            #expect(conflict.json["id"] == "req-dup-1")
            let otherAction = try await hub.invoke(agent, action: "free-price", input: ["text": "one"], id: "req-dup-1")
            #expect(otherAction.status == 409)
            // Another agent may use the same id freely.
            let other = try await hub.register()
            #expect(try await hub.invoke(other, input: ["text": "two"], id: "req-dup-1").status == 200)
        }
    }

    @Test(arguments: StoreBackend.available) func headerKeyOverridesTheBodyID(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let first = try await hub.invoke(agent, id: "req-body-a", headers: ["X-Idempotency-Key": "idem-key-1"])
            let second = try await hub.invoke(agent, id: "req-body-b", headers: ["X-Idempotency-Key": "idem-key-1"])
            #expect(second.header("Idempotent-Replayed") == "true")
            #expect(second.bytes == first.bytes)
            #expect(first.json["id"] == "req-body-a")
            let bad = try await hub.invoke(agent, headers: ["X-Idempotency-Key": "x"])
            #expect(bad.errorCode == "VALIDATION_FAILED")
        }
    }

    @Test(arguments: StoreBackend.available) func failuresAreNotStored(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 0], backend: backend) { hub in
            let agent = try await hub.register()
            let broke = try await hub.invoke(agent, id: "req-retry-after-topup")
            #expect(broke.errorCode == "PAYMENT_REQUIRED")
            try await hub.credit(agent, "1")
            let retried = try await hub.invoke(agent, id: "req-retry-after-topup")
            #expect(retried.status == 200)
            #expect(retried.header("Idempotent-Replayed") == nil)
        }
    }

    @Test(arguments: StoreBackend.available) func fiftyConcurrentSameIDRequestsExecuteAndChargeOnce(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 0, "db.pool.invoke": 64], backend: backend) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            let marker = "concurrent-\(UUID().uuidString)"
            let responses = try await withThrowingTaskGroup(of: HubResponse.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await hub.invoke(agent, action: "counted", input: ["text": .string(marker)], id: "req-concurrent-50") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.count == 50)
            let statuses = Set(responses.map(\.status))
            // The tier's 10 rpm limit refuses some; every request that got through shares one body.
            #expect(statuses.isSubset(of: [200, 429]))
            let successes = responses.filter { $0.status == 200 }
            #expect(!successes.isEmpty)
            #expect(Set(successes.map(\.bytes)).count == 1)
            #expect(successes.filter { $0.header("Idempotent-Replayed") == nil }.count == 1)
            #expect(TestKit.executions.withLock { $0[marker] } == 1)
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 990_000))
            #expect(try await hub.ledgerSummary()["transaction_count"] == 2)
        }
    }

    @Test(arguments: StoreBackend.available) func fiftyConcurrentSameIDRequestsFromAPlatinumAgentAllGetTheResponse(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 0], backend: backend) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            let patched = try await hub.request(.patch, "/admin/v1/agents/\(agent.id)", body: Array(#"{"tier_floor":"platinum"}"#.utf8),
                                                headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
            #expect(patched.status == 200)
            let marker = "platinum-\(UUID().uuidString)"
            let responses = try await withThrowingTaskGroup(of: HubResponse.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await hub.invoke(agent, action: "counted", input: ["text": .string(marker)], id: "req-concurrent-p") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.status == 200 })
            #expect(Set(responses.map(\.bytes)).count == 1)
            #expect(responses.filter { $0.header("Idempotent-Replayed") == "true" }.count == 49)
            #expect(TestKit.executions.withLock { $0[marker] } == 1)
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 990_000))
        }
    }
}
