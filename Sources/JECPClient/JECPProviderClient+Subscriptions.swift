import Foundation

extension JECPProviderClient {
    /// Subscribes `endpointURL` to events about this provider's capabilities (`POST /v1/subscriptions`
    /// with the provider key). The answer's `secret` is shown only this once.
    public func createSubscription(endpointURL: String, events: [String]) async throws(JECPError) -> WebhookSubscription {
        let (json, status) = try await send("POST", "/v1/subscriptions", json: SubscriptionRequests.create(endpointURL: endpointURL, events: events))
        return try WebhookSubscription(json: json, status: status)
    }

    public func subscriptions() async throws(JECPError) -> [WebhookSubscription] {
        let (json, status) = try await send("GET", "/v1/subscriptions")
        return try SubscriptionRequests.list(json, status: status)
    }

    public func subscription(id: String) async throws(JECPError) -> WebhookSubscription {
        let (json, status) = try await send("GET", SubscriptionRequests.path(id))
        return try WebhookSubscription(json: json, status: status)
    }

    public func updateSubscription(id: String, endpointURL: String? = nil, events: [String]? = nil, status: String? = nil)
        async throws(JECPError) -> WebhookSubscription
    {
        let body = SubscriptionRequests.update(endpointURL: endpointURL, events: events, status: status)
        let (json, code) = try await send("PATCH", SubscriptionRequests.path(id), json: body)
        return try WebhookSubscription(json: json, status: code)
    }

    public func deleteSubscription(id: String) async throws(JECPError) {
        _ = try await send("DELETE", SubscriptionRequests.path(id))
    }

    public func testSubscription(id: String) async throws(JECPError) -> WebhookTestEvent {
        let (json, status) = try await send("POST", SubscriptionRequests.path(id, "/test"))
        return try SubscriptionRequests.test(json, status: status)
    }
}
