import JECPModels

/// The money and invocation events a subscription can ask for.
public enum WebhookEventType: String, Sendable, CaseIterable, Codable {
    case invocationCompleted = "invocation.completed"
    case invocationFailed = "invocation.failed"
    case invocationRefunded = "invocation.refunded"
    case walletToppedUp = "wallet.topped_up"
    case walletLowBalance = "wallet.low_balance"
    case refundRequested = "refund.requested"
    case refundApproved = "refund.approved"
    case refundDenied = "refund.denied"
    /// Sent only by `POST /v1/subscriptions/{id}/test`, to that subscription alone.
    case test = "webhook.test"
}

/// An event for the webhook outbox. A store writes it in the same database transaction as the
/// change it reports, with one delivery row per active subscription that wants it, and writes
/// nothing when no subscription does (so the hot path stores no event nobody will read).
///
/// `payload` is rendered once, here, and stored: every delivery attempt posts the same bytes.
public struct OutboxEvent: Sendable, Equatable {
    public let id: String
    public let type: WebhookEventType
    /// Whose subscriptions hear it: the agent's, and the provider's (by namespace).
    public let agentID: String?
    public let providerNamespace: String?
    public let createdAt: Int64
    /// `{"id", "type", "created_at", "data"}` as posted.
    public let payload: [UInt8]

    /// A new event with a fresh id (`jecp_ev_…`: event ids do not carry the Hub's vendor prefix).
    public init(type: WebhookEventType, agentID: String?, providerNamespace: String?, data: JSONValue, now: Int64) {
        self.init(id: Credentials.generate(.eventID, prefix: "jecp"), type: type, agentID: agentID, providerNamespace: providerNamespace,
                  data: data, now: now)
    }

    public init(id: String, type: WebhookEventType, agentID: String?, providerNamespace: String?, data: JSONValue, now: Int64) {
        self.id = id
        self.type = type
        self.agentID = agentID
        self.providerNamespace = providerNamespace
        self.createdAt = now
        let body: JSONValue = ["id": .string(id), "type": .string(type.rawValue), "created_at": .string(Timestamps.rfc3339(now)), "data": data]
        self.payload = body.serialized()
    }

    /// A stored event, as read back by the delivery service.
    public init(id: String, type: WebhookEventType, agentID: String?, providerNamespace: String?, createdAt: Int64, payload: [UInt8]) {
        self.id = id
        self.type = type
        self.agentID = agentID
        self.providerNamespace = providerNamespace
        self.createdAt = createdAt
        self.payload = payload
    }
}

/// Who may subscribe: an agent (by id) or a provider (by namespace, the name events carry).
public enum SubscriberKind: String, Sendable, Codable {
    case agent
    case provider
}

/// The events the stores emit themselves, inside the transactions that move the money.
public enum MoneyEvents {
    /// `invocation.completed`, to the agent and to the provider whose capability ran.
    public static func invocationCompleted(_ invocation: CompletedInvocation, billing: Billing) -> OutboxEvent {
        var data: [String: JSONValue] = [
            "invocation_id": .string(invocation.invocationID), "request_id": .string(invocation.requestID),
            "agent_id": .string(invocation.agentID), "capability": .string(invocation.capability), "action": .string(invocation.action),
            "cost_usdc": billing.cost.json, "method": .string(billing.method.rawValue), "balance_after_usdc": billing.balanceAfter.json,
            "duration_ms": .number(JSONNumber(Double(invocation.durationMilliseconds))),
        ]
        if let transaction = billing.transactionID { data["transaction_id"] = .string(transaction) }
        return OutboxEvent(type: .invocationCompleted, agentID: invocation.agentID, providerNamespace: invocation.payee.providerNamespace,
                           data: .object(data), now: invocation.now)
    }

    /// `wallet.low_balance` when a charge takes the balance from at least `threshold` to below it.
    public static func lowBalance(_ invocation: CompletedInvocation, billing: Billing) -> OutboxEvent? {
        guard crossesLowBalance(invocation, billing: billing) else { return nil }
        let threshold = invocation.lowBalanceThreshold
        let data: JSONValue = ["agent_id": .string(invocation.agentID), "balance_usdc": billing.balanceAfter.json,
                               "threshold_usdc": threshold.json, "invocation_id": .string(invocation.invocationID)]
        return OutboxEvent(type: .walletLowBalance, agentID: invocation.agentID, providerNamespace: nil, data: data, now: invocation.now)
    }

    public static func crossesLowBalance(_ invocation: CompletedInvocation, billing: Billing) -> Bool {
        let threshold = invocation.lowBalanceThreshold
        return threshold > .zero && billing.cost > .zero && billing.balanceAfter < threshold && billing.balanceAfter + billing.cost >= threshold
    }

    /// `wallet.topped_up`, for every credit (Stripe or operator).
    public static func toppedUp(_ credit: WalletCredit, transactionID: String, balanceAfter: Money) -> OutboxEvent {
        var data: [String: JSONValue] = [
            "agent_id": .string(credit.agentID), "amount_usdc": credit.amount.json, "balance_after_usdc": balanceAfter.json,
            "transaction_id": .string(transactionID), "source": .string(credit.source.name),
        ]
        if let reference = credit.paymentReference { data["payment_reference"] = .string(reference) }
        return OutboxEvent(type: .walletToppedUp, agentID: credit.agentID, providerNamespace: nil, data: .object(data), now: credit.now)
    }
}

extension LedgerAccount {
    /// The namespace of a provider payable account; nil for every other account.
    public var providerNamespace: String? {
        guard accountClass == .providerPayable, name.hasPrefix("provider:") else { return nil }
        return String(name.dropFirst("provider:".count))
    }
}
