import JECPModels

public enum TopupStatus: String, Sendable, Codable, CaseIterable {
    /// Checkout created; the payer has not paid (or an asynchronous payment is settling).
    case open
    /// Paid and credited (exactly once).
    case paid
    /// The session expired unpaid.
    case expired
    /// An asynchronous payment (bank debit) failed.
    case failed
}

/// A Checkout Session the Hub created, recorded before its URL is handed out.
public struct NewTopup: Sendable, Equatable {
    public var sessionID: String
    public var agentID: String
    public var amount: Money
    public var createdAt: Int64

    public init(sessionID: String, agentID: String, amount: Money, createdAt: Int64) {
        self.sessionID = sessionID
        self.agentID = agentID
        self.amount = amount
        self.createdAt = createdAt
    }
}

public struct TopupRecord: Sendable, Equatable {
    public var sessionID: String
    public var agentID: String
    /// What the agent asked to pay; the credit is what Stripe reports as paid (see its ledger transaction).
    public var amount: Money
    public var status: TopupStatus
    public var paymentIntent: String?
    public var transactionID: String?
    public var createdAt: Int64
    public var completedAt: Int64?

    public init(sessionID: String, agentID: String, amount: Money, status: TopupStatus, paymentIntent: String?, transactionID: String?,
                createdAt: Int64, completedAt: Int64?) {
        self.sessionID = sessionID
        self.agentID = agentID
        self.amount = amount
        self.status = status
        self.paymentIntent = paymentIntent
        self.transactionID = transactionID
        self.createdAt = createdAt
        self.completedAt = completedAt
    }
}

/// A paid session, as Stripe's signed event reports it.
public struct TopupCompletion: Sendable, Equatable {
    public var sessionID: String
    /// The agent named in the event; must be the agent the session was created for.
    public var agentID: String?
    /// Amount paid, converted 1:1 USD → USDC.
    public var amount: Money
    public var paymentIntent: String?
    public var now: Int64

    public init(sessionID: String, agentID: String?, amount: Money, paymentIntent: String?, now: Int64) {
        self.sessionID = sessionID
        self.agentID = agentID
        self.amount = amount
        self.paymentIntent = paymentIntent
        self.now = now
    }

    /// The ledger credit: from Stripe funding, once per session (the idempotency key).
    public func credit(agentID: String) -> WalletCredit {
        var credit = WalletCredit(agentID: agentID, amount: amount, reason: "Stripe top-up", idempotencyKey: "stripe:" + sessionID,
                                  source: .stripeFunding, now: now)
        credit.paymentReference = paymentIntent
        return credit
    }
}

public enum TopupOutcome: Sendable, Equatable {
    case credited(transactionID: String, balanceAfter: Money)
    /// Credited before (a replay or a concurrent duplicate); nothing moved this time.
    case alreadyPaid(transactionID: String?)
    /// The Hub never created this session (another integration on the same Stripe account).
    case unknownSession
    /// The event names another agent than the session was created for; nothing moved.
    case agentMismatch(sessionAgentID: String)
    case agentMissing
}
