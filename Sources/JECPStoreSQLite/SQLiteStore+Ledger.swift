import Foundation
import GRDB
import JECPHubCore
import JECPModels

extension SQLiteStore {
    static func insertEntry(_ db: Database, transaction: String, account: LedgerAccount, amount: Int64, balanceAfter: Int64? = nil) throws {
        guard amount != 0 else { return }
        try db.cachedStatement(sql: "INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros, balance_after_micros) VALUES (?, ?, ?, ?, ?)").execute(
            arguments: [transaction, account.name, account.accountClass.rawValue, amount, balanceAfter])
    }

    public func credit(_ credit: WalletCredit) async throws(StoreError) -> CreditOutcome {
        precondition(credit.amount > .zero, "credits are positive")
        let (outcome, updated) = try await write { db in try Self.applyCredit(db, credit) }
        if let updated { agents.remember(updated) }
        return outcome
    }

    /// A wallet credit inside the caller's transaction, once per idempotency key (shared by
    /// `credit` and `completeTopup`). The updated agent is for the cache, after commit.
    static func applyCredit(_ db: Database, _ credit: WalletCredit) throws -> (CreditOutcome, AgentCache.Versioned?) {
        if let existing = try Row.fetchOne(
            db,
            sql: """
                SELECT t.id, t.agent_id, e.amount_micros FROM ledger_transactions t
                JOIN ledger_entries e ON e.transaction_id = t.id AND e.account_class = 'wallet'
                WHERE t.idempotency_key = ?
                """,
            arguments: [credit.idempotencyKey])
        {
            return (.alreadyApplied(transactionID: existing["id"], amount: Money(micros: existing["amount_micros"]), agentID: existing["agent_id"]), nil)
        }
        try db.execute(sql: "UPDATE agents SET balance_micros = balance_micros + ?, version = version + 1 WHERE id = ?",
                       arguments: [credit.amount.micros, credit.agentID])
        guard db.changesCount == 1, let agent = try Self.fetchVersionedAgent(db, id: credit.agentID) else { return (.agentMissing, nil) }
        let balance = agent.record.balance.micros
        let transactionID = UUID().uuidString.lowercased()
        try db.execute(
            sql: "INSERT INTO ledger_transactions (id, kind, agent_id, idempotency_key, memo, created_at) VALUES (?, 'credit', ?, ?, ?, ?)",
            arguments: [transactionID, credit.agentID, credit.idempotencyKey, credit.reason, credit.now])
        try Self.insertEntry(db, transaction: transactionID, account: .wallet(credit.agentID), amount: credit.amount.micros, balanceAfter: balance)
        try Self.insertEntry(db, transaction: transactionID, account: credit.source, amount: -credit.amount.micros)
        try Self.emit(db, .walletToppedUp, agentID: credit.agentID, providerNamespace: nil, now: credit.now) {
            MoneyEvents.toppedUp(credit, transactionID: transactionID, balanceAfter: Money(micros: balance))
        }
        return (.credited(transactionID: transactionID, balanceAfter: Money(micros: balance)), agent)
    }

    public func completeInvocation(_ invocation: CompletedInvocation, render: @escaping @Sendable (Billing) -> [UInt8])
        async throws(StoreError) -> CompletionOutcome
    {
        let (outcome, updated) = try await settlements.submit(PendingSettlement(invocation: invocation, render: render))
        if let updated { agents.remember(updated) }
        if case .completed = outcome {
            storedKeys.insert(agentID: invocation.agentID, key: invocation.idempotencyKey)
            try await releaseRequest(agentID: invocation.agentID, key: invocation.idempotencyKey)
        }
        return outcome
    }

    struct PendingSettlement: Sendable {
        let invocation: CompletedInvocation
        let render: @Sendable (Billing) -> [UInt8]
    }

