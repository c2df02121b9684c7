import JECPHubCore
import PostgresNIO

extension PostgresStore {
    public func idempotencyRecord(agentID: String, key: String, now: Int64) async throws(StoreError) -> IdempotencyRecord? {
        let rows = try await query("""
            SELECT fingerprint, status_code, body, created_at FROM idempotency_records
            WHERE agent_id = \(agentID) AND key = \(key) AND expires_at > \(now)
            """)
        return try decode { try rows.first.map(Self.idempotencyRecord) }
    }

    static func idempotencyRecord(_ row: PostgresRow) throws -> IdempotencyRecord {
        let (fingerprint, status, body, createdAt) = try row.decode((ByteBuffer, Int32, ByteBuffer, Int64).self)
        return IdempotencyRecord(fingerprint: Array(buffer: fingerprint), statusCode: Int(status), body: Array(buffer: body), createdAt: createdAt)
    }

    public func purgeExpiredIdempotency(now: Int64) async throws(StoreError) -> Int {
        try await purge(table: "idempotency_records", condition: "expires_at <= \(now)")
    }

    /// Deletes in batches of rows no other purger has locked: every node can run its purge at the
    /// same moment without waiting on another or deleting a row twice.
    func purge(table: String, condition: String) async throws(StoreError) -> Int {
        var total = 0
        while true {
            let rows = try await query(PostgresQuery(unsafeSQL: """
                WITH doomed AS (SELECT ctid FROM \(table) WHERE \(condition) LIMIT 5000 FOR UPDATE SKIP LOCKED)
                DELETE FROM \(table) WHERE ctid IN (SELECT ctid FROM doomed) RETURNING 1
                """))
            total += rows.count
            if rows.count < 5000 { return total }
        }
    }
}
