import Foundation
import JECPHubCore
import JECPModels
import JECPTestPostgres
import Testing

/// The behaviour every `HubStore` must have, run against SQLite and PostgreSQL alike.
@Suite("Store contract")
struct StoreContractTests {
    static let now: Int64 = 1_800_000_000

    static func newAgent(_ name: String = "agent-\(UUID().uuidString.prefix(8))", freeCalls: Int64 = 0) -> NewAgent {
        NewAgent(id: "ag_" + UUID().uuidString.lowercased().prefix(12), name: name, agentType: "test", description: nil, referredBy: nil,
                 keyHash: Array(repeating: 7, count: 32), freeCalls: freeCalls, createdAt: now)
    }

    static func credit(_ agent: AgentRecord, _ amount: String, key: String = UUID().uuidString) -> WalletCredit {
        WalletCredit(agentID: agent.id, amount: (try! Money(decimal: amount)), reason: "test", idempotencyKey: key, source: .operatorFunding, now: now)
    }

    static func invocation(_ agent: AgentRecord, price: String, key: String = UUID().uuidString, funding: FundingMethod = .wallet,
                           fingerprint: [UInt8] = [1, 2, 3]) -> CompletedInvocation {
        CompletedInvocation(invocationID: UUID().uuidString, transactionID: UUID().uuidString, agentID: agent.id, requestID: key,
                            idempotencyKey: key, fingerprint: fingerprint, capability: "hub/text-analysis", action: "summarize",
                            payee: .provider("hub"), price: (try! Money(decimal: price)), funding: funding, durationMilliseconds: 3,
                            now: now, idempotencyExpiresAt: now + 86_400)
    }

    static func render(_ billing: Billing) -> [UInt8] {
        Array("{\"cost\":\"\(billing.cost)\",\"balance\":\"\(billing.balanceAfter)\"}".utf8)
    }

