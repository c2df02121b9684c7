import JECPHubCore
import JECPModels
import Logging
import PostgresNIO

extension PostgresStore {
    static let subscriptionColumns = """
        id, owner_kind, owner_id, endpoint_url, events, sealed_secret, status, paused_reason, consecutive_failures, last_error,
        last_attempt_at, last_success_at, created_at, updated_at
        """

    static func subscriptionRecord(_ row: PostgresRow) throws -> SubscriptionRecord {
        let c = try row.decode((String, String, String, String, String, ByteBuffer, String, String?, Int, String?, Int64?, Int64?, Int64, Int64).self)
        return SubscriptionRecord(
            id: c.0, owner: WebhookOwner(kind: SubscriberKind(rawValue: c.1) ?? .agent, id: c.2), endpointURL: c.3,
            events: SubscriptionRecord.decode(c.4), sealedSecret: Array(buffer: c.5), status: SubscriptionStatus(rawValue: c.6) ?? .paused,
            pausedReason: c.7, consecutiveFailures: c.8, lastError: c.9, lastAttemptAt: c.10, lastSuccessAt: c.11, createdAt: c.12, updatedAt: c.13)
    }

    static func fetchSubscription(_ connection: PostgresConnection, id: String, owner: WebhookOwner, logger: Logger) async throws -> SubscriptionRecord? {
        let rows = try await connection.rows("""
            SELECT \(unescaped: subscriptionColumns) FROM subscriptions WHERE id = \(id) AND owner_kind = \(owner.kind.rawValue) AND owner_id = \(owner.id)
            """, logger: logger)
        return try rows.first.map(subscriptionRecord)
    }

    /// The routing rows the outbox reads, one per wanted event type.
    static func writeSubscriptionEvents(_ connection: PostgresConnection, id: String, owner: WebhookOwner, events: [WebhookEventType],
                                        logger: Logger) async throws {
        try await connection.query("DELETE FROM subscription_events WHERE subscription_id = \(id)", logger: logger)
        let types = Set(events).map(\.rawValue)
        try await connection.query("""
            INSERT INTO subscription_events (owner_kind, owner_id, event_type, subscription_id)
            SELECT \(owner.kind.rawValue), \(owner.id), unnest(\(types)::text[]), \(id)
            """, logger: logger)
    }

    public func createSubscription(_ subscription: NewSubscription, maximumPerOwner: Int) async throws(StoreError) -> SubscriptionCreation {
        let logger = self.logger
        return try await transaction { connection in
            let owner = subscription.owner
            // Serializes creations per owner, so concurrent requests cannot pass the cap together.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(owner.kind.rawValue + "|" + owner.id)))", logger: logger)
            let count = try await connection.rows("""
                SELECT COUNT(*)::bigint FROM subscriptions WHERE owner_kind = \(owner.kind.rawValue) AND owner_id = \(owner.id)
                """, logger: logger).first?.decode(Int64.self) ?? 0
            guard count < maximumPerOwner else { return .limitReached(count: Int(count)) }
            let rows = try await connection.rows("""
                INSERT INTO subscriptions (id, owner_kind, owner_id, endpoint_url, events, sealed_secret, status, created_at, updated_at)
                VALUES (\(subscription.id), \(owner.kind.rawValue), \(owner.id), \(subscription.endpointURL),
                        \(SubscriptionRecord.encode(subscription.events)), \(ByteBuffer(bytes: subscription.sealedSecret)), 'active',
                        \(subscription.createdAt), \(subscription.createdAt))
                RETURNING \(unescaped: Self.subscriptionColumns)
                """, logger: logger)
            try await Self.writeSubscriptionEvents(connection, id: subscription.id, owner: owner, events: subscription.events, logger: logger)
            return .created(try Self.subscriptionRecord(rows[0]))
        }
    }

    public func subscriptions(owner: WebhookOwner) async throws(StoreError) -> [SubscriptionRecord] {
        let rows = try await query("""
            SELECT \(unescaped: Self.subscriptionColumns) FROM subscriptions
            WHERE owner_kind = \(owner.kind.rawValue) AND owner_id = \(owner.id) ORDER BY created_at, id
            """)
        return try decode { try rows.map(Self.subscriptionRecord) }
    }

    public func subscription(id: String, owner: WebhookOwner) async throws(StoreError) -> SubscriptionRecord? {
        let rows = try await query("""
            SELECT \(unescaped: Self.subscriptionColumns) FROM subscriptions WHERE id = \(id) AND owner_kind = \(owner.kind.rawValue) AND owner_id = \(owner.id)
            """)
        return try decode { try rows.first.map(Self.subscriptionRecord) }
    }

