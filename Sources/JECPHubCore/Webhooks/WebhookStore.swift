import JECPModels

/// Persistence for webhook subscriptions and the delivery side of the outbox. Part of every
/// ``HubStore`` (the emitting side, ``HubStore/recordEvent(_:)``, sits with the money methods).
///
/// Every method that touches a subscription takes its owner: another owner's subscription is
/// indistinguishable from a missing one.
public protocol WebhookStore: Sendable {
    /// Inserts the subscription and its `subscription_events` rows in one transaction, unless the
    /// owner already has `maximumPerOwner`.
    func createSubscription(_ subscription: NewSubscription, maximumPerOwner: Int) async throws(StoreError) -> SubscriptionCreation
    /// The owner's subscriptions, oldest first.
    func subscriptions(owner: WebhookOwner) async throws(StoreError) -> [SubscriptionRecord]
    func subscription(id: String, owner: WebhookOwner) async throws(StoreError) -> SubscriptionRecord?
    /// Applies `change` (and rewrites the `subscription_events` rows) in one transaction; nil when not found.
    func updateSubscription(id: String, owner: WebhookOwner, change: SubscriptionChange, now: Int64) async throws(StoreError) -> SubscriptionRecord?
    /// Deletes the subscription and abandons its pending deliveries (`subscription_deleted`); false when not found.
    func deleteSubscription(id: String, owner: WebhookOwner, now: Int64) async throws(StoreError) -> Bool
    /// Writes `event` with one pending delivery, to `subscriptionID` alone (`webhook.test`).
    func recordEvent(_ event: OutboxEvent, onlyTo subscriptionID: String) async throws(StoreError)
    /// The subscription's most recent deliveries: pending ones first, then the most recently finished.
    func deliveries(subscriptionID: String, limit: Int) async throws(StoreError) -> [DeliveryRecord]

    /// Leases up to `limit` pending deliveries that are due at `now`, of active subscriptions, until
    /// `leaseUntil`. Concurrent claimers (on any node) never get the same delivery while its lease runs.
    func claimDeliveries(now: Int64, leaseUntil: Int64, limit: Int) async throws(StoreError) -> [ClaimedDelivery]
    /// Records the attempt on the delivery (if it is still pending) and on its subscription: a
    /// success resets the failure streak, a failure counts and, at `pauseAfter` consecutive
    /// failures, pauses the subscription with a reason.
    func finishDelivery(eventID: String, subscriptionID: String, outcome: DeliveryOutcome, pauseAfter: Int, now: Int64) async throws(StoreError)
    /// Deletes delivered and abandoned deliveries finished before `before` (and events left with
    /// no delivery); returns how many deliveries went.
    func purgeFinishedDeliveries(before: Int64) async throws(StoreError) -> Int
}
