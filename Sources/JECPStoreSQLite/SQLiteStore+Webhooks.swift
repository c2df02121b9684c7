import Foundation
import GRDB
import JECPHubCore
import JECPModels

extension SQLiteStore {
    static let subscriptionColumns = """
        id, owner_kind, owner_id, endpoint_url, events, sealed_secret, status, paused_reason, consecutive_failures, last_error,
        last_attempt_at, last_success_at, created_at, updated_at
        """

    static func subscriptionRecord(_ row: Row) -> SubscriptionRecord {
        SubscriptionRecord(
            id: row["id"], owner: WebhookOwner(kind: SubscriberKind(rawValue: row["owner_kind"]) ?? .agent, id: row["owner_id"]),
            endpointURL: row["endpoint_url"], events: SubscriptionRecord.decode(row["events"]), sealedSecret: Array(row["sealed_secret"] as Data),
            status: SubscriptionStatus(rawValue: row["status"]) ?? .paused, pausedReason: row["paused_reason"],
            consecutiveFailures: row["consecutive_failures"], lastError: row["last_error"], lastAttemptAt: row["last_attempt_at"],
            lastSuccessAt: row["last_success_at"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    static func fetchSubscription(_ db: Database, id: String, owner: WebhookOwner) throws -> SubscriptionRecord? {
        try Row.fetchOne(db, sql: "SELECT \(subscriptionColumns) FROM subscriptions WHERE id = ? AND owner_kind = ? AND owner_id = ?",
                         arguments: [id, owner.kind.rawValue, owner.id]).map(subscriptionRecord)
    }

    /// The routing rows the outbox reads, one per wanted event type.
    static func writeSubscriptionEvents(_ db: Database, id: String, owner: WebhookOwner, events: [WebhookEventType]) throws {
        try db.execute(sql: "DELETE FROM subscription_events WHERE subscription_id = ?", arguments: [id])
        for event in Set(events) {
            try db.execute(sql: "INSERT INTO subscription_events (owner_kind, owner_id, event_type, subscription_id) VALUES (?, ?, ?, ?)",
                           arguments: [owner.kind.rawValue, owner.id, event.rawValue, id])
        }
    }

    public func createSubscription(_ subscription: NewSubscription, maximumPerOwner: Int) async throws(StoreError) -> SubscriptionCreation {
        try await write { db in
            let owner = subscription.owner
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subscriptions WHERE owner_kind = ? AND owner_id = ?",
                                         arguments: [owner.kind.rawValue, owner.id]) ?? 0
            guard count < maximumPerOwner else { return .limitReached(count: count) }
            try db.execute(
                sql: """
                    INSERT INTO subscriptions (id, owner_kind, owner_id, endpoint_url, events, sealed_secret, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?)
                    """,
                arguments: [subscription.id, owner.kind.rawValue, owner.id, subscription.endpointURL, SubscriptionRecord.encode(subscription.events),
                            Data(subscription.sealedSecret), subscription.createdAt, subscription.createdAt])
            try Self.writeSubscriptionEvents(db, id: subscription.id, owner: owner, events: subscription.events)
            return .created(try Self.fetchSubscription(db, id: subscription.id, owner: owner)!)
        }
    }

    public func subscriptions(owner: WebhookOwner) async throws(StoreError) -> [SubscriptionRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.subscriptionColumns) FROM subscriptions WHERE owner_kind = ? AND owner_id = ? ORDER BY created_at, id",
                             arguments: [owner.kind.rawValue, owner.id]).map(Self.subscriptionRecord)
        }
    }

    public func subscription(id: String, owner: WebhookOwner) async throws(StoreError) -> SubscriptionRecord? {
        try await read { db in try Self.fetchSubscription(db, id: id, owner: owner) }
    }

    public func updateSubscription(id: String, owner: WebhookOwner, change: SubscriptionChange, now: Int64) async throws(StoreError)
        -> SubscriptionRecord?
    {
        try await write { db in
            guard try Self.fetchSubscription(db, id: id, owner: owner) != nil else { return nil }
            if let url = change.endpointURL {
                try db.execute(sql: "UPDATE subscriptions SET endpoint_url = ? WHERE id = ?", arguments: [url, id])
            }
            if let events = change.events {
                try db.execute(sql: "UPDATE subscriptions SET events = ? WHERE id = ?", arguments: [SubscriptionRecord.encode(events), id])
                try Self.writeSubscriptionEvents(db, id: id, owner: owner, events: events)
            }
            switch change.status {
            case .active:
                try db.execute(sql: "UPDATE subscriptions SET status = 'active', paused_reason = NULL, consecutive_failures = 0 WHERE id = ?",
                               arguments: [id])
            case .paused:
                try db.execute(sql: "UPDATE subscriptions SET status = 'paused', paused_reason = NULL WHERE id = ? AND status = 'active'",
                               arguments: [id])
            case nil:
                break
            }
            try db.execute(sql: "UPDATE subscriptions SET updated_at = ? WHERE id = ?", arguments: [now, id])
            return try Self.fetchSubscription(db, id: id, owner: owner)
        }
    }

    public func deleteSubscription(id: String, owner: WebhookOwner, now: Int64) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM subscriptions WHERE id = ? AND owner_kind = ? AND owner_id = ?", arguments: [id, owner.kind.rawValue, owner.id])
            guard db.changesCount > 0 else { return false }
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET status = 'abandoned', last_error = 'subscription_deleted', finished_at = ?
                    WHERE subscription_id = ? AND status = 'pending'
                    """,
                arguments: [now, id])
            return true
        }
    }

    public func recordEvent(_ event: OutboxEvent, onlyTo subscriptionID: String) async throws(StoreError) {
        try await write { db in try Self.insertEvent(db, event, subscriptions: [subscriptionID], now: event.createdAt) }
    }

    public func deliveries(subscriptionID: String, limit: Int) async throws(StoreError) -> [DeliveryRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.event_id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_error, d.last_status, d.finished_at
                    FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                    WHERE d.subscription_id = ? ORDER BY d.status = 'pending' DESC, COALESCE(d.finished_at, 0) DESC, e.created_at DESC, d.event_id LIMIT ?
                    """,
                arguments: [subscriptionID, limit]
            ).map { row in
                DeliveryRecord(eventID: row[0], eventType: row[1], status: row[2], attempts: row[3], nextAttemptAt: row[4], lastError: row[5],
                               lastStatus: row[6], finishedAt: row[7])
            }
        }
    }

    /// One writer at a time: the select and the lease are one write transaction, so two claimers
    /// in this process take turns and the second sees the first's lease.
    public func claimDeliveries(now: Int64, leaseUntil: Int64, limit: Int) async throws(StoreError) -> [ClaimedDelivery] {
        // A read first: the service polls often, and an idle outbox must not queue for the writer.
        let due = try await read { db in
            try Bool.fetchOne(db, sql: """
                SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ? LIMIT 1
                """, arguments: [now, now]) ?? false
        }
        guard due else { return [] }
        return try await write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.event_id, e.type, e.payload, d.subscription_id, s.endpoint_url, s.sealed_secret, d.attempts
                    FROM webhook_deliveries d
                    JOIN subscriptions s ON s.id = d.subscription_id AND s.status = 'active'
                    JOIN webhook_events e ON e.id = d.event_id
                    WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND d.lease_until <= ?
                    ORDER BY d.next_attempt_at, e.created_at LIMIT ?
                    """,
                arguments: [now, now, limit])
            return try rows.map { row in
                let delivery = ClaimedDelivery(eventID: row[0], eventType: row[1], payload: Array(row[2] as Data), subscriptionID: row[3],
                                               endpointURL: row[4], sealedSecret: Array(row[5] as Data), attempts: row[6])
                try db.execute(sql: "UPDATE webhook_deliveries SET lease_until = ? WHERE event_id = ? AND subscription_id = ?",
                               arguments: [leaseUntil, delivery.eventID, delivery.subscriptionID])
                return delivery
            }
        }
    }

    public func finishDelivery(eventID: String, subscriptionID: String, outcome: DeliveryOutcome, pauseAfter: Int, now: Int64) async throws(StoreError) {
        try await write { db in
            let key: [(any DatabaseValueConvertible)?] = [eventID, subscriptionID]
            switch outcome {
            case .delivered(let status):
                try db.execute(sql: """
                    UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL,
                        finished_at = ?, lease_until = 0
                    WHERE event_id = ? AND subscription_id = ? AND status = 'pending'
                    """, arguments: StatementArguments([status, now] + key))
            case .retry(let error, let status, let next):
                try db.execute(sql: """
                    UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ?, lease_until = 0
                    WHERE event_id = ? AND subscription_id = ? AND status = 'pending'
                    """, arguments: StatementArguments([status, error, next] + key))
            case .abandoned(let error, let status):
                try db.execute(sql: """
                    UPDATE webhook_deliveries SET status = 'abandoned', attempts = attempts + 1, last_status = ?, last_error = ?,
                        finished_at = ?, lease_until = 0
                    WHERE event_id = ? AND subscription_id = ? AND status = 'pending'
                    """, arguments: StatementArguments([status, error, now] + key))
            }
            // Another node finished it first (its lease ran out here): the subscription heard already.
            guard db.changesCount > 0 else { return }
            switch outcome {
            case .delivered:
                try db.execute(sql: """
                    UPDATE subscriptions SET consecutive_failures = 0, last_success_at = ?1, last_attempt_at = ?1 WHERE id = ?2
                    """, arguments: [now, subscriptionID])
            case .retry(let error, _, _), .abandoned(let error, _):
                try db.execute(sql: """
                    UPDATE subscriptions SET consecutive_failures = consecutive_failures + 1, last_error = ?1, last_attempt_at = ?2,
                        status = CASE WHEN consecutive_failures + 1 >= ?3 THEN 'paused' ELSE status END,
                        paused_reason = CASE WHEN consecutive_failures + 1 >= ?3 AND status = 'active'
                            THEN 'consecutive_failures: ' || (consecutive_failures + 1) || ' failed attempts in a row; last: ' || ?1
                            ELSE paused_reason END,
                        updated_at = ?2
                    WHERE id = ?4
                    """, arguments: [error, now, pauseAfter, subscriptionID])
            }
        }
    }

    public func purgeFinishedDeliveries(before: Int64) async throws(StoreError) -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'abandoned') AND finished_at < ?", arguments: [before])
            let purged = db.changesCount
            if purged > 0 {
                try db.execute(sql: """
                    DELETE FROM webhook_events WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)
                    """, arguments: [before])
            }
            return purged
        }
    }
}
