import Foundation
import GRDB
import JECPHubCore

extension SQLiteStore {
    public func saveArtifacts(_ artifacts: [ArtifactRecord]) async throws(StoreError) {
        try await write { db in
            for artifact in artifacts {
                try db.execute(
                    sql: "INSERT INTO artifacts (id, agent_id, media_type, bytes, sha256, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [artifact.id, artifact.agentID, artifact.mediaType, Data(artifact.bytes), artifact.sha256,
                                artifact.createdAt, artifact.expiresAt])
            }
        }
    }

    public func artifact(id: String, now: Int64) async throws(StoreError) -> ArtifactRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM artifacts WHERE id = ? AND expires_at > ?", arguments: [id, now]).map { row in
                ArtifactRecord(id: row["id"], agentID: row["agent_id"], mediaType: row["media_type"], bytes: Array(row["bytes"] as Data),
                               sha256: row["sha256"], createdAt: row["created_at"], expiresAt: row["expires_at"])
            }
        }
    }

    public func purgeExpiredArtifacts(now: Int64) async throws(StoreError) -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM artifacts WHERE expires_at <= ?", arguments: [now])
            return db.changesCount
        }
    }
}
