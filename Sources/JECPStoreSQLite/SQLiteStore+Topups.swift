import GRDB
import JECPHubCore
import JECPModels

extension SQLiteStore {
    static let topupColumns = "session_id, agent_id, amount_micros, status, payment_intent, transaction_id, created_at, completed_at"

    static func topupRecord(_ row: Row) -> TopupRecord {
        TopupRecord(sessionID: row["session_id"], agentID: row["agent_id"], amount: Money(micros: row["amount_micros"]),
                    status: TopupStatus(rawValue: row["status"]) ?? .open, paymentIntent: row["payment_intent"], transactionID: row["transaction_id"],
                    createdAt: row["created_at"], completedAt: row["completed_at"])
    }

    public func recordTopup(_ topup: NewTopup) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO topups (session_id, agent_id, amount_micros, status, created_at) VALUES (?, ?, ?, 'open', ?)",
                arguments: [topup.sessionID, topup.agentID, topup.amount.micros, topup.createdAt])
        }
    }

    public func completeTopup(_ completion: TopupCompletion) async throws(StoreError) -> TopupOutcome {
        precondition(completion.amount > .zero, "credits are positive")
        // One writer at a time: the check of the row and the credit cannot interleave with a duplicate.
        let (outcome, updated) = try await write { db -> (TopupOutcome, AgentCache.Versioned?) in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.topupColumns) FROM topups WHERE session_id = ?", arguments: [completion.sessionID]) else {
                return (.unknownSession, nil)
            }
            let topup = Self.topupRecord(row)
            if topup.status == .paid { return (.alreadyPaid(transactionID: topup.transactionID), nil) }
            if let named = completion.agentID, named != topup.agentID { return (.agentMismatch(sessionAgentID: topup.agentID), nil) }
            let (credited, agent) = try Self.applyCredit(db, completion.credit(agentID: topup.agentID))
            let transactionID: String
            let outcome: TopupOutcome
            switch credited {
            case .credited(let id, let balance):
                transactionID = id
                outcome = .credited(transactionID: id, balanceAfter: balance)
            case .alreadyApplied(let id, _, _):
                // Credited under this session's key but the row missed it: only repair the row.
                transactionID = id
                outcome = .alreadyPaid(transactionID: id)
            case .agentMissing:
                return (.agentMissing, nil)
            }
            try db.execute(
                sql: "UPDATE topups SET status = 'paid', payment_intent = ?, transaction_id = ?, completed_at = ? WHERE session_id = ?",
                arguments: [completion.paymentIntent, transactionID, completion.now, completion.sessionID])
            return (outcome, agent)
        }
        if let updated { agents.remember(updated) }
        return outcome
    }

    public func closeTopup(sessionID: String, status: TopupStatus, now: Int64) async throws(StoreError) -> Bool {
        precondition(status == .expired || status == .failed, "only open sessions close, to expired or failed")
        return try await write { db in
            try db.execute(sql: "UPDATE topups SET status = ?, completed_at = ? WHERE session_id = ? AND status = 'open'",
                           arguments: [status.rawValue, now, sessionID])
            return db.changesCount == 1
        }
    }

    public func topup(sessionID: String) async throws(StoreError) -> TopupRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.topupColumns) FROM topups WHERE session_id = ?", arguments: [sessionID]).map(Self.topupRecord)
        }
    }

    public func topups(agentID: String, limit: Int) async throws(StoreError) -> [TopupRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.topupColumns) FROM topups WHERE agent_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                             arguments: [agentID, limit]).map(Self.topupRecord)
        }
    }
}
