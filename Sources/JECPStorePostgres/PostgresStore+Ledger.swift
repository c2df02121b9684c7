import Foundation
import JECPHubCore
import JECPModels
import PostgresNIO

extension PostgresStore {
    public func credit(_ credit: WalletCredit) async throws(StoreError) -> CreditOutcome {
        precondition(credit.amount > .zero, "credits are positive")
        let logger = self.logger
        let outcome: CreditOutcome? = try await transaction { connection in
            let outcome = try await Self.applyCredit(connection, credit, logger: logger)
            if outcome == .agentMissing { throw Rollback<CreditOutcome?>(value: .agentMissing) }
            return outcome
        }
        if let outcome { return outcome }
        let rows = try await query("""
            SELECT t.id, t.agent_id, e.amount_micros FROM ledger_transactions t
            JOIN ledger_entries e ON e.transaction_id = t.id AND e.account_class = 'wallet'
            WHERE t.idempotency_key = \(credit.idempotencyKey)
            """)
        guard let row = rows.first else { throw .unavailable("credit key taken but its transaction is not visible") }
        let (id, agentID, amount) = try decode { try row.decode((String, String, Int64).self) }
        return .alreadyApplied(transactionID: id, amount: Money(micros: amount), agentID: agentID)
    }

    /// A wallet credit inside the caller's transaction (shared by `credit` and `completeTopup`).
    /// Nil when the idempotency key was used before (the earlier transaction is looked up by the
    /// caller); `.agentMissing` after writes the caller must roll back.
    static func applyCredit(_ connection: PostgresConnection, _ credit: WalletCredit, logger: Logger) async throws -> CreditOutcome? {
        let transactionID = UUID().uuidString.lowercased()
        // The unique key makes a concurrent duplicate wait for this transaction, then find it.
        let inserted = try await connection.rows("""
            INSERT INTO ledger_transactions (id, kind, agent_id, idempotency_key, memo, created_at)
            VALUES (\(transactionID), 'credit', \(credit.agentID), \(credit.idempotencyKey), \(credit.reason), \(credit.now))
            ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
            """, logger: logger)
        guard !inserted.isEmpty else { return nil }
        let updated = try await connection.rows(
            "UPDATE agents SET balance_micros = balance_micros + \(credit.amount.micros) WHERE id = \(credit.agentID) RETURNING balance_micros",
            logger: logger)
        guard let balance = try updated.first?.decode(Int64.self) else { return .agentMissing }
        try await connection.query("""
            INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros, balance_after_micros) VALUES
                (\(transactionID), \(LedgerAccount.wallet(credit.agentID).name), 'wallet', \(credit.amount.micros), \(balance)),
                (\(transactionID), \(credit.source.name), \(credit.source.accountClass.rawValue), \(-credit.amount.micros), NULL)
            """, logger: logger)
        let event = MoneyEvents.toppedUp(credit, transactionID: transactionID, balanceAfter: Money(micros: balance))
        try await Self.emit(connection, event, now: credit.now, logger: logger)
        return .credited(transactionID: transactionID, balanceAfter: Money(micros: balance))
    }

