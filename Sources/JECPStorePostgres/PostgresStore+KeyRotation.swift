import JECPHubCore
import PostgresNIO

extension PostgresStore {
    /// Which rows a key rotation touches: agents and providers rotate alike.
    struct KeyOwner {
        let table: String
        let rotations: String
        let ownerColumn: String

        static let agent = KeyOwner(table: "agents", rotations: "key_rotations", ownerColumn: "agent_id")
        static let provider = KeyOwner(table: "providers", rotations: "provider_key_rotations", ownerColumn: "provider_id")
    }

    /// Replaces the key in one transaction, keeping the old one until `previousValidUntil` (nil:
    /// revoked now), unless `maximumPer24h` rotations already happened. The row lock serializes
    /// rotations of one owner across nodes, so the cap is exact.
    func rotateKey(of owner: KeyOwner, id: String, newKeyHash: [UInt8], previousValidUntil: Int64?, maximumPer24h: Int, now: Int64)
        async throws(StoreError) -> RotationOutcome
    {
        let logger = self.logger
        return try await transaction { connection in
            guard try await connection.rows("SELECT 1 FROM \(unescaped: owner.table) WHERE id = \(id) FOR UPDATE", logger: logger).first != nil else {
                return .agentMissing
            }
            let window = try await connection.rows("""
                SELECT COUNT(*)::bigint, MIN(rotated_at) FROM \(unescaped: owner.rotations)
                WHERE \(unescaped: owner.ownerColumn) = \(id) AND rotated_at > \(now - 86_400)
                """, logger: logger)[0]
            let (count, oldest) = try window.decode((Int64, Int64?).self)
            if count >= maximumPer24h { return .capReached(rotationsInWindow: Int(count), oldestInWindow: oldest ?? now) }
            try await connection.query("""
                UPDATE \(unescaped: owner.table) SET
                    previous_key_hash = CASE WHEN \(previousValidUntil)::bigint IS NULL THEN NULL ELSE key_hash END,
                    previous_key_valid_until = \(previousValidUntil),
                    key_hash = \(ByteBuffer(bytes: newKeyHash))
                WHERE id = \(id)
                """, logger: logger)
            try await connection.query("INSERT INTO \(unescaped: owner.rotations) (\(unescaped: owner.ownerColumn), rotated_at) VALUES (\(id), \(now))",
                                       logger: logger)
            return .rotated
        }
    }
}
