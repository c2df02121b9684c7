import JECPModels

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
