import Foundation
import GRDB
import JECPHubCore
import JECPModels

extension SQLiteStore {
    static func fetchIdempotency(_ db: Database, agentID: String, key: String, now: Int64) throws -> IdempotencyRecord? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT fingerprint, status_code, body, created_at FROM idempotency_records WHERE agent_id = ? AND key = ? AND expires_at > ?"),
            arguments: [agentID, key, now]
        ).map { row in
            IdempotencyRecord(fingerprint: Array(row["fingerprint"] as Data), statusCode: row["status_code"], body: Array(row["body"] as Data),
                              createdAt: row["created_at"])
        }
    }

    public func idempotencyRecord(agentID: String, key: String, now: Int64) async throws(StoreError) -> IdempotencyRecord? {
        try await read { db in try Self.fetchIdempotency(db, agentID: agentID, key: key, now: now) }
    }

    public func purgeExpiredIdempotency(now: Int64) async throws(StoreError) -> Int {
        let purged = try await write { db in
            try db.execute(sql: "DELETE FROM idempotency_records WHERE expires_at <= ?", arguments: [now])
            return db.changesCount
        }
        if purged > 0 {
            try await storedKeys.rebuild { () async throws(StoreError) in try await read { db in try Self.fetchStoredKeys(db) } }
        }
        return purged
    }

    static func fetchStoredKeys(_ db: Database) throws -> [(agentID: String, key: String)] {
        try Row.fetchAll(db, sql: "SELECT agent_id, key FROM idempotency_records").map { ($0["agent_id"], $0["key"]) }
    }
}