    static func settle(_ db: Database, _ invocation: CompletedInvocation, render: (Billing) -> [UInt8]) throws
        -> (CompletionOutcome, AgentCache.Versioned?)
    {
        if let stored = try fetchIdempotency(db, agentID: invocation.agentID, key: invocation.idempotencyKey, now: invocation.now) {
            return (.duplicate(stored), nil)
        }
        guard let versioned = try fetchVersionedAgent(db, id: invocation.agentID) else { return (.agentMissing, nil) }
        let agent = versioned.record
        let price = invocation.price.micros
        var method = invocation.funding
        var balance = agent.balance.micros
        var freeCalls = agent.freeCallsRemaining
        var transactionID: String?
        if method == .freeCall, freeCalls > 0 {
            try db.cachedStatement(sql: "UPDATE agents SET free_calls_remaining = free_calls_remaining - 1, total_calls = total_calls + 1, version = version + 1 WHERE id = ?").execute(arguments: [agent.id])
            freeCalls -= 1
        } else {
            if method == .freeCall { method = .wallet }  // the last free call went to a concurrent request
            // The cached view may have been stale: refresh it with what the transaction saw.
            guard balance >= price else { return (.insufficientFunds(balance: agent.balance, freeCallsRemaining: freeCalls), versioned) }
            try db.cachedStatement(sql: "UPDATE agents SET balance_micros = balance_micros - ?, total_calls = total_calls + 1, version = version + 1 WHERE id = ? AND balance_micros >= ?").execute(arguments: [price, agent.id, price])
            guard db.changesCount == 1 else { return (.insufficientFunds(balance: agent.balance, freeCallsRemaining: freeCalls), versioned) }
            balance -= price
            if price > 0 {
                transactionID = invocation.transactionID
                let split = RevenueSplit(price: invocation.price)
                try db.cachedStatement(sql: """
                        INSERT INTO ledger_transactions (id, kind, agent_id, invocation_id, memo, capability, action, created_at)
                        VALUES (?, 'charge', ?, ?, ?, ?, ?, ?)
                        """).execute(
                    arguments: [invocation.transactionID, agent.id, invocation.invocationID, "\(invocation.capability)/\(invocation.action)",
                                invocation.capability, invocation.action, invocation.now])
                try insertEntry(db, transaction: invocation.transactionID, account: .wallet(agent.id), amount: -price, balanceAfter: balance)
                for leg in invocation.providerLegs(split) {
                    try insertEntry(db, transaction: invocation.transactionID, account: leg.account, amount: leg.amount.micros)
                }
                try insertEntry(db, transaction: invocation.transactionID, account: .hubFees, amount: split.hub.micros)
                try insertEntry(db, transaction: invocation.transactionID, account: .paymentFees, amount: split.payment.micros)
            }
        }
        try db.cachedStatement(sql: """
                INSERT INTO invocations (id, agent_id, request_id, capability, action, price_micros, method, transaction_id, status, duration_ms, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?)
                """).execute(
            arguments: [invocation.invocationID, agent.id, invocation.requestID, invocation.capability, invocation.action,
                        method == .freeCall ? 0 : price, method.rawValue, transactionID, invocation.durationMilliseconds, invocation.now])
        let totalCalls = agent.totalCalls + 1
        let billing = Billing(
            cost: method == .freeCall ? .zero : invocation.price, method: method, balanceAfter: Money(micros: balance),
            transactionID: transactionID, totalCallsAfter: totalCalls, freeCallsRemaining: freeCalls,
            tierAfter: max(TrustTier(successfulCalls: totalCalls), agent.tierFloor ?? .bronze))
        let body = render(billing)
        try emitCompletion(db, invocation, billing: billing)
        try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO idempotency_records (agent_id, key, fingerprint, status_code, body, created_at, expires_at)
                VALUES (?, ?, ?, 200, ?, ?, ?)
                """).execute(
            arguments: [agent.id, invocation.idempotencyKey, Data(invocation.fingerprint), Data(body), invocation.now, invocation.idempotencyExpiresAt])
        let after = AgentCache.Versioned(
            record: AgentRecord(id: agent.id, name: agent.name, agentType: agent.agentType, keyHash: agent.keyHash,
                                previousKeyHash: agent.previousKeyHash, previousKeyValidUntil: agent.previousKeyValidUntil,
                                tierFloor: agent.tierFloor, suspended: agent.suspended, totalCalls: totalCalls, freeCallsRemaining: freeCalls,
                                balance: Money(micros: balance), createdAt: agent.createdAt),
            version: versioned.version + 1)
        return (.completed(billing, body: body), after)
    }

    /// `invocation.completed` (to the agent and the provider) and, when the charge crossed the
    /// agent's threshold, `wallet.low_balance`.
    static func emitCompletion(_ db: Database, _ invocation: CompletedInvocation, billing: Billing) throws {
        try emit(db, .invocationCompleted, agentID: invocation.agentID, providerNamespace: invocation.payee.providerNamespace, now: invocation.now) {
            MoneyEvents.invocationCompleted(invocation, billing: billing)
        }
        if MoneyEvents.crossesLowBalance(invocation, billing: billing) {
            try emit(db, .walletLowBalance, agentID: invocation.agentID, providerNamespace: nil, now: invocation.now) {
                MoneyEvents.lowBalance(invocation, billing: billing)
            }
        }
    }

    public func walletTransactions(agentID: String, before cursor: Int64?, limit: Int) async throws(StoreError) -> [WalletEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.seq, e.transaction_id, t.kind, e.amount_micros, e.balance_after_micros, t.memo, t.capability, t.action, t.created_at
                    FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                    WHERE e.account = ? AND e.seq < ?
                    ORDER BY e.seq DESC LIMIT ?
                    """,
                arguments: [LedgerAccount.wallet(agentID).name, cursor ?? Int64.max, limit]
            ).map { row in
                WalletEntry(sequence: row["seq"], transactionID: row["transaction_id"], kind: row["kind"],
                            amount: Money(micros: row["amount_micros"]), balanceAfter: Money(micros: row["balance_after_micros"] ?? 0),
                            memo: row["memo"], capability: row["capability"], action: row["action"], createdAt: row["created_at"])
            }
        }
    }

    public func ledgerSummary() async throws(StoreError) -> LedgerSummary {
        try await read { db in
            var balances: [LedgerAccount.Class: Money] = [:]
            var total: Int64 = 0
            for row in try Row.fetchAll(db, sql: "SELECT account_class, SUM(amount_micros) AS total FROM ledger_entries GROUP BY account_class") {
                let amount: Int64 = row["total"]
                total += amount
                if let accountClass = LedgerAccount.Class(rawValue: row["account_class"]) { balances[accountClass] = Money(micros: amount) }
            }
            let count = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_transactions") ?? 0
            return LedgerSummary(balances: balances, globalSum: Money(micros: total), transactionCount: count)
        }
    }
}
