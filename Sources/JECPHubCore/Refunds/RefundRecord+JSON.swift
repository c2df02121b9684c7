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

/// The refund events the stores emit inside the transactions that request and decide refunds.
/// Each goes to the agent and to the provider of the capability.
public enum RefundEvents {
    public static func requested(_ refund: RefundRecord) -> OutboxEvent { event(.refundRequested, refund, now: refund.createdAt) }

    /// `refund.approved` or `refund.denied`, by the refund's status.
    public static func decided(_ refund: RefundRecord) -> OutboxEvent {
        event(refund.status == .approved ? .refundApproved : .refundDenied, refund, now: refund.decidedAt ?? refund.createdAt)
    }

    /// `invocation.refunded`, when an approval reversed the invocation's charge.
    public static func invocationRefunded(_ refund: RefundRecord, balanceAfter: Money) -> OutboxEvent {
        var data: [String: JSONValue] = [
            "agent_id": .string(refund.agentID), "transaction_id": .string(refund.transactionID), "refund_id": .string(refund.id),
            "amount_usdc": refund.amount.json, "balance_after_usdc": balanceAfter.json,
        ]
        data["invocation_id"] = refund.invocationID.map(JSONValue.string) ?? .null
        data["capability"] = refund.capability.map(JSONValue.string) ?? .null
        data["action"] = refund.action.map(JSONValue.string) ?? .null
        data["refund_transaction_id"] = refund.refundTransactionID.map(JSONValue.string) ?? .null
        return OutboxEvent(type: .invocationRefunded, agentID: refund.agentID, providerNamespace: refund.providerNamespace,
                           data: .object(data), now: refund.decidedAt ?? refund.createdAt)
    }

    static func event(_ type: WebhookEventType, _ refund: RefundRecord, now: Int64) -> OutboxEvent {
        OutboxEvent(type: type, agentID: refund.agentID, providerNamespace: refund.providerNamespace, data: refund.json, now: now)
    }
}