    public func updateSubscription(id: String, owner: WebhookOwner, change: SubscriptionChange, now: Int64) async throws(StoreError)
        -> SubscriptionRecord?
    {
        let logger = self.logger
        return try await transaction { connection in
            let locked = try await connection.rows("""
                SELECT 1 FROM subscriptions WHERE id = \(id) AND owner_kind = \(owner.kind.rawValue) AND owner_id = \(owner.id) FOR UPDATE
                """, logger: logger)
            guard !locked.isEmpty else { return nil }
            if let url = change.endpointURL {
                try await connection.query("UPDATE subscriptions SET endpoint_url = \(url) WHERE id = \(id)", logger: logger)
            }
            if let events = change.events {
                try await connection.query("UPDATE subscriptions SET events = \(SubscriptionRecord.encode(events)) WHERE id = \(id)", logger: logger)
                try await Self.writeSubscriptionEvents(connection, id: id, owner: owner, events: events, logger: logger)
            }
            switch change.status {
            case .active:
                try await connection.query("""
                    UPDATE subscriptions SET status = 'active', paused_reason = NULL, consecutive_failures = 0 WHERE id = \(id)
                    """, logger: logger)
            case .paused:
                try await connection.query("""
                    UPDATE subscriptions SET status = 'paused', paused_reason = NULL WHERE id = \(id) AND status = 'active'
                    """, logger: logger)
            case nil:
                break
            }
            try await connection.query("UPDATE subscriptions SET updated_at = \(now) WHERE id = \(id)", logger: logger)
            return try await Self.fetchSubscription(connection, id: id, owner: owner, logger: logger)
        }
    }

    public func deleteSubscription(id: String, owner: WebhookOwner, now: Int64) async throws(StoreError) -> Bool {
        let logger = self.logger
        return try await transaction { connection in
            let deleted = try await connection.rows("""
                DELETE FROM subscriptions WHERE id = \(id) AND owner_kind = \(owner.kind.rawValue) AND owner_id = \(owner.id) RETURNING id
                """, logger: logger)
            guard !deleted.isEmpty else { return false }
            try await connection.query("""
                UPDATE webhook_deliveries SET status = 'abandoned', last_error = 'subscription_deleted', finished_at = \(now)
                WHERE subscription_id = \(id) AND status = 'pending'
                """, logger: logger)
            return true
        }
    }

