import JECPModels
import Logging
import ServiceLifecycle

/// Posts the outbox's pending deliveries, signed, until shutdown. Safe on several nodes: each
/// delivery is leased in the store before it is sent, so at most one node posts it at a time (a
/// node that dies mid-attempt leaves a lease that runs out, and the delivery is posted again:
/// at-least-once, with the same event id).
public struct WebhookDeliveryService<Store: HubStore>: Service {
    let store: Store
    let transport: any WebhookTransport
    let secrets: SecretBox
    let policy: WebhookPolicy
    let logger: Logger
    /// Told how every attempt ended (the Hub counts them for `/metrics`).
    let observe: @Sendable (DeliveryOutcome) -> Void
    let clock: @Sendable () -> Int64

    public init(store: Store, transport: any WebhookTransport, secrets: SecretBox, policy: WebhookPolicy, logger: Logger,
                observe: @escaping @Sendable (DeliveryOutcome) -> Void = { _ in }, clock: @escaping @Sendable () -> Int64 = { Timestamps.now() }) {
        self.store = store
        self.transport = transport
        self.secrets = secrets
        self.policy = policy
        self.logger = logger
        self.observe = observe
        self.clock = clock
    }

    public func run() async throws {
        var nextPurge = clock()
        while !Task.isShuttingDownGracefully {
            let now = clock()
            if now >= nextPurge {
                await purge(now: now)
                nextPurge = now + 600
            }
            // A full batch means more may be due: go again without sleeping.
            if await deliverDue() < policy.batchSize {
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(policy.pollSeconds)) }
                } catch {
                    break  // shutting down; attempts in flight finished above
                }
            }
        }
    }

    /// Leases the due deliveries and posts them concurrently; returns how many it leased.
    @discardableResult
    public func deliverDue() async -> Int {
        let now = clock()
        let claimed: [ClaimedDelivery]
        do {
            claimed = try await store.claimDeliveries(now: now, leaseUntil: now + policy.leaseSeconds, limit: policy.batchSize)
        } catch {
            logger.warning("claiming webhook deliveries failed; will retry", metadata: ["jecp.error": "\(error)"])
            return 0
        }
        await withDiscardingTaskGroup { group in
            for delivery in claimed {
                group.addTask { await attempt(delivery) }
            }
        }
        return claimed.count
    }

    func attempt(_ delivery: ClaimedDelivery) async {
        let outcome = await post(delivery)
        observe(outcome)
        var metadata: Logger.Metadata = ["jecp.event_id": "\(delivery.eventID)", "jecp.subscription_id": "\(delivery.subscriptionID)",
                                         "jecp.attempt": "\(delivery.attempts + 1)"]
        switch outcome {
        case .delivered:
            logger.debug("webhook delivered", metadata: metadata)
        case .retry(let error, _, let next):
            metadata["jecp.error"] = "\(error)"
            metadata["jecp.next_attempt_at"] = "\(next)"
            logger.info("webhook attempt failed; will retry", metadata: metadata)
        case .abandoned(let error, _):
            metadata["jecp.error"] = "\(error)"
            logger.warning("webhook delivery abandoned", metadata: metadata)
        }
        do {
            try await store.finishDelivery(eventID: delivery.eventID, subscriptionID: delivery.subscriptionID, outcome: outcome,
                                           pauseAfter: policy.pauseAfterFailures, now: clock())
        } catch {
            // The lease runs out and the delivery is attempted again: at-least-once.
            logger.warning("recording a webhook attempt failed", metadata: ["jecp.error": "\(error)", "jecp.event_id": "\(delivery.eventID)"])
        }
    }

    /// One signed POST of the stored payload bytes, and what it means for the delivery.
    func post(_ delivery: ClaimedDelivery) async -> DeliveryOutcome {
        guard let secret = secrets.open(delivery.sealedSecret) else {
            // Sealed under another key secret: no attempt can ever be signed.
            return .abandoned(error: "secret_unreadable: the signing secret cannot be opened with this Hub's key secret", status: nil)
        }
        let timestamp = clock()
        let request = WebhookRequest(
            url: delivery.endpointURL,
            headers: [
                ("Content-Type", "application/json"), ("User-Agent", "jecp-hub-webhooks/1.0"),
                ("X-JECP-Webhook-Signature", HubSignature.sign(secret: secret, timestamp: timestamp, body: delivery.payload)),
                ("X-JECP-Webhook-Timestamp", String(timestamp)), ("X-JECP-Webhook-Id", delivery.eventID),
                ("X-JECP-Webhook-Event", delivery.eventType),
            ],
            body: delivery.payload, timeout: .milliseconds(Int64(policy.timeoutSeconds * 1000)))
        let failure: (error: String, status: Int?)
        switch await transport.post(request) {
        case .answered(let status) where (200..<300).contains(status):
            return .delivered(status: status)
        case .answered(let status):
            failure = ((300..<400).contains(status) ? "http_\(status): redirects are not followed" : "http_\(status)", status)
        case .blocked(let reason, let message):
            // Spec 02 §9.7.1.3: an asynchronous deref that the SSRF policy refuses is abandoned, never retried.
            return .abandoned(error: "url_blocked_ssrf: \(reason): \(message)", status: nil)
        case .failed(let message):
            failure = (message, nil)
        }
        let attempts = delivery.attempts + 1
        guard attempts < policy.maximumAttempts else {
            return .abandoned(error: "max_attempts: \(attempts) attempts failed; last: \(failure.error)", status: failure.status)
        }
        return .retry(error: failure.error, status: failure.status, nextAttemptAt: clock() + policy.retryDelay(afterAttempts: attempts))
    }

    func purge(now: Int64) async {
        do {
            let purged = try await store.purgeFinishedDeliveries(before: now - policy.historyRetentionSeconds)
            if purged > 0 { logger.info("purged old webhook deliveries", metadata: ["jecp.purged": "\(purged)"]) }
        } catch {
            logger.warning("purging old webhook deliveries failed; will retry", metadata: ["jecp.error": "\(error)"])
        }
    }
}
