import JECPHubCore
import JECPModels
import Logging
import PostgresNIO

extension PostgresStore {
    /// The event and a pending delivery per active subscription that wants it (`jecp_emit_event`),
    /// inside the caller's transaction; nothing when no subscription does.
    static func emit(_ connection: PostgresConnection, _ event: OutboxEvent, now: Int64, logger: Logger) async throws {
        try await connection.query("""
            SELECT jecp_emit_event(\(event.id), \(event.type.rawValue), \(event.agentID), \(event.providerNamespace),
                                   \(ByteBuffer(bytes: event.payload)), \(event.createdAt), \(now))
            """, logger: logger)
    }

    public func recordEvent(_ event: OutboxEvent) async throws(StoreError) {
        _ = try await query("""
            SELECT jecp_emit_event(\(event.id), \(event.type.rawValue), \(event.agentID), \(event.providerNamespace),
                                   \(ByteBuffer(bytes: event.payload)), \(event.createdAt), \(event.createdAt))
            """)
    }
}
