import Foundation
import GRDB
import JECPHubCore
import JECPModels

extension SQLiteStore {
    static let refundColumns = """
        id, agent_id, transaction_id, invocation_id, capability, action, provider_namespace, amount_micros, reason, evidence_url, status,
        decided_by, decision_note, refund_transaction_id, auto_approve_at, created_at, decided_at, seq
        """

    static func refundRecord(_ row: Row) -> RefundRecord {
        RefundRecord(id: row["id"], agentID: row["agent_id"], transactionID: row["transaction_id"], invocationID: row["invocation_id"],
                     capability: row["capability"], action: row["action"], providerNamespace: row["provider_namespace"],
                     amount: Money(micros: row["amount_micros"]), reason: row["reason"], evidenceURL: row["evidence_url"],
                     status: RefundStatus(rawValue: row["status"]) ?? .requested, decidedBy: row["decided_by"], decisionNote: row["decision_note"],
                     refundTransactionID: row["refund_transaction_id"], autoApproveAt: row["auto_approve_at"], createdAt: row["created_at"],
                     decidedAt: row["decided_at"], sequence: row["seq"])
    }

    static func fetchRefund(_ db: Database, sql condition: String, _ arguments: StatementArguments) throws -> RefundRecord? {
        try Row.fetchOne(db, sql: "SELECT \(refundColumns) FROM refunds WHERE \(condition)", arguments: arguments).map(refundRecord)
    }

    public func requestRefund(_ request: RefundRequest) async throws(StoreError) -> RefundRequestOutcome {
        // Writes are serialized by SQLite, so the cap count and the insert cannot interleave with another request's.
        try await write { db in
            guard let charge = try Row.fetchOne(
                db,
                sql: """
                    SELECT t.kind, t.invocation_id, t.capability, t.action, t.created_at,
                           (SELECT -SUM(e.amount_micros) FROM ledger_entries e WHERE e.transaction_id = t.id AND e.account = ?) AS amount
                    FROM ledger_transactions t WHERE t.id = ? AND t.agent_id = ?
                    """,
                arguments: [LedgerAccount.wallet(request.agentID).name, request.transactionID, request.agentID])
            else { return .transactionNotFound }
            let kind: String = charge["kind"]
            guard kind == "charge" else { return .notACharge(kind: kind) }
            let chargedAt: Int64 = charge["created_at"]
            guard request.now - chargedAt <= request.maximumAgeSeconds else { return .tooOld(chargedAt: chargedAt) }
            if let existing = try Self.fetchRefund(db, sql: "transaction_id = ?", [request.transactionID]) { return .alreadyRequested(existing) }
            let since = request.now - 86_400
            let window = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM refunds WHERE agent_id = ? AND created_at > ?",
                arguments: [request.agentID, since])
            let count: Int = window?["n"] ?? 0
            if count >= request.dailyCap { return .capReached(requestsInWindow: count, oldestInWindow: window?["oldest"] ?? request.now) }
            let capability: String? = charge["capability"]
            let sequence = (try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM refunds")) ?? 1
            let refund = RefundRecord(
                id: request.id, agentID: request.agentID, transactionID: request.transactionID, invocationID: charge["invocation_id"],
                capability: capability, action: charge["action"], providerNamespace: RefundRecord.namespace(ofCapability: capability),
                amount: Money(micros: charge["amount"] ?? 0), reason: request.reason, evidenceURL: request.evidenceURL, status: .requested,
                decidedBy: nil, decisionNote: nil, refundTransactionID: nil, autoApproveAt: request.now + request.autoApproveAfterSeconds,
                createdAt: request.now, decidedAt: nil, sequence: sequence)
            try db.execute(
                sql: """
                    INSERT INTO refunds (id, agent_id, transaction_id, invocation_id, capability, action, provider_namespace, amount_micros, reason,
                                         evidence_url, status, auto_approve_at, created_at, seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?)
                    """,
                arguments: [refund.id, refund.agentID, refund.transactionID, refund.invocationID, refund.capability, refund.action,
                            refund.providerNamespace, refund.amount.micros, refund.reason, refund.evidenceURL, refund.autoApproveAt,
                            refund.createdAt, refund.sequence])
            try Self.emit(db, .refundRequested, agentID: refund.agentID, providerNamespace: refund.providerNamespace, now: request.now) {
                RefundEvents.requested(refund)
            }
            return .requested(refund)
        }
    }

    public func refund(id: String) async throws(StoreError) -> RefundRecord? {
        try await read { db in try Self.fetchRefund(db, sql: "id = ?", [id]) }
    }

    public func refunds(agentID: String, status: RefundStatus?, before cursor: Int64?, limit: Int) async throws(StoreError) -> [RefundRecord] {
        try await listRefunds(owner: ("agent_id", agentID), status: status, before: cursor, limit: limit)
    }

    public func refunds(providerNamespace: String, status: RefundStatus?, before cursor: Int64?, limit: Int) async throws(StoreError) -> [RefundRecord] {
        try await listRefunds(owner: ("provider_namespace", providerNamespace), status: status, before: cursor, limit: limit)
    }

