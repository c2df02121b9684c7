import JECPModels

extension RefundRecord {
    /// The refund as the API and the webhook events show it.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "agent_id": .string(agentID), "transaction_id": .string(transactionID),
            "amount_usdc": amount.json, "currency": "USDC", "reason": .string(reason), "status": .string(status.rawValue),
            "created_at": .string(Timestamps.rfc3339(createdAt)),
        ]
        object["invocation_id"] = invocationID.map(JSONValue.string) ?? .null
        object["capability"] = capability.map(JSONValue.string) ?? .null
        object["action"] = action.map(JSONValue.string) ?? .null
        object["provider_namespace"] = providerNamespace.map(JSONValue.string) ?? .null
        object["evidence_url"] = evidenceURL.map(JSONValue.string) ?? .null
        object["decided_by"] = decidedBy.map(JSONValue.string) ?? .null
        object["decision_note"] = decisionNote.map(JSONValue.string) ?? .null
        object["refund_transaction_id"] = refundTransactionID.map(JSONValue.string) ?? .null
        object["decided_at"] = decidedAt.map { .string(Timestamps.rfc3339($0)) } ?? .null
        object["auto_approve_at"] = status == .requested ? .string(Timestamps.rfc3339(autoApproveAt)) : .null
        return .object(object)
    }
}