    @Test("agents: create, read back, unique names", arguments: StoreBackend.available)
    func agents(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let created = try await store.createAgent(Self.newAgent("alice", freeCalls: 5))
            #expect(created.name == "alice" && created.freeCallsRemaining == 5 && created.balance == .zero && created.tier == .bronze)
            #expect(try await store.agent(id: created.id) == created)
            #expect(try await store.agent(id: "ag_missing") == nil)
            await #expect(throws: StoreError.nameTaken) { _ = try await store.createAgent(Self.newAgent("alice")) }
        }
    }

    @Test("key rotation keeps the old key for its grace, caps rotations per 24 h", arguments: StoreBackend.available)
    func rotation(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(Self.newAgent())
            let first = try await store.rotateKey(agentID: agent.id, newKeyHash: Array(repeating: 8, count: 32), previousValidUntil: Self.now + 60,
                                                  maximumPer24h: 2, now: Self.now)
            #expect(first == .rotated)
            let rotated = try #require(try await store.agent(id: agent.id))
            #expect(rotated.keyHash == Array(repeating: 8, count: 32) && rotated.previousKeyHash == agent.keyHash && rotated.previousKeyValidUntil == Self.now + 60)
            #expect(try await store.rotateKey(agentID: agent.id, newKeyHash: Array(repeating: 9, count: 32), previousValidUntil: nil,
                                              maximumPer24h: 2, now: Self.now + 1) == .rotated)
            let revoked = try #require(try await store.agent(id: agent.id))
            #expect(revoked.previousKeyHash == nil && revoked.previousKeyValidUntil == nil)
            #expect(try await store.rotateKey(agentID: agent.id, newKeyHash: [1], previousValidUntil: nil, maximumPer24h: 2, now: Self.now + 2)
                    == .capReached(rotationsInWindow: 2, oldestInWindow: Self.now))
            #expect(try await store.rotateKey(agentID: "ag_missing", newKeyHash: [1], previousValidUntil: nil, maximumPer24h: 2, now: Self.now)
                    == .agentMissing)
        }
    }

    @Test("concurrent rotations never exceed the cap", arguments: StoreBackend.available)
    func concurrentRotations(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(Self.newAgent())
            let outcomes = try await withThrowingTaskGroup(of: RotationOutcome.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await store.rotateKey(agentID: agent.id, newKeyHash: [UInt8(index)], previousValidUntil: nil, maximumPer24h: 3, now: Self.now)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .rotated }.count == 3)
        }
    }

    @Test("operator updates: tier floor set and cleared, suspension", arguments: StoreBackend.available)
    func operatorUpdates(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(Self.newAgent())
            #expect(try await store.updateAgent(id: agent.id, tierFloor: .some(.gold), suspended: true)?.tier == .gold)
            #expect(try await store.agent(id: agent.id)?.suspended == true)
            let cleared = try await store.updateAgent(id: agent.id, tierFloor: .some(nil), suspended: false)
            #expect(cleared?.tierFloor == nil && cleared?.suspended == false)
            #expect(try await store.updateAgent(id: "ag_missing", tierFloor: nil, suspended: true) == nil)
        }
    }

    @Test("credits apply once per key, even when duplicates race", arguments: StoreBackend.available)
    func credits(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(Self.newAgent())
            guard case .credited(let transactionID, let balance) = try await store.credit(Self.credit(agent, "5", key: "topup-1")) else {
                Issue.record("first credit not applied")
                return
            }
            #expect(balance == (try! Money(decimal: "5")))
            #expect(try await store.credit(Self.credit(agent, "5", key: "topup-1"))
                    == .alreadyApplied(transactionID: transactionID, amount: (try! Money(decimal: "5")), agentID: agent.id))
            let outcomes = try await withThrowingTaskGroup(of: CreditOutcome.self) { group in
                for _ in 0..<16 { group.addTask { try await store.credit(Self.credit(agent, "2.5", key: "topup-race")) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .credited = $0 { true } else { false } }.count == 1)
            #expect(try await store.agent(id: agent.id)?.balance == (try! Money(decimal: "7.5")))
            #expect(try await store.credit(WalletCredit(agentID: "ag_missing", amount: (try! Money(decimal: "1")), reason: "x", idempotencyKey: "k-missing",
                                                        source: .operatorFunding, now: Self.now)) == .agentMissing)
            let summary = try await store.ledgerSummary()
            #expect(summary.transactionCount == 2 && summary.globalSum == .zero)
            #expect(try await store.verifyLedger().isEmpty)
        }
    }

    @Test("a paid call moves the price 85/10/5 with the response stored in the same transaction", arguments: StoreBackend.available)
    func paidSettlement(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(Self.newAgent())
            _ = try await store.credit(Self.credit(agent, "1"))
            let call = Self.invocation(agent, price: "0.01", key: "req-1")
            guard case .completed(let billing, let body) = try await store.completeInvocation(call, render: Self.render) else {
                Issue.record("not completed")
                return
            }
            #expect(billing.cost == (try! Money(decimal: "0.01")) && billing.balanceAfter == (try! Money(decimal: "0.99")) && billing.method == .wallet)
            #expect(billing.transactionID == call.transactionID && billing.totalCallsAfter == 1)
            let summary = try await store.ledgerSummary()
            #expect(summary.balances[.wallet] == (try! Money(decimal: "0.99")))
            #expect(summary.balances[.providerPayable] == (try! Money(decimal: "0.0085")))
            #expect(summary.balances[.hubFees] == (try! Money(decimal: "0.001")))
            #expect(summary.balances[.paymentFees] == (try! Money(decimal: "0.0005")))
            #expect(summary.globalSum == .zero)
            let stored = try #require(try await store.idempotencyRecord(agentID: agent.id, key: "req-1", now: Self.now))
            #expect(stored.body == body && stored.statusCode == 200 && stored.fingerprint == [1, 2, 3])
            // The same key again settles nothing and answers with the stored response.
            guard case .duplicate(let again) = try await store.completeInvocation(Self.invocation(agent, price: "0.01", key: "req-1"), render: Self.render) else {
                Issue.record("second settlement of one key was not a duplicate")
                return
            }
            #expect(again.body == body)
            #expect(try await store.agent(id: agent.id)?.balance == (try! Money(decimal: "0.99")))
            let history = try await store.walletTransactions(agentID: agent.id, before: nil, limit: 10)
            #expect(history.map(\.kind) == ["charge", "credit"])
            #expect(history[0].amount == (try! Money(decimal: "-0.01")) && history[0].balanceAfter == (try! Money(decimal: "0.99")))
            let older = try await store.walletTransactions(agentID: agent.id, before: history[0].sequence, limit: 10)
            #expect(older.map(\.kind) == ["credit"])
            #expect(try await store.verifyLedger().isEmpty)
        }
    }

    @Test("settling from admission's snapshot gives the same answer whether or not the row moved since", arguments: StoreBackend.available)
    func snapshotSettlement(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let created = try await store.createAgent(Self.newAgent(freeCalls: 1))
            _ = try await store.credit(Self.credit(created, "1"))
            var free = Self.invocation(created, price: "0.01", key: "snap-free", funding: .freeCall)
            free.snapshot = try await store.agent(id: created.id)
            guard case .completed(let freeBilling, let freeBody) = try await store.completeInvocation(free, render: Self.render) else {
                Issue.record("free call at snapshot not completed")
                return
            }
            #expect(freeBilling == free.expectedBilling && freeBilling.method == .freeCall && freeBilling.freeCallsRemaining == 0)
            #expect(try await store.idempotencyRecord(agentID: created.id, key: "snap-free", now: Self.now)?.body == freeBody)

            var paid = Self.invocation(created, price: "0.01", key: "snap-paid")
            paid.snapshot = try await store.agent(id: created.id)
            guard case .completed(let paidBilling, _) = try await store.completeInvocation(paid, render: Self.render) else {
                Issue.record("paid call at snapshot not completed")
                return
            }
            #expect(paidBilling == paid.expectedBilling && paidBilling.balanceAfter == (try! Money(decimal: "0.99")) && paidBilling.totalCallsAfter == 2)

            // The row moves on (a credit) after admission: the settlement sees the new balance.
            var stale = Self.invocation(created, price: "0.01", key: "snap-stale")
            stale.snapshot = try await store.agent(id: created.id)
            _ = try await store.credit(Self.credit(created, "2"))
            guard case .completed(let staleBilling, let staleBody) = try await store.completeInvocation(stale, render: Self.render) else {
                Issue.record("stale-snapshot call not completed")
                return
            }
            #expect(staleBilling.balanceAfter == (try! Money(decimal: "2.98")) && staleBilling.totalCallsAfter == 3)
            #expect(String(decoding: staleBody, as: UTF8.self).contains("2.98"))
            // And the same key again, with a snapshot, is a duplicate that moves nothing.
            var again = Self.invocation(created, price: "0.01", key: "snap-paid")
            again.snapshot = try await store.agent(id: created.id)
            guard case .duplicate = try await store.completeInvocation(again, render: Self.render) else {
                Issue.record("a settled key settled again")
                return
            }
            #expect(try await store.agent(id: created.id)?.balance == (try! Money(decimal: "2.98")))
            #expect(try await store.verifyLedger().isEmpty)
            let summary = try await store.ledgerSummary()
            #expect(summary.transactionCount == 4 && summary.globalSum == .zero)
        }
    }

    @Test("free calls, and refusal without funds, write no money", arguments: StoreBackend.available)
    func freeAndRefused(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(Self.newAgent(freeCalls: 1))
            guard case .completed(let free, _) = try await store.completeInvocation(Self.invocation(agent, price: "0.01", funding: .freeCall), render: Self.render)
            else {
                Issue.record("free call not completed")
                return
            }
            #expect(free.method == .freeCall && free.cost == .zero && free.transactionID == nil && free.freeCallsRemaining == 0)
            guard case .insufficientFunds(let balance, let freeLeft) = try await store.completeInvocation(
                Self.invocation(agent, price: "0.01", key: "no-money", funding: .freeCall), render: Self.render)
            else {
                Issue.record("settled without funds")
                return
            }
            #expect(balance == .zero && freeLeft == 0)
            #expect(try await store.idempotencyRecord(agentID: agent.id, key: "no-money", now: Self.now) == nil)
            #expect(try await store.ledgerSummary().transactionCount == 0)
            #expect(try await store.agent(id: agent.id)?.totalCalls == 1)
            guard case .agentMissing = try await store.completeInvocation(
                Self.invocation(AgentRecord(id: "ag_missing", name: "", agentType: nil, keyHash: [], previousKeyHash: nil, previousKeyValidUntil: nil,
                                            tierFloor: nil, suspended: false, totalCalls: 0, freeCallsRemaining: 0, balance: .zero, createdAt: 0),
                                price: "0.01"), render: Self.render)
            else {
                Issue.record("missing agent settled")
                return
            }
        }
    }

    @Test("concurrent charges of one wallet never overdraw it", arguments: StoreBackend.available)
    func concurrentCharges(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(Self.newAgent())
            _ = try await store.credit(Self.credit(agent, "0.05"))
            let completed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        if case .completed = try await store.completeInvocation(Self.invocation(agent, price: "0.01"), render: Self.render) { return true }
                        return false
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(completed == 5)
            #expect(try await store.agent(id: agent.id)?.balance == .zero)
            #expect(try await store.verifyLedger().isEmpty)
        }
    }

    @Test("idempotency records and artifacts expire and are purged", arguments: StoreBackend.available)
    func expiry(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(Self.newAgent())
            _ = try await store.credit(Self.credit(agent, "1"))
            _ = try await store.completeInvocation(Self.invocation(agent, price: "0.01", key: "old"), render: Self.render)
            #expect(try await store.idempotencyRecord(agentID: agent.id, key: "old", now: Self.now + 86_400) == nil)
            let artifact = ArtifactRecord(id: "art_1", agentID: agent.id, mediaType: "application/pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0],
                                          sha256: "abc", createdAt: Self.now, expiresAt: Self.now + 100)
            try await store.saveArtifacts([artifact])
            #expect(try await store.artifact(id: "art_1", now: Self.now) == artifact)
            #expect(try await store.artifact(id: "art_1", now: Self.now + 100) == nil)
            #expect(try await store.purgeExpiredArtifacts(now: Self.now + 100) == 1)
            #expect(try await store.purgeExpiredIdempotency(now: Self.now + 86_400) == 1)
            #expect(try await store.purgeExpiredIdempotency(now: Self.now + 86_400) == 0)
        }
    }

    @Test("sliding-window rate limits are exact, also under concurrency", arguments: StoreBackend.available)
    func rateLimits(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = Double(Self.now)
            for index in 0..<3 {
                let decision = try await store.checkRate(key: "a", limit: 3, windowSeconds: 60, now: start + Double(index))
                #expect(decision.allowed && decision.remaining == 2 - index)
            }
            let refused = try await store.checkRate(key: "a", limit: 3, windowSeconds: 60, now: start + 10)
            #expect(!refused.allowed && refused.retryAfterSeconds == 50 && refused.resetAt == start + 60)
            #expect(try await store.checkRate(key: "b", limit: 3, windowSeconds: 60, now: start + 10).allowed)
            #expect(try await store.checkRate(key: "a", limit: 3, windowSeconds: 60, now: start + 60.5).allowed)
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<40 { group.addTask { try await store.checkRate(key: "burst", limit: 10, windowSeconds: 60, now: start).allowed } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(allowed == 10)
        }
    }

    @Test("a provenance nonce is accepted once until it expires, also when replays race", arguments: StoreBackend.available)
    func nonces(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.recordNonce(agentID: "ag_1", nonce: "00aa11bb22cc33dd", now: Self.now, ttlSeconds: 600))
            #expect(try await !store.recordNonce(agentID: "ag_1", nonce: "00aa11bb22cc33dd", now: Self.now + 599, ttlSeconds: 600))
            #expect(try await store.recordNonce(agentID: "ag_2", nonce: "00aa11bb22cc33dd", now: Self.now, ttlSeconds: 600))
            #expect(try await store.recordNonce(agentID: "ag_1", nonce: "00aa11bb22cc33dd", now: Self.now + 600, ttlSeconds: 600))
            let fresh = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 { group.addTask { try await store.recordNonce(agentID: "ag_3", nonce: "ffee", now: Self.now, ttlSeconds: 600) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(fresh == 1)
        }
    }

    @Test("request claims: one holder, busy for others, free after release or lease end, stored once settled", arguments: StoreBackend.available)
    func claims(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.claimRequest(agentID: "ag_1", key: "k1", now: Self.now, leaseUntil: Self.now + 30) == .claimed)
            #expect(try await store.claimRequest(agentID: "ag_1", key: "k1", now: Self.now + 1, leaseUntil: Self.now + 31) == .busy(leaseUntil: Self.now + 30))
            #expect(try await store.claimRequest(agentID: "ag_2", key: "k1", now: Self.now, leaseUntil: Self.now + 30) == .claimed)
            try await store.releaseRequest(agentID: "ag_1", key: "k1")
            #expect(try await store.claimRequest(agentID: "ag_1", key: "k1", now: Self.now + 2, leaseUntil: Self.now + 32) == .claimed)
            // A holder that died: its lease ends and the key can be taken over.
            #expect(try await store.claimRequest(agentID: "ag_1", key: "k1", now: Self.now + 32, leaseUntil: Self.now + 62) == .claimed)
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await store.claimRequest(agentID: "ag_3", key: "race", now: Self.now, leaseUntil: Self.now + 30) == .claimed }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
            let agent = try await store.createAgent(Self.newAgent())
            _ = try await store.credit(Self.credit(agent, "1"))
            #expect(try await store.claimRequest(agentID: agent.id, key: "settled", now: Self.now, leaseUntil: Self.now + 30) == .claimed)
            guard case .completed(_, let body) = try await store.completeInvocation(Self.invocation(agent, price: "0.01", key: "settled"), render: Self.render)
            else {
                Issue.record("not completed")
                return
            }
            guard case .stored(let record) = try await store.claimRequest(agentID: agent.id, key: "settled", now: Self.now + 1, leaseUntil: Self.now + 31)
            else {
                Issue.record("a settled key was not answered with its stored response")
                return
            }
            #expect(record.body == body)
            #expect(try await store.purgeExpiredCoordination(now: Self.now + 10_000) >= 1)
        }
    }
}