    /// One round trip when the row still matches admission's snapshot (see `settleAtSnapshot`);
    /// otherwise five: BEGIN, the funding update, one statement for the ledger transaction, its
    /// entries and the invocation, the idempotency record, COMMIT. A second settlement of one key
    /// (only possible when a claim's lease ran out) conflicts on the record and rolls back whole.
    public func completeInvocation(_ invocation: CompletedInvocation, render: @escaping @Sendable (Billing) -> [UInt8])
        async throws(StoreError) -> CompletionOutcome
    {
        if invocation.stepShares.isEmpty, let snapshot = invocation.snapshot, let billing = invocation.expectedBilling {
            let body = render(billing)
            if try await settleAtSnapshot(invocation, snapshot: snapshot, billing: billing, body: body) { return .completed(billing, body: body) }
        }
        let logger = self.logger
        let outcome: CompletionOutcome? = try await transaction { connection in
            let price = invocation.price.micros
            var method = invocation.funding
            var row: PostgresRow?
            if method == .freeCall {
                row = try await connection.rows("""
                    UPDATE agents SET free_calls_remaining = free_calls_remaining - 1, total_calls = total_calls + 1
                    WHERE id = \(invocation.agentID) AND free_calls_remaining > 0
                    RETURNING \(unescaped: Self.agentColumns)
                    """, logger: logger).first
                if row == nil { method = .wallet }  // the last free call went to a concurrent request
            }
            if row == nil {
                row = try await connection.rows("""
                    UPDATE agents SET balance_micros = balance_micros - \(price), total_calls = total_calls + 1
                    WHERE id = \(invocation.agentID) AND balance_micros >= \(price)
                    RETURNING \(unescaped: Self.agentColumns)
                    """, logger: logger).first
            }
            guard let row else {
                guard let agent = try await Self.fetchAgent(connection, id: invocation.agentID, logger: logger) else {
                    throw Rollback<CompletionOutcome?>(value: .agentMissing)
                }
                throw Rollback<CompletionOutcome?>(value: .insufficientFunds(balance: agent.balance, freeCallsRemaining: agent.freeCallsRemaining))
            }
            let agent = try Self.agentRecord(row)
            let paid = method != .freeCall && price > 0
            if paid {
                let split = RevenueSplit(price: invocation.price)
                let tx = invocation.transactionID
                try await connection.query("""
                    WITH t AS (
                        INSERT INTO ledger_transactions (id, kind, agent_id, invocation_id, memo, capability, action, created_at)
                        VALUES (\(tx), 'charge', \(agent.id), \(invocation.invocationID), \(invocation.capability + "/" + invocation.action),
                                \(invocation.capability), \(invocation.action), \(invocation.now))
                    ), e AS (
                        INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros, balance_after_micros)
                        SELECT \(tx), account, class, amount, after FROM (VALUES
                            (\(LedgerAccount.wallet(agent.id).name), 'wallet', \(-price), \(agent.balance.micros)::bigint),
                            (\(invocation.payee.name), \(invocation.payee.accountClass.rawValue), \(invocation.providerLegs(split)[0].amount.micros), NULL),
                            (\(LedgerAccount.hubFees.name), \(LedgerAccount.hubFees.accountClass.rawValue), \(split.hub.micros), NULL),
                            (\(LedgerAccount.paymentFees.name), \(LedgerAccount.paymentFees.accountClass.rawValue), \(split.payment.micros), NULL)
                        ) AS legs(account, class, amount, after) WHERE amount <> 0
                    )
                    INSERT INTO invocations (id, agent_id, request_id, capability, action, price_micros, method, transaction_id, status, duration_ms, created_at)
                    VALUES (\(invocation.invocationID), \(agent.id), \(invocation.requestID), \(invocation.capability), \(invocation.action),
                            \(price), \(method.rawValue), \(tx), 'completed', \(invocation.durationMilliseconds), \(invocation.now))
                    """, logger: logger)
                for share in invocation.stepShares where share.amount != .zero {
                    try await connection.query("""
                        INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros)
                        VALUES (\(tx), \(share.account.name), \(share.account.accountClass.rawValue), \(share.amount.micros))
                        """, logger: logger)
                }
            } else {
                try await connection.query("""
                    INSERT INTO invocations (id, agent_id, request_id, capability, action, price_micros, method, transaction_id, status, duration_ms, created_at)
                    VALUES (\(invocation.invocationID), \(agent.id), \(invocation.requestID), \(invocation.capability), \(invocation.action),
                            \(method == .freeCall ? 0 : price), \(method.rawValue), NULL, 'completed', \(invocation.durationMilliseconds), \(invocation.now))
                    """, logger: logger)
            }
            let billing = Billing(
                cost: method == .freeCall ? .zero : invocation.price, method: method, balanceAfter: agent.balance,
                transactionID: paid ? invocation.transactionID : nil, totalCallsAfter: agent.totalCalls,
                freeCallsRemaining: agent.freeCallsRemaining, tierAfter: agent.tier)
            let body = render(billing)
            try await Self.emit(connection, MoneyEvents.invocationCompleted(invocation, billing: billing), now: invocation.now, logger: logger)
            if let low = MoneyEvents.lowBalance(invocation, billing: billing) { try await Self.emit(connection, low, now: invocation.now, logger: logger) }
            let stored = try await connection.rows("""
                INSERT INTO idempotency_records (agent_id, key, fingerprint, status_code, body, created_at, expires_at)
                VALUES (\(agent.id), \(invocation.idempotencyKey), \(ByteBuffer(bytes: invocation.fingerprint)), 200, \(ByteBuffer(bytes: body)),
                        \(invocation.now), \(invocation.idempotencyExpiresAt))
                ON CONFLICT (agent_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status_code = 200, body = EXCLUDED.body,
                    created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
                    WHERE idempotency_records.expires_at <= \(invocation.now)
                RETURNING 1
                """, logger: logger)
            guard !stored.isEmpty else { throw Rollback<CompletionOutcome?>(value: nil) }
            return .completed(billing, body: body)
        }
        if let outcome { return outcome }
        guard let record = try await idempotencyRecord(agentID: invocation.agentID, key: invocation.idempotencyKey, now: invocation.now) else {
            throw .unavailable("idempotency record conflicted but is not visible")
        }
        return .duplicate(record)
    }

    public func walletTransactions(agentID: String, before cursor: Int64?, limit: Int) async throws(StoreError) -> [WalletEntry] {
        let rows = try await query("""
            SELECT e.seq, e.transaction_id, t.kind, e.amount_micros, e.balance_after_micros, t.memo, t.capability, t.action, t.created_at
            FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
            WHERE e.account = \(LedgerAccount.wallet(agentID).name) AND e.seq < \(cursor ?? Int64.max)
            ORDER BY e.seq DESC LIMIT \(limit)
            """)
        return try decode {
            try rows.map { row in
                let (seq, transactionID, kind, amount, after, memo, capability, action, createdAt) =
                    try row.decode((Int64, String, String, Int64, Int64?, String?, String?, String?, Int64).self)
                return WalletEntry(sequence: seq, transactionID: transactionID, kind: kind, amount: Money(micros: amount),
                                   balanceAfter: Money(micros: after ?? 0), memo: memo, capability: capability, action: action, createdAt: createdAt)
            }
        }
    }

    public func ledgerSummary() async throws(StoreError) -> LedgerSummary {
        let rows = try await query("SELECT account_class, SUM(amount_micros)::bigint FROM ledger_entries GROUP BY account_class")
        let count = try await query("SELECT COUNT(*)::bigint FROM ledger_transactions")
        return try decode {
            var balances: [LedgerAccount.Class: Money] = [:]
            var total: Int64 = 0
            for row in rows {
                let (name, amount) = try row.decode((String, Int64).self)
                total += amount
                if let accountClass = LedgerAccount.Class(rawValue: name) { balances[accountClass] = Money(micros: amount) }
            }
            return LedgerSummary(balances: balances, globalSum: Money(micros: total), transactionCount: try count.first?.decode(Int64.self) ?? 0)
        }
    }
}
