/// How webhooks are delivered, retried and given up on (configuration `jecp.webhook*`).
public struct WebhookPolicy: Sendable, Equatable {
    /// The first retry waits this long; each later one twice the previous…
    public var retryBaseSeconds: Int64 = 60
    /// …up to this.
    public var retryCapSeconds: Int64 = 3_600
    /// Attempts per delivery, the first included; then it is abandoned.
    public var maximumAttempts: Int = 12
    /// Failed attempts in a row (any event) after which the Hub pauses the subscription.
    public var pauseAfterFailures: Int = 50
    /// How long a receiver has to answer.
    public var timeoutSeconds: Double = 10
    /// How often each node looks for due deliveries.
    public var pollSeconds: Double = 1
    /// Deliveries one node leases and posts at once.
    public var batchSize: Int = 16
    /// Subscriptions one agent or provider may hold.
    public var maximumSubscriptionsPerOwner: Int = 10
    /// Delivered and abandoned deliveries are purged after this long.
    public var historyRetentionSeconds: Int64 = 30 * 86_400

    public init() {}

    /// The wait before attempt `attempts + 1`, after `attempts` failed ones.
    public func retryDelay(afterAttempts attempts: Int) -> Int64 {
        let doublings = min(max(attempts - 1, 0), 40)
        let delay = retryBaseSeconds.multipliedReportingOverflow(by: Int64(1) << doublings)
        return delay.overflow ? retryCapSeconds : min(delay.partialValue, retryCapSeconds)
    }

    /// A lease outlasts one attempt (the receiver's timeout) with room to record the outcome; it is
    /// also how long a delivery waits after its node died mid-attempt (25 s by default).
    public var leaseSeconds: Int64 { Int64(timeoutSeconds.rounded(.up)) * 2 + 5 }
}
