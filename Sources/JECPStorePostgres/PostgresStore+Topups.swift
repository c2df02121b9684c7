import JECPHubCore
import JECPModels
import Logging
import PostgresNIO

extension PostgresStore {
    static let topupColumns = "session_id, agent_id, amount_micros, status, payment_intent, transaction_id, created_at, completed_at"

    static func topupRecord(_ row: PostgresRow) throws -> TopupRecord {
        let (session, agent, amount, status, intent, transaction, created, completed) =
            try row.decode((String, String, Int64, String, String?, String?, Int64, Int64?).self)
        return TopupRecord(sessionID: session, agentID: agent, amount: Money(micros: amount), status: TopupStatus(rawValue: status) ?? .open,
                           paymentIntent: intent, transactionID: transaction, createdAt: created, completedAt: completed)
    }

    public func recordTopup(_ topup: NewTopup) async throws(StoreError) {
        _ = try await query("""
            INSERT INTO topups (session_id, agent_id, amount_micros, status, created_at)
            VALUES (\(topup.sessionID), \(topup.agentID), \(topup.amount.micros), 'open', \(topup.createdAt))
            """)
    }

    public func completeTopup(_ completion: TopupCompletion) async throws(StoreError) -> TopupOutcome {
        precondition(completion.amount > .zero, "credits are positive")
        let logger = self.logger
        return try await transaction { connection -> TopupOutcome in
            // The row lock makes a concurrent duplicate wait for this transaction, then see `paid`.
            let rows = try await connection.rows(
                "SELECT \(unescaped: Self.topupColumns) FROM topups WHERE session_id = \(completion.sessionID) FOR UPDATE", logger: logger)
            guard let row = rows.first else { return .unknownSession }
            let topup = try Self.topupRecord(row)
            if topup.status == .paid { return .alreadyPaid(transactionID: topup.transactionID) }
            if let named = completion.agentID, named != topup.agentID { return .agentMismatch(sessionAgentID: topup.agentID) }
            let credit = completion.credit(agentID: topup.agentID)
            let transactionID: String
            let outcome: TopupOutcome
            switch try await Self.applyCredit(connection, credit, logger: logger) {
            case .credited(let id, let balance):
                transactionID = id
                outcome = .credited(transactionID: id, balanceAfter: balance)
            case .agentMissing:
                throw Rollback<TopupOutcome>(value: .agentMissing)
            case nil, .alreadyApplied:
                // Credited under this session's key but the row missed it: only repair the row.
                let existing = try await connection.rows(
                    "SELECT id FROM ledger_transactions WHERE idempotency_key = \(credit.idempotencyKey)", logger: logger)
                transactionID = try existing.first?.decode(String.self) ?? ""
                outcome = .alreadyPaid(transactionID: transactionID)
            }
            try await connection.query("""
                UPDATE topups SET status = 'paid', payment_intent = \(completion.paymentIntent), transaction_id = \(transactionID),
                    completed_at = \(completion.now)
                WHERE session_id = \(completion.sessionID)
                """, logger: logger)
            return outcome
        }
    }

    public func closeTopup(sessionID: String, status: TopupStatus, now: Int64) async throws(StoreError) -> Bool {
        precondition(status == .expired || status == .failed, "only open sessions close, to expired or failed")
        let rows = try await query("""
            UPDATE topups SET status = \(status.rawValue), completed_at = \(now) WHERE session_id = \(sessionID) AND status = 'open' RETURNING 1
            """)
        return !rows.isEmpty
    }

    public func topup(sessionID: String) async throws(StoreError) -> TopupRecord? {
        let rows = try await query("SELECT \(unescaped: Self.topupColumns) FROM topups WHERE session_id = \(sessionID)")
        guard let row = rows.first else { return nil }
        return try decode { try Self.topupRecord(row) }
    }

    public func topups(agentID: String, limit: Int) async throws(StoreError) -> [TopupRecord] {
        let rows = try await query("""
            SELECT \(unescaped: Self.topupColumns) FROM topups WHERE agent_id = \(agentID) ORDER BY created_at DESC, session_id DESC LIMIT \(limit)
            """)
        return try decode { try rows.map(Self.topupRecord) }
    }
}