    public func recordEvent(_ event: OutboxEvent, onlyTo subscriptionID: String) async throws(StoreError) {
        let logger = self.logger
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO webhook_events (id, type, agent_id, provider_namespace, payload, created_at)
                VALUES (\(event.id), \(event.type.rawValue), \(event.agentID), \(event.providerNamespace), \(ByteBuffer(bytes: event.payload)),
                        \(event.createdAt))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO webhook_deliveries (event_id, subscription_id, status, next_attempt_at)
                VALUES (\(event.id), \(subscriptionID), 'pending', \(event.createdAt))
                """, logger: logger)
        }
    }

    public func deliveries(subscriptionID: String, limit: Int) async throws(StoreError) -> [DeliveryRecord] {
        let rows = try await query("""
            SELECT d.event_id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_error, d.last_status, d.finished_at
            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            WHERE d.subscription_id = \(subscriptionID) ORDER BY d.status = 'pending' DESC, COALESCE(d.finished_at, 0) DESC, e.created_at DESC, d.event_id LIMIT \(limit)
            """)
        return try decode {
            try rows.map { row in
                let c = try row.decode((String, String, String, Int, Int64, String?, Int?, Int64?).self)
                return DeliveryRecord(eventID: c.0, eventType: c.1, status: c.2, attempts: c.3, nextAttemptAt: c.4, lastError: c.5, lastStatus: c.6,
                                      finishedAt: c.7)
            }
        }
    }

    /// `FOR UPDATE SKIP LOCKED` plus the lease: claimers on other nodes skip rows being leased right
    /// now, and see the lease once it committed.
    public func claimDeliveries(now: Int64, leaseUntil: Int64, limit: Int) async throws(StoreError) -> [ClaimedDelivery] {
        let rows = try await query("""
            WITH due AS (
                SELECT d.event_id, d.subscription_id FROM webhook_deliveries d
                JOIN subscriptions s ON s.id = d.subscription_id AND s.status = 'active'
                WHERE d.status = 'pending' AND d.next_attempt_at <= \(now) AND d.lease_until <= \(now)
                ORDER BY d.next_attempt_at LIMIT \(limit)
                FOR UPDATE OF d SKIP LOCKED
            ), leased AS (
                UPDATE webhook_deliveries d SET lease_until = \(leaseUntil) FROM due
                WHERE d.event_id = due.event_id AND d.subscription_id = due.subscription_id
                RETURNING d.event_id, d.subscription_id, d.attempts
            )
            SELECT l.event_id, e.type, e.payload, l.subscription_id, s.endpoint_url, s.sealed_secret, l.attempts
            FROM leased l JOIN webhook_events e ON e.id = l.event_id JOIN subscriptions s ON s.id = l.subscription_id
            ORDER BY e.created_at
            """)
        return try decode {
            try rows.map { row in
                let c = try row.decode((String, String, ByteBuffer, String, String, ByteBuffer, Int).self)
                return ClaimedDelivery(eventID: c.0, eventType: c.1, payload: Array(buffer: c.2), subscriptionID: c.3, endpointURL: c.4,
                                       sealedSecret: Array(buffer: c.5), attempts: c.6)
            }
        }
    }

    public func finishDelivery(eventID: String, subscriptionID: String, outcome: DeliveryOutcome, pauseAfter: Int, now: Int64) async throws(StoreError) {
        let logger = self.logger
        try await transaction { connection in
            let updated: [PostgresRow]
            switch outcome {
            case .delivered(let status):
                updated = try await connection.rows("""
                    UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = \(status), last_error = NULL,
                        finished_at = \(now), lease_until = 0
                    WHERE event_id = \(eventID) AND subscription_id = \(subscriptionID) AND status = 'pending' RETURNING 1
                    """, logger: logger)
            case .retry(let error, let status, let next):
                updated = try await connection.rows("""
                    UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = \(status), last_error = \(error),
                        next_attempt_at = \(next), lease_until = 0
                    WHERE event_id = \(eventID) AND subscription_id = \(subscriptionID) AND status = 'pending' RETURNING 1
                    """, logger: logger)
            case .abandoned(let error, let status):
                updated = try await connection.rows("""
                    UPDATE webhook_deliveries SET status = 'abandoned', attempts = attempts + 1, last_status = \(status), last_error = \(error),
                        finished_at = \(now), lease_until = 0
                    WHERE event_id = \(eventID) AND subscription_id = \(subscriptionID) AND status = 'pending' RETURNING 1
                    """, logger: logger)
            }
            // Another node finished it first (its lease ran out here): the subscription heard already.
            guard !updated.isEmpty else { return }
            switch outcome {
            case .delivered:
                try await connection.query("""
                    UPDATE subscriptions SET consecutive_failures = 0, last_success_at = \(now), last_attempt_at = \(now) WHERE id = \(subscriptionID)
                    """, logger: logger)
            case .retry(let error, _, _), .abandoned(let error, _):
                let reason = "failed attempts in a row; last: " + error
                try await connection.query("""
                    UPDATE subscriptions SET consecutive_failures = consecutive_failures + 1, last_error = \(error), last_attempt_at = \(now),
                        status = CASE WHEN consecutive_failures + 1 >= \(pauseAfter) THEN 'paused' ELSE status END,
                        paused_reason = CASE WHEN consecutive_failures + 1 >= \(pauseAfter) AND status = 'active'
                            THEN 'consecutive_failures: ' || (consecutive_failures + 1) || ' ' || \(reason)
                            ELSE paused_reason END,
                        updated_at = \(now)
                    WHERE id = \(subscriptionID)
                    """, logger: logger)
            }
        }
    }

    public func purgeFinishedDeliveries(before: Int64) async throws(StoreError) -> Int {
        let rows = try await query("""
            WITH gone AS (
                DELETE FROM webhook_deliveries WHERE ctid IN (
                    SELECT ctid FROM webhook_deliveries WHERE status IN ('delivered', 'abandoned') AND finished_at < \(before)
                    LIMIT 10000 FOR UPDATE SKIP LOCKED)
                RETURNING event_id
            )
            SELECT COUNT(*)::bigint FROM gone
            """)
        let purged = try decode { try rows.first?.decode(Int64.self) ?? 0 }
        if purged > 0 {
            _ = try await query("""
                DELETE FROM webhook_events e WHERE e.created_at < \(before)
                AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
                """)
        }
        return Int(purged)
    }
}
