import Foundation
import JECPHubCore
import JECPModels
import Logging
import PostgresNIO

extension PostgresStore {
    static let refundColumns = """
        id, agent_id, transaction_id, invocation_id, capability, action, provider_namespace, amount_micros, reason, evidence_url, status,
        decided_by, decision_note, refund_transaction_id, auto_approve_at, created_at, decided_at, seq
        """

    static func refundRecord(_ row: PostgresRow) throws -> RefundRecord {
        let c = try row.decode((String, String, String, String?, String?, String?, String?, Int64, String, String?, String,
                                String?, String?, String?, Int64, Int64, Int64?, Int64).self)
        return RefundRecord(id: c.0, agentID: c.1, transactionID: c.2, invocationID: c.3, capability: c.4, action: c.5, providerNamespace: c.6,
                            amount: Money(micros: c.7), reason: c.8, evidenceURL: c.9, status: RefundStatus(rawValue: c.10) ?? .requested,
                            decidedBy: c.11, decisionNote: c.12, refundTransactionID: c.13, autoApproveAt: c.14, createdAt: c.15, decidedAt: c.16,
                            sequence: c.17)
    }

    static func fetchRefund(_ connection: PostgresConnection, id: String, logger: Logger) async throws -> RefundRecord? {
        try await connection.rows("SELECT \(unescaped: refundColumns) FROM refunds WHERE id = \(id)", logger: logger).first.map(refundRecord)
    }

    public func requestRefund(_ request: RefundRequest) async throws(StoreError) -> RefundRequestOutcome {
        let logger = self.logger
        return try await transaction { connection in
            // The agent's row lock serializes its requests on every node: the cap count and the
            // duplicate check below cannot interleave with a concurrent request of the same agent.
            guard try await !connection.rows("SELECT 1 FROM agents WHERE id = \(request.agentID) FOR UPDATE", logger: logger).isEmpty else {
                return .transactionNotFound
            }
            guard let charge = try await connection.rows("""
                SELECT t.kind, t.invocation_id, t.capability, t.action, t.created_at,
                       (SELECT -COALESCE(SUM(e.amount_micros), 0) FROM ledger_entries e
                        WHERE e.transaction_id = t.id AND e.account = \(LedgerAccount.wallet(request.agentID).name))::bigint
                FROM ledger_transactions t WHERE t.id = \(request.transactionID) AND t.agent_id = \(request.agentID)
                """, logger: logger).first
            else { return .transactionNotFound }
            let (kind, invocationID, capability, action, chargedAt, amount) =
                try charge.decode((String, String?, String?, String?, Int64, Int64).self)
            guard kind == "charge" else { return .notACharge(kind: kind) }
            guard request.now - chargedAt <= request.maximumAgeSeconds else { return .tooOld(chargedAt: chargedAt) }
            if let existing = try await connection.rows(
                "SELECT \(unescaped: Self.refundColumns) FROM refunds WHERE transaction_id = \(request.transactionID)", logger: logger).first {
                return .alreadyRequested(try Self.refundRecord(existing))
            }
            let window = try await connection.rows("""
                SELECT COUNT(*)::bigint, MIN(created_at) FROM refunds WHERE agent_id = \(request.agentID) AND created_at > \(request.now - 86_400)
                """, logger: logger)
            let (count, oldest) = try window.first?.decode((Int64, Int64?).self) ?? (Int64(0), nil)
            if count >= request.dailyCap { return .capReached(requestsInWindow: Int(count), oldestInWindow: oldest ?? request.now) }
            let namespace = RefundRecord.namespace(ofCapability: capability)
            let inserted = try await connection.rows("""
                INSERT INTO refunds (id, agent_id, transaction_id, invocation_id, capability, action, provider_namespace, amount_micros, reason,
                                     evidence_url, status, auto_approve_at, created_at)
                VALUES (\(request.id), \(request.agentID), \(request.transactionID), \(invocationID), \(capability), \(action), \(namespace),
                        \(amount), \(request.reason), \(request.evidenceURL), 'requested', \(request.now + request.autoApproveAfterSeconds), \(request.now))
                RETURNING \(unescaped: Self.refundColumns)
                """, logger: logger)
            guard let row = inserted.first else { throw StoreError.unavailable("refund insert returned nothing") }
            let refund = try Self.refundRecord(row)
            try await Self.emit(connection, RefundEvents.requested(refund), now: request.now, logger: logger)
            return .requested(refund)
        }
    }

    public func refund(id: String) async throws(StoreError) -> RefundRecord? {
        let rows = try await query("SELECT \(unescaped: Self.refundColumns) FROM refunds WHERE id = \(id)")
        return try decode { try rows.first.map(Self.refundRecord) }
    }

    public func refunds(agentID: String, status: RefundStatus?, before cursor: Int64?, limit: Int) async throws(StoreError) -> [RefundRecord] {
        let rows = try await query("""
            SELECT \(unescaped: Self.refundColumns) FROM refunds
            WHERE agent_id = \(agentID) AND seq < \(cursor ?? Int64.max) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
            ORDER BY seq DESC LIMIT \(limit)
            """)
        return try decode { try rows.map(Self.refundRecord) }
    }

