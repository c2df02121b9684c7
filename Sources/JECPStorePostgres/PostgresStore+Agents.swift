import JECPHubCore
import JECPModels
import PostgresNIO

extension PostgresStore {
    static let agentColumns = """
        id, name, agent_type, key_hash, previous_key_hash, previous_key_valid_until, tier_floor, suspended,
        total_calls, free_calls_remaining, balance_micros, created_at
        """

    static func agentRecord(_ row: PostgresRow) throws -> AgentRecord {
        let (id, name, agentType, keyHash, previousKeyHash, previousValidUntil, tierFloor, suspended, totalCalls, freeCalls, balance, createdAt) =
            try row.decode((String, String, String?, ByteBuffer, ByteBuffer?, Int64?, String?, Bool, Int64, Int64, Int64, Int64).self)
        return AgentRecord(id: id, name: name, agentType: agentType, keyHash: Array(buffer: keyHash),
                           previousKeyHash: previousKeyHash.map { Array(buffer: $0) }, previousKeyValidUntil: previousValidUntil,
                           tierFloor: tierFloor.flatMap(TrustTier.init(rawValue:)), suspended: suspended, totalCalls: totalCalls,
                           freeCallsRemaining: freeCalls, balance: Money(micros: balance), createdAt: createdAt)
    }

    static func fetchAgent(_ connection: PostgresConnection, id: String, forUpdate: Bool = false, logger: Logger) async throws -> AgentRecord? {
        let lock = forUpdate ? " FOR UPDATE" : ""
        return try await connection.rows("SELECT \(unescaped: agentColumns) FROM agents WHERE id = \(id)\(unescaped: lock)", logger: logger)
            .first.map(agentRecord)
    }

    public func createAgent(_ agent: NewAgent) async throws(StoreError) -> AgentRecord {
        let rows = try await query("""
            INSERT INTO agents (id, name, agent_type, description, referred_by, key_hash, free_calls_remaining, created_at)
            VALUES (\(agent.id), \(agent.name), \(agent.agentType), \(agent.description), \(agent.referredBy), \(ByteBuffer(bytes: agent.keyHash)),
                    \(agent.freeCalls), \(agent.createdAt))
            ON CONFLICT (name) DO NOTHING
            RETURNING \(unescaped: Self.agentColumns)
            """)
        guard let row = rows.first else { throw .nameTaken }
        return try decode { try Self.agentRecord(row) }
    }

    /// Read from the database on every call: another node may have rotated the key a moment ago.
    public func agent(id: String) async throws(StoreError) -> AgentRecord? {
        let rows = try await query("SELECT \(unescaped: Self.agentColumns) FROM agents WHERE id = \(id)")
        return try decode { try rows.first.map(Self.agentRecord) }
    }

    public func rotateKey(agentID: String, newKeyHash: [UInt8], previousValidUntil: Int64?, maximumPer24h: Int, now: Int64)
        async throws(StoreError) -> RotationOutcome
    {
        try await rotateKey(of: .agent, id: agentID, newKeyHash: newKeyHash, previousValidUntil: previousValidUntil,
                            maximumPer24h: maximumPer24h, now: now)
    }

    public func updateAgent(id: String, tierFloor: TrustTier??, suspended: Bool?) async throws(StoreError) -> AgentRecord? {
        let logger = self.logger
        return try await transaction { connection in
            if let tierFloor {
                try await connection.query("UPDATE agents SET tier_floor = \(tierFloor?.rawValue) WHERE id = \(id)", logger: logger)
            }
            if let suspended {
                try await connection.query("UPDATE agents SET suspended = \(suspended) WHERE id = \(id)", logger: logger)
            }
            return try await Self.fetchAgent(connection, id: id, logger: logger)
        }
    }

    /// Row decoding failures mean the schema and the code disagree: an operator problem.
    func decode<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw translate(error)
        }
    }
}
