import Foundation
import GRDB
import JECPHubCore
import JECPModels
import JECPStoreSQLite
import Logging
import Testing

/// Random credits and charges, sequential and concurrent, against a real SQLite file; after
/// each run the store must agree with a simple model and every ledger invariant must hold.
@Suite struct LedgerPropertyTests {
    static func makeStore() throws -> (SQLiteStore, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-ledger-\(UUID().uuidString)/hub.sqlite").path
        return (try SQLiteStore(path: path, logger: Logger(label: "test")), path)
    }

    static func invocation(agent: String, price: Money, funding: FundingMethod, key: String) -> CompletedInvocation {
        CompletedInvocation(invocationID: UUID().uuidString, transactionID: UUID().uuidString, agentID: agent, requestID: key, idempotencyKey: key,
                            fingerprint: Array(repeating: 1, count: 32), capability: "hub/test", action: "run", payee: .provider("hub"), price: price,
                            funding: funding, durationMilliseconds: 1, now: Timestamps.now(), idempotencyExpiresAt: Timestamps.now() + 86_400)
    }

    @Test(arguments: [1, 2, 3, 42, 1337] as [UInt64])
    func randomOperationsKeepTheLedgerBalanced(seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed)
        let (store, _) = try Self.makeStore()
        let agents = (0..<5).map { "jecp_ag_prop\(seed)agent\($0)AAAAAAAAAAAA" }
        var balances: [String: Int64] = [:]
        var freeCalls: [String: Int64] = [:]
        for agent in agents {
            _ = try await store.createAgent(NewAgent(id: agent, name: agent, agentType: nil, description: nil, referredBy: nil,
                                                     keyHash: Array(repeating: 0, count: 32), freeCalls: 3, createdAt: 0))
            balances[agent] = 0
            freeCalls[agent] = 3
        }
        var usedCreditKeys: [(String, String, Money)] = []
        for step in 0..<300 {
            let agent = agents[Int(random.next() % UInt64(agents.count))]
            switch random.next() % 4 {
            case 0:
                if let reuse = usedCreditKeys.randomElement(using: &random), random.next() % 3 == 0 {
                    let outcome = try await store.credit(WalletCredit(agentID: reuse.0, amount: reuse.2, reason: "again", idempotencyKey: reuse.1,
                                                                      source: .operatorFunding, now: 0))
                    guard case .alreadyApplied = outcome else { Issue.record("duplicate credit applied twice"); return }
                } else {
                    let amount = Money(micros: Int64(random.next() % 3_000_000) + 1)
                    let key = "credit-\(seed)-\(step)"
                    _ = try await store.credit(WalletCredit(agentID: agent, amount: amount, reason: "fund", idempotencyKey: key, source: .operatorFunding, now: 0))
                    balances[agent]! += amount.micros
                    usedCreditKeys.append((agent, key, amount))
                }
            default:
                let price = Money(micros: Int64(random.next() % 1_500_000))
                let funding: FundingMethod = random.next() % 2 == 0 ? .freeCall : .wallet
                let outcome = try await store.completeInvocation(Self.invocation(agent: agent, price: price, funding: funding, key: "inv-\(seed)-\(step)")) { _ in [] }
                switch outcome {
                case .completed(let billing, _):
                    if billing.method == .freeCall {
                        #expect(funding == .freeCall && freeCalls[agent]! > 0)
                        freeCalls[agent]! -= 1
                    } else {
                        #expect(balances[agent]! >= price.micros)
                        balances[agent]! -= price.micros
                    }
                    #expect(billing.balanceAfter.micros == balances[agent]!)
                case .insufficientFunds:
                    #expect(balances[agent]! < price.micros && (funding == .wallet || freeCalls[agent]! == 0))
                default:
                    Issue.record("unexpected outcome \(outcome)")
                }
            }
        }
        // Concurrent charges against one agent can never overdraw it.
        let target = agents[0]
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let outcome = try await store.completeInvocation(Self.invocation(agent: target, price: Money(micros: 100_000), funding: .wallet,
                                                                                     key: "race-\(seed)-\(index)")) { _ in [] }
                    if case .completed = outcome { return true }
                    return false
                }
            }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(Int64(results) == min(40, balances[target]! / 100_000))
        balances[target]! -= Int64(results) * 100_000
        for agent in agents {
            #expect(try await store.agent(id: agent)?.balance.micros == balances[agent])
        }
        let violations = try await store.verifyLedger()
        #expect(violations.isEmpty, "\(violations)")
        let summary = try await store.ledgerSummary()
        #expect(summary.globalSum == .zero)
        #expect(summary.balances[.wallet]?.micros ?? 0 == balances.values.reduce(0, +))
        try await store.close()
    }

    @Test func expiredIdempotencyRecordsArePurgedAndNoLongerReplayed() async throws {
        let (store, _) = try Self.makeStore()
        _ = try await store.createAgent(NewAgent(id: "jecp_ag_purgeAAAAAAAAAAAAAAAAA", name: "p", agentType: nil, description: nil, referredBy: nil,
                                                 keyHash: [0], freeCalls: 5, createdAt: 0))
        var old = Self.invocation(agent: "jecp_ag_purgeAAAAAAAAAAAAAAAAA", price: .zero, funding: .freeCall, key: "old-key")
        old.idempotencyExpiresAt = Timestamps.now() - 1
        _ = try await store.completeInvocation(old) { _ in Array("old".utf8) }
        _ = try await store.completeInvocation(Self.invocation(agent: "jecp_ag_purgeAAAAAAAAAAAAAAAAA", price: .zero, funding: .freeCall, key: "new-key")) { _ in [] }
        #expect(try await store.idempotencyRecord(agentID: "jecp_ag_purgeAAAAAAAAAAAAAAAAA", key: "old-key", now: Timestamps.now()) == nil)
        #expect(try await store.purgeExpiredIdempotency(now: Timestamps.now()) == 1)
        #expect(try await store.idempotencyRecord(agentID: "jecp_ag_purgeAAAAAAAAAAAAAAAAA", key: "new-key", now: Timestamps.now()) != nil)
        try await store.close()
    }

    @Test func verifyNamesEachBrokenInvariant() async throws {
        let (store, path) = try Self.makeStore()
        _ = try await store.createAgent(NewAgent(id: "jecp_ag_tamperAAAAAAAAAAAAAAAA", name: "t", agentType: nil, description: nil, referredBy: nil,
                                                 keyHash: [0], freeCalls: 0, createdAt: 0))
        _ = try await store.credit(WalletCredit(agentID: "jecp_ag_tamperAAAAAAAAAAAAAAAA", amount: Money(units: 1), reason: "x",
                                                idempotencyKey: "k1", source: .operatorFunding, now: 0))
        _ = try await store.completeInvocation(Self.invocation(agent: "jecp_ag_tamperAAAAAAAAAAAAAAAA", price: Money(micros: 10), funding: .wallet, key: "c1")) { _ in [] }
        #expect(try await store.verifyLedger().isEmpty)
        try await store.close()
        // Tamper with the file the way a bug or a hand edit would.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE ledger_entries SET amount_micros = amount_micros + 1 WHERE account = 'hub:fees'")
            try db.execute(sql: "UPDATE agents SET balance_micros = balance_micros + 5")
            try db.execute(sql: "DELETE FROM invocations")
        }
        try queue.close()
        let reopened = try SQLiteStore(path: path, logger: Logger(label: "test"))
        let names = Set(try await reopened.verifyLedger().map(\.invariant))
        #expect(names.isSuperset(of: ["global-sum-zero", "transaction-sums-zero", "wallet-matches-ledger", "charge-has-one-invocation"]))
        try await reopened.close()
    }
}

/// Driver failures become `StoreError.unavailable` at the store boundary, and the wire error is
/// `SERVICE_DEGRADED` with `Retry-After`, never a 500 with database text.
@Suite struct StoreFailureTests {
    @Test func aClosedDatabaseIsUnavailableNotACrash() async throws {
        let (store, _) = try LedgerPropertyTests.makeStore()
        try await store.close()
        await #expect(throws: StoreError.self) { try await store.ping() }
        do {
            _ = try await store.ledgerSummary()
            Issue.record("a closed store answered")
        } catch {
            guard case .unavailable(let message) = error else { Issue.record("unexpected \(error)"); return }
            #expect(!message.isEmpty)
            let wire = HubErrors.storeUnavailable(error)
            #expect(wire.code == .serviceDegraded)
            #expect(wire.httpStatus == 503)
            #expect(wire.headers.contains { $0.name == "Retry-After" })
        }
    }
}