    public func refunds(providerNamespace: String, status: RefundStatus?, before cursor: Int64?, limit: Int) async throws(StoreError) -> [RefundRecord] {
        let rows = try await query("""
            SELECT \(unescaped: Self.refundColumns) FROM refunds
            WHERE provider_namespace = \(providerNamespace) AND seq < \(cursor ?? Int64.max)
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
            ORDER BY seq DESC LIMIT \(limit)
            """)
        return try decode { try rows.map(Self.refundRecord) }
    }

    public func allRefunds(status: RefundStatus?, before cursor: Int64?, limit: Int) async throws(StoreError) -> [RefundRecord] {
        let rows = try await query("""
            SELECT \(unescaped: Self.refundColumns) FROM refunds
            WHERE seq < \(cursor ?? Int64.max) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
            ORDER BY seq DESC LIMIT \(limit)
            """)
        return try decode { try rows.map(Self.refundRecord) }
    }

    public func decideRefund(_ decision: RefundDecision) async throws(StoreError) -> RefundDecisionOutcome {
        let logger = self.logger
        return try await transaction { connection in
            // Conditional: a concurrent decision waits for this row lock, then finds the status changed.
            let updated = try await connection.rows("""
                UPDATE refunds SET status = \(decision.approve ? "approved" : "denied"), decided_by = \(decision.decidedBy),
                                   decision_note = \(decision.note), decided_at = \(decision.now)
                WHERE id = \(decision.refundID) AND status = 'requested'
                  AND (\(decision.providerNamespace)::text IS NULL OR provider_namespace = \(decision.providerNamespace))
                RETURNING \(unescaped: Self.refundColumns)
                """, logger: logger)
            guard let row = updated.first else {
                guard let current = try await Self.fetchRefund(connection, id: decision.refundID, logger: logger),
                      decision.providerNamespace == nil || current.providerNamespace == decision.providerNamespace
                else { return .notFound }
                return .alreadyDecided(current)
            }
            var refund = try Self.refundRecord(row)
            if decision.approve {
                let (transactionID, balance) = try await Self.reverse(connection, refund, now: decision.now, logger: logger)
                refund.refundTransactionID = transactionID
                try await Self.emit(connection, RefundEvents.invocationRefunded(refund, balanceAfter: balance), now: decision.now, logger: logger)
            }
            try await Self.emit(connection, RefundEvents.decided(refund), now: decision.now, logger: logger)
            return .decided(refund)
        }
    }

    /// As `SQLiteStore.reverse`: every entry of the charge negated, in one `refund` transaction
    /// whose unique key `refund:<charge>` makes a second reversal impossible.
    static func reverse(_ connection: PostgresConnection, _ refund: RefundRecord, now: Int64, logger: Logger) async throws -> (String, Money) {
        let transactionID = UUID().uuidString.lowercased()
        let wallet = LedgerAccount.wallet(refund.agentID).name
        let raised = try await connection.rows("""
            UPDATE agents SET balance_micros = balance_micros - (
                SELECT COALESCE(SUM(amount_micros), 0) FROM ledger_entries WHERE transaction_id = \(refund.transactionID) AND account = \(wallet))
            WHERE id = \(refund.agentID) RETURNING balance_micros
            """, logger: logger)
        guard let balance = try raised.first?.decode(Int64.self) else { throw StoreError.notFound }
        try await connection.query("""
            INSERT INTO ledger_transactions (id, kind, agent_id, invocation_id, idempotency_key, memo, capability, action, created_at)
            SELECT \(transactionID), 'refund', agent_id, invocation_id, 'refund:' || id, 'refund of ' || COALESCE(memo, id), capability, action, \(now)
            FROM ledger_transactions WHERE id = \(refund.transactionID)
            """, logger: logger)
        try await connection.query("""
            INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros, balance_after_micros)
            SELECT \(transactionID), account, account_class, -amount_micros, CASE WHEN account = \(wallet) THEN \(balance)::bigint END
            FROM ledger_entries WHERE transaction_id = \(refund.transactionID) ORDER BY seq
            """, logger: logger)
        try await connection.query(
            "UPDATE invocations SET status = 'refunded' WHERE transaction_id = \(refund.transactionID) AND status = 'completed'", logger: logger)
        try await connection.query("UPDATE refunds SET refund_transaction_id = \(transactionID) WHERE id = \(refund.id)", logger: logger)
        return (transactionID, Money(micros: balance))
    }

    public func refundsDueForAutoApproval(now: Int64, limit: Int) async throws(StoreError) -> [String] {
        let rows = try await query("""
            SELECT id FROM refunds WHERE status = 'requested' AND auto_approve_at <= \(now) ORDER BY auto_approve_at LIMIT \(limit)
            """)
        return try decode { try rows.map { try $0.decode(String.self) } }
    }
}
