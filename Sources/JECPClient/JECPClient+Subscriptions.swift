import Foundation

extension JECPClient {
    /// Subscribes `endpointURL` to `events` (`POST /v1/subscriptions`). The answer's `secret` is
    /// shown only this once. Never retried: a repeat would create a second subscription.
    public func createSubscription(endpointURL: String, events: [String]) async throws(JECPError) -> WebhookSubscription {
        let (json, status) = try await subscriptionCall("POST", "/v1/subscriptions", body: SubscriptionRequests.create(endpointURL: endpointURL, events: events))
        return try WebhookSubscription(json: json, status: status)
    }

    /// This agent's subscriptions (`GET /v1/subscriptions`).
    public func subscriptions() async throws(JECPError) -> [WebhookSubscription] {
        let (json, status) = try await subscriptionCall("GET", "/v1/subscriptions")
        return try SubscriptionRequests.list(json, status: status)
    }

    /// One subscription, with `recent_deliveries` in `raw`.
    public func subscription(id: String) async throws(JECPError) -> WebhookSubscription {
        let (json, status) = try await subscriptionCall("GET", SubscriptionRequests.path(id))
        return try WebhookSubscription(json: json, status: status)
    }

    /// Changes the URL, the events, or the status (`active` resumes and clears the failure streak; `paused`).
    public func updateSubscription(id: String, endpointURL: String? = nil, events: [String]? = nil, status: String? = nil)
        async throws(JECPError) -> WebhookSubscription
    {
        let body = SubscriptionRequests.update(endpointURL: endpointURL, events: events, status: status)
        let (json, code) = try await subscriptionCall("PATCH", SubscriptionRequests.path(id), body: body)
        return try WebhookSubscription(json: json, status: code)
    }

    /// Deletes the subscription; its pending deliveries are abandoned.
    public func deleteSubscription(id: String) async throws(JECPError) {
        _ = try await subscriptionCall("DELETE", SubscriptionRequests.path(id))
    }

    /// Has the Hub send a `webhook.test` event to this subscription alone.
    public func testSubscription(id: String) async throws(JECPError) -> WebhookTestEvent {
        let (json, status) = try await subscriptionCall("POST", SubscriptionRequests.path(id, "/test"))
        return try SubscriptionRequests.test(json, status: status)
    }

    /// Verifies a webhook the Hub posted to your receiver and decodes it: the signature over the
    /// exact body bytes (constant time) and the timestamp within `tolerance` seconds. Pass the
    /// headers `X-JECP-Webhook-Signature` and `X-JECP-Webhook-Timestamp` as received.
    public static func verifyWebhook(body: [UInt8], signature: String?, timestamp: String?, secret: String,
                                     now: Date = Date(), tolerance: Int64 = 300) throws(WebhookEvent.VerificationError) -> WebhookEvent {
        try WebhookEvent.verify(body: body, signature: signature, timestamp: timestamp, secret: secret,
                                now: Int64(now.timeIntervalSince1970), tolerance: tolerance)
    }

    /// Subscription calls are never retried automatically (a lost answer to a create would otherwise
    /// make a second subscription with a secret nobody saw).
    private func subscriptionCall(_ method: String, _ path: String, body: JSONValue? = nil) async throws(JECPError) -> (JSONValue, Int) {
        let response = try await requester.send(retry: false) { request(method, path, body: body) }
        return (try Self.json(response), response.status)
    }
}
