import JECPModels

extension OpenAPIDocument {
    /// `/v1/subscriptions…`: for agents (X-Agent-ID + X-API-Key) or providers (provider key).
    static var subscriptionPaths: [String: JSONValue] {
        let owner = ["agentId", "apiKey", "providerKey"]
        let id = [pathParameter("subscription_id")]
        return [
            "/v1/subscriptions": [
                "post": operation("createSubscription",
                                  "Subscribe {endpoint_url, events[]} to webhooks; the signing secret is in this answer only (never retried automatically)",
                                  tag: "webhooks", security: owner, body: "Document", success: ("201", "The subscription, with its secret", "Document")),
                "get": operation("listSubscriptions", "The caller's subscriptions, with last_error, consecutive_failures and status", tag: "webhooks",
                                 security: owner, success: ("200", "{subscriptions}", "Document")),
            ],
            "/v1/subscriptions/{subscription_id}": [
                "get": operation("getSubscription", "One subscription and its recent deliveries", tag: "webhooks", security: owner,
                                 success: ("200", "The subscription", "Document"), parameters: id),
                "patch": operation("updateSubscription", "Change endpoint_url or events, pause, or resume (status: active clears the failure streak)",
                                   tag: "webhooks", security: owner, body: "Document", success: ("200", "The subscription", "Document"), parameters: id),
                "delete": operation("deleteSubscription", "Delete the subscription; its pending deliveries are abandoned", tag: "webhooks",
                                    security: owner, success: ("200", "{id, deleted}", "Document"), parameters: id),
            ],
            "/v1/subscriptions/{subscription_id}/test": ["post": operation(
                "testSubscription", "Send a webhook.test event to this subscription alone", tag: "webhooks", security: owner,
                success: ("202", "{event_id, status: pending}", "Document"), parameters: id)],
        ]
    }
}