    public func allRefunds(status: RefundStatus?, before cursor: Int64?, limit: Int) async throws(StoreError) -> [RefundRecord] {
        try await listRefunds(owner: nil, status: status, before: cursor, limit: limit)
    }

    /// `owner`: the column (one of ours, never input) and its value; nil lists everyone's.
    private func listRefunds(owner: (column: String, value: String)?, status: RefundStatus?, before cursor: Int64?, limit: Int)
        async throws(StoreError) -> [RefundRecord]
    {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.refundColumns) FROM refunds WHERE \(owner.map { "\($0.column) = ? AND" } ?? "") seq < ? AND (? IS NULL OR status = ?)
                    ORDER BY seq DESC LIMIT ?
                    """,
                arguments: StatementArguments(owner.map { [$0.value] } ?? [])
                    + [cursor ?? Int64.max, status?.rawValue, status?.rawValue, limit]
            ).map(Self.refundRecord)
        }
    }

    public func decideRefund(_ decision: RefundDecision) async throws(StoreError) -> RefundDecisionOutcome {
        let (outcome, updated) = try await write { db -> (RefundDecisionOutcome, AgentCache.Versioned?) in
            try db.execute(
                sql: """
                    UPDATE refunds SET status = ?, decided_by = ?, decision_note = ?, decided_at = ?
                    WHERE id = ? AND status = 'requested' AND (? IS NULL OR provider_namespace = ?)
                    """,
                arguments: [decision.approve ? "approved" : "denied", decision.decidedBy, decision.note, decision.now,
                            decision.refundID, decision.providerNamespace, decision.providerNamespace])
            guard db.changesCount == 1 else {
                guard let current = try Self.fetchRefund(db, sql: "id = ?", [decision.refundID]),
                      decision.providerNamespace == nil || current.providerNamespace == decision.providerNamespace
                else { return (.notFound, nil) }
                return (.alreadyDecided(current), nil)
            }
            guard var refund = try Self.fetchRefund(db, sql: "id = ?", [decision.refundID]) else { return (.notFound, nil) }
            var agent: AgentCache.Versioned?
            if decision.approve {
                let (transactionID, versioned) = try Self.reverse(db, refund, now: decision.now)
                refund.refundTransactionID = transactionID
                agent = versioned
                try Self.emit(db, .invocationRefunded, agentID: refund.agentID, providerNamespace: refund.providerNamespace, now: decision.now) {
                    RefundEvents.invocationRefunded(refund, balanceAfter: versioned.record.balance)
                }
            }
            try Self.emit(db, decision.approve ? .refundApproved : .refundDenied, agentID: refund.agentID,
                          providerNamespace: refund.providerNamespace, now: decision.now) { RefundEvents.decided(refund) }
            return (.decided(refund), agent)
        }
        if let updated { agents.remember(updated) }
        return outcome
    }

    /// The `refund` transaction: every entry of the charge negated (the wallet's with its new
    /// balance), the wallet raised by what it paid, the invocation marked refunded. The unique
    /// `refund:<charge>` key makes a second reversal of one charge fail the whole transaction.
    static func reverse(_ db: Database, _ refund: RefundRecord, now: Int64) throws -> (String, AgentCache.Versioned) {
        let transactionID = UUID().uuidString.lowercased()
        let wallet = LedgerAccount.wallet(refund.agentID).name
        let paid = try Int64.fetchOne(
            db, sql: "SELECT -COALESCE(SUM(amount_micros), 0) FROM ledger_entries WHERE transaction_id = ? AND account = ?",
            arguments: [refund.transactionID, wallet]) ?? 0
        try db.execute(sql: "UPDATE agents SET balance_micros = balance_micros + ?, version = version + 1 WHERE id = ?",
                       arguments: [paid, refund.agentID])
        guard let agent = try fetchVersionedAgent(db, id: refund.agentID) else { throw StoreError.notFound }
        try db.execute(
            sql: """
                INSERT INTO ledger_transactions (id, kind, agent_id, invocation_id, idempotency_key, memo, capability, action, created_at)
                SELECT ?, 'refund', agent_id, invocation_id, 'refund:' || id, 'refund of ' || COALESCE(memo, id), capability, action, ?
                FROM ledger_transactions WHERE id = ?
                """,
            arguments: [transactionID, now, refund.transactionID])
        try db.execute(
            sql: """
                INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros, balance_after_micros)
                SELECT ?, account, account_class, -amount_micros, CASE WHEN account = ? THEN ? END
                FROM ledger_entries WHERE transaction_id = ? ORDER BY seq
                """,
            arguments: [transactionID, wallet, agent.record.balance.micros, refund.transactionID])
        try db.execute(sql: "UPDATE invocations SET status = 'refunded' WHERE transaction_id = ? AND status = 'completed'",
                       arguments: [refund.transactionID])
        try db.execute(sql: "UPDATE refunds SET refund_transaction_id = ? WHERE id = ?", arguments: [transactionID, refund.id])
        return (transactionID, agent)
    }

    public func refundsDueForAutoApproval(now: Int64, limit: Int) async throws(StoreError) -> [String] {
        try await read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM refunds WHERE status = 'requested' AND auto_approve_at <= ? ORDER BY auto_approve_at LIMIT ?",
                arguments: [now, limit])
        }
    }
}
