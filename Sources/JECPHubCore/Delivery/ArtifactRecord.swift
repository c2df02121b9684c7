/// A stored artifact served by `GET /v1/artifacts/{id}` until `expiresAt`.
public struct ArtifactRecord: Sendable, Equatable {
    public var id: String
    public var agentID: String
    public var mediaType: String
    public var bytes: [UInt8]
    /// Lowercase hex SHA-256 of `bytes` (the ETag).
    public var sha256: String
    public var createdAt: Int64
    public var expiresAt: Int64

    public init(id: String, agentID: String, mediaType: String, bytes: [UInt8], sha256: String, createdAt: Int64, expiresAt: Int64) {
        self.id = id
        self.agentID = agentID
        self.mediaType = mediaType
        self.bytes = bytes
        self.sha256 = sha256
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
