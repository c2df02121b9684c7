import Foundation
import GRDB
import JECPHubCore
import JECPModels

extension SQLiteStore {
    static let agentColumns = """
        id, name, agent_type, key_hash, previous_key_hash, previous_key_valid_until, tier_floor, suspended,
        total_calls, free_calls_remaining, balance_micros, created_at, version
        """

    static func agentRecord(_ row: Row) -> AgentRecord {
        AgentRecord(
            id: row["id"], name: row["name"], agentType: row["agent_type"],
            keyHash: Array(row["key_hash"] as Data),
            previousKeyHash: (row["previous_key_hash"] as Data?).map { Array($0) },
            previousKeyValidUntil: row["previous_key_valid_until"],
            tierFloor: (row["tier_floor"] as String?).flatMap(TrustTier.init(rawValue:)),
            suspended: row["suspended"], totalCalls: row["total_calls"], freeCallsRemaining: row["free_calls_remaining"],
            balance: Money(micros: row["balance_micros"]), createdAt: row["created_at"])
    }

    static func fetchAgent(_ db: Database, id: String) throws -> AgentRecord? {
        try fetchVersionedAgent(db, id: id)?.record
    }

    /// The row and its version, which every `UPDATE agents` increments (it orders cache updates).
    static func fetchVersionedAgent(_ db: Database, id: String) throws -> AgentCache.Versioned? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT \(agentColumns) FROM agents WHERE id = ?"), arguments: [id]).map { row in
            AgentCache.Versioned(record: agentRecord(row), version: row["version"])
        }
    }

    public func createAgent(_ agent: NewAgent) async throws(StoreError) -> AgentRecord {
        let created = try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM agents WHERE name = ?", arguments: [agent.name]) != nil {
                throw StoreError.nameTaken
            }
            try db.execute(
                sql: """
                    INSERT INTO agents (id, name, agent_type, description, referred_by, key_hash, free_calls_remaining, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [agent.id, agent.name, agent.agentType, agent.description, agent.referredBy, Data(agent.keyHash),
                            agent.freeCalls, agent.createdAt])
            return try Self.fetchVersionedAgent(db, id: agent.id)!
        }
        agents.remember(created)
        return created.record
    }

    /// Served from the write-through cache when possible: authentication is on every request.
    public func agent(id: String) async throws(StoreError) -> AgentRecord? {
        switch agents.lookup(id) {
        case .found(let record): return record
        case .absent: return nil
        case .unknown: break
        }
        guard let fetched = try await read({ db in try Self.fetchVersionedAgent(db, id: id) }) else { return nil }
        agents.remember(fetched)
        return fetched.record
    }

    /// Every agent, or nil when there are more than `limit` (the cache then fills as it goes).
    static func fetchAllAgents(_ db: Database, limit: Int) throws -> [AgentCache.Versioned]? {
        let rows = try Row.fetchAll(db, sql: "SELECT \(agentColumns) FROM agents LIMIT ?", arguments: [limit + 1])
        guard rows.count <= limit else { return nil }
        return rows.map { AgentCache.Versioned(record: agentRecord($0), version: $0["version"]) }
    }

    public func rotateKey(agentID: String, newKeyHash: [UInt8], previousValidUntil: Int64?, maximumPer24h: Int, now: Int64)
        async throws(StoreError) -> RotationOutcome
    {
        let (outcome, updated) = try await write { db -> (RotationOutcome, AgentCache.Versioned?) in
            let outcome = try Self.rotateKey(db, of: .agent, id: agentID, newKeyHash: newKeyHash, previousValidUntil: previousValidUntil,
                                             maximumPer24h: maximumPer24h, now: now)
            return (outcome, outcome == .rotated ? try Self.fetchVersionedAgent(db, id: agentID) : nil)
        }
        if let updated { agents.remember(updated) }
        return outcome
    }

    public func updateAgent(id: String, tierFloor: TrustTier??, suspended: Bool?) async throws(StoreError) -> AgentRecord? {
        let updated = try await write { db in
            if let tierFloor {
                try db.execute(sql: "UPDATE agents SET tier_floor = ?, version = version + 1 WHERE id = ?", arguments: [tierFloor?.rawValue, id])
            }
            if let suspended {
                try db.execute(sql: "UPDATE agents SET suspended = ?, version = version + 1 WHERE id = ?", arguments: [suspended, id])
            }
            return try Self.fetchVersionedAgent(db, id: id)
        }
        if let updated { agents.remember(updated) }
        return updated?.record
    }
}
