import JECPModels

extension OpenAPIDocument {
    /// `/v1/refunds…` and `/v1/providers/me/refunds`.
    static var refundPaths: [String: JSONValue] {
        let agent = ["agentId", "apiKey"]
        let listing = [queryParameter("status", ["type": "string", "enum": ["requested", "approved", "denied"]]),
                       queryParameter("limit", ["type": "integer", "minimum": 1, "maximum": 100]), queryParameter("cursor", ["type": "string"])]
        // Either the provider whose capability was charged for, or the operator.
        let decider = ["providerKey", "adminToken"]
        return [
            "/v1/refunds": [
                "post": operation("requestRefund", "Ask for a charge back ({transaction_id, reason, evidence_url?}); never retried automatically",
                                  tag: "refunds", security: agent, body: "Document", success: ("201", "The refund, requested", "Document")),
                "get": operation("listRefunds", "The caller's refunds, newest first", tag: "refunds", security: agent,
                                 success: ("200", "{refunds, next_cursor}", "Document"), parameters: listing),
            ],
            "/v1/refunds/{refund_id}": ["get": operation("getRefund", "One of the caller's refunds", tag: "refunds", security: agent,
                                                         success: ("200", "The refund", "Document"), parameters: [pathParameter("refund_id")])],
            "/v1/refunds/{refund_id}/approve": ["post": operation(
                "approveRefund", "Approve a requested refund ({note?}): the charge is reversed exactly, in one ledger transaction",
                tag: "refunds", security: decider, body: "Document", success: ("200", "The refund, approved", "Document"),
                parameters: [pathParameter("refund_id")])],
            "/v1/refunds/{refund_id}/deny": ["post": operation(
                "denyRefund", "Deny a requested refund ({note?})", tag: "refunds", security: decider, body: "Document",
                success: ("200", "The refund, denied", "Document"), parameters: [pathParameter("refund_id")])],
            "/v1/providers/me/refunds": ["get": operation("providerRefunds", "Refunds of the provider's capabilities, newest first", tag: "refunds",
                                                          security: ["providerKey"], success: ("200", "{refunds, next_cursor}", "Document"),
                                                          parameters: listing)],
            "/admin/v1/refunds": ["get": operation("adminListRefunds", "Every refund, newest first", tag: "admin", security: ["adminToken"],
                                                   success: ("200", "{refunds, next_cursor}", "Document"), parameters: listing)],
        ]
    }
}
