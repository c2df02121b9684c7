import JECPHubCore
import PostgresNIO

extension PostgresStore {
    public func saveArtifacts(_ artifacts: [ArtifactRecord]) async throws(StoreError) {
        let logger = self.logger
        try await transaction { connection in
            for artifact in artifacts {
                try await connection.query("""
                    INSERT INTO artifacts (id, agent_id, media_type, bytes, sha256, created_at, expires_at)
                    VALUES (\(artifact.id), \(artifact.agentID), \(artifact.mediaType), \(ByteBuffer(bytes: artifact.bytes)), \(artifact.sha256),
                            \(artifact.createdAt), \(artifact.expiresAt))
                    """, logger: logger)
            }
        }
    }

    public func artifact(id: String, now: Int64) async throws(StoreError) -> ArtifactRecord? {
        let rows = try await query("""
            SELECT id, agent_id, media_type, bytes, sha256, created_at, expires_at FROM artifacts WHERE id = \(id) AND expires_at > \(now)
            """)
        return try decode {
            try rows.first.map { row in
                let (id, agentID, mediaType, bytes, sha256, createdAt, expiresAt) =
                    try row.decode((String, String, String, ByteBuffer, String, Int64, Int64).self)
                return ArtifactRecord(id: id, agentID: agentID, mediaType: mediaType, bytes: Array(buffer: bytes), sha256: sha256,
                                      createdAt: createdAt, expiresAt: expiresAt)
            }
        }
    }

    public func purgeExpiredArtifacts(now: Int64) async throws(StoreError) -> Int {
        try await purge(table: "artifacts", condition: "expires_at <= \(now)")
    }
}
