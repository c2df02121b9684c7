import Foundation
import GRDB
import JECPHubCore
import JECPModels

extension SQLiteStore {
    /// Writes the event `make` builds, and one pending delivery per active subscription of the
    /// agent or provider that wants `type`, inside the caller's transaction. With no such
    /// subscription (the usual case on the invoke path) it costs one index probe and builds nothing.
    static func emit(_ db: Database, _ type: WebhookEventType, agentID: String?, providerNamespace: String?, now: Int64,
                     _ make: () -> OutboxEvent?) throws
    {
        let subscribers = try String.fetchAll(
            db.cachedStatement(sql: """
                SELECT e.subscription_id FROM subscription_events e JOIN subscriptions s ON s.id = e.subscription_id AND s.status = 'active'
                WHERE e.owner_kind = 'agent' AND e.owner_id = ? AND e.event_type = ?
                UNION
                SELECT e.subscription_id FROM subscription_events e JOIN subscriptions s ON s.id = e.subscription_id AND s.status = 'active'
                WHERE e.owner_kind = 'provider' AND e.owner_id = ? AND e.event_type = ?
                """),
            arguments: [agentID, type.rawValue, providerNamespace, type.rawValue])
        guard !subscribers.isEmpty, let event = make() else { return }
        try insertEvent(db, event, subscriptions: subscribers, now: now)
    }

    /// The event row and a pending delivery for each subscription, due now.
    static func insertEvent(_ db: Database, _ event: OutboxEvent, subscriptions: [String], now: Int64) throws {
        try db.execute(
            sql: "INSERT INTO webhook_events (id, type, agent_id, provider_namespace, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [event.id, event.type.rawValue, event.agentID, event.providerNamespace, Data(event.payload), event.createdAt])
        for subscription in subscriptions {
            try db.execute(
                sql: "INSERT INTO webhook_deliveries (event_id, subscription_id, status, next_attempt_at) VALUES (?, ?, 'pending', ?)",
                arguments: [event.id, subscription, now])
        }
    }

    /// Looks for a subscriber with a read first: a failed invocation nobody listens for must not
    /// queue for the single writer. (The write checks again, inside its transaction.)
    public func recordEvent(_ event: OutboxEvent) async throws(StoreError) {
        let wanted = try await read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM subscription_events
                    WHERE event_type = ?1 AND ((owner_kind = 'agent' AND owner_id = ?2) OR (owner_kind = 'provider' AND owner_id = ?3)) LIMIT 1
                    """,
                arguments: [event.type.rawValue, event.agentID, event.providerNamespace]) ?? false
        }
        guard wanted else { return }
        try await write { db in
            try Self.emit(db, event.type, agentID: event.agentID, providerNamespace: event.providerNamespace, now: event.createdAt) { event }
        }
    }
}
