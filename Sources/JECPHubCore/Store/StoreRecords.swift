import JECPModels

public struct NewAgent: Sendable {
    public var id: String
    public var name: String
    public var agentType: String?
    public var description: String?
    public var referredBy: String?
    public var keyHash: [UInt8]
    public var freeCalls: Int64
    public var createdAt: Int64

    public init(id: String, name: String, agentType: String?, description: String?, referredBy: String?, keyHash: [UInt8], freeCalls: Int64, createdAt: Int64) {
        self.id = id
        self.name = name
        self.agentType = agentType
        self.description = description
        self.referredBy = referredBy
        self.keyHash = keyHash
        self.freeCalls = freeCalls
        self.createdAt = createdAt
    }
}

public struct AgentRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var agentType: String?
    public var keyHash: [UInt8]
    public var previousKeyHash: [UInt8]?
    public var previousKeyValidUntil: Int64?
    public var tierFloor: TrustTier?
    public var suspended: Bool
    public var totalCalls: Int64
    public var freeCallsRemaining: Int64
    public var balance: Money
    public var createdAt: Int64

    public init(id: String, name: String, agentType: String?, keyHash: [UInt8], previousKeyHash: [UInt8]?, previousKeyValidUntil: Int64?,
                tierFloor: TrustTier?, suspended: Bool, totalCalls: Int64, freeCallsRemaining: Int64, balance: Money, createdAt: Int64) {
        self.id = id
        self.name = name
        self.agentType = agentType
        self.keyHash = keyHash
        self.previousKeyHash = previousKeyHash
        self.previousKeyValidUntil = previousKeyValidUntil
        self.tierFloor = tierFloor
        self.suspended = suspended
        self.totalCalls = totalCalls
        self.freeCallsRemaining = freeCallsRemaining
        self.balance = balance
        self.createdAt = createdAt
    }

    /// Earned tier, raised to the operator's floor when one is set.
    public var tier: TrustTier { max(TrustTier(successfulCalls: totalCalls), tierFloor ?? .bronze) }
}

public enum RotationOutcome: Sendable, Equatable {
    case rotated
    /// The cap is reached; `oldestInWindow` is when the oldest counted rotation happened.
    case capReached(rotationsInWindow: Int, oldestInWindow: Int64)
    case agentMissing
}

public struct WalletCredit: Sendable {
    public var agentID: String
    public var amount: Money
    public var reason: String
    public var idempotencyKey: String
    /// Ledger account the money comes from, e.g. `external:operator`.
    public var source: LedgerAccount
    /// The payment behind the credit (a Stripe payment intent), reported in `wallet.topped_up`.
    public var paymentReference: String?
    public var now: Int64

    public init(agentID: String, amount: Money, reason: String, idempotencyKey: String, source: LedgerAccount, now: Int64) {
        self.agentID = agentID
        self.amount = amount
        self.reason = reason
        self.idempotencyKey = idempotencyKey
        self.source = source
        self.now = now
    }
}

public enum CreditOutcome: Sendable, Equatable {
    case credited(transactionID: String, balanceAfter: Money)
    /// The key was used before; nothing moved this time.
    case alreadyApplied(transactionID: String, amount: Money, agentID: String)
    case agentMissing
}

public enum FundingMethod: String, Sendable, Codable {
    case freeCall = "free_call"
    case wallet
    case mandate
}

public struct CompletedInvocation: Sendable {
    public var invocationID: String
    public var transactionID: String
    public var agentID: String
    public var requestID: String
    public var idempotencyKey: String
    public var fingerprint: [UInt8]
    public var capability: String
    public var action: String
    /// Ledger account of the seller (`provider:<namespace>`).
    public var payee: LedgerAccount
    public var price: Money
    /// Preferred funding; a free call falls back to the wallet if the last free call went concurrently.
    public var funding: FundingMethod
    public var durationMilliseconds: Int64
    public var now: Int64
    public var idempotencyExpiresAt: Int64
    /// Composite steps run by other providers: each is paid its 85% of the step's price out of the
    /// payee's share (spec 04 §5.2.3), in the same ledger transaction.
    public var stepShares: [StepShare] = []
    /// A charge that takes the wallet from at least this to below it emits `wallet.low_balance`;
    /// zero never does.
    public var lowBalanceThreshold: Money = .zero
    /// The agent as admission saw it. A store may settle in one statement when the row still
    /// matches it (rendering the response from it beforehand), and otherwise in a transaction
    /// that re-reads the row; the answer is the same either way.
    public var snapshot: AgentRecord?

    public init(invocationID: String, transactionID: String, agentID: String, requestID: String, idempotencyKey: String, fingerprint: [UInt8],
                capability: String, action: String, payee: LedgerAccount, price: Money, funding: FundingMethod, durationMilliseconds: Int64,
                now: Int64, idempotencyExpiresAt: Int64) {
        self.invocationID = invocationID
        self.transactionID = transactionID
        self.agentID = agentID
        self.requestID = requestID
        self.idempotencyKey = idempotencyKey
        self.fingerprint = fingerprint
        self.capability = capability
        self.action = action
        self.payee = payee
        self.price = price
        self.funding = funding
        self.durationMilliseconds = durationMilliseconds
        self.now = now
        self.idempotencyExpiresAt = idempotencyExpiresAt
    }

    /// What the agent's billing is after this call if its row is still `snapshot`; nil when the
    /// snapshot cannot pay (the settlement transaction decides then).
    public var expectedBilling: Billing? {
        guard let agent = snapshot else { return nil }
        let totalCalls = agent.totalCalls + 1
        let tier = max(TrustTier(successfulCalls: totalCalls), agent.tierFloor ?? .bronze)
        if funding == .freeCall {
            guard agent.freeCallsRemaining > 0 else { return nil }
            return Billing(cost: .zero, method: .freeCall, balanceAfter: agent.balance, transactionID: nil, totalCallsAfter: totalCalls,
                           freeCallsRemaining: agent.freeCallsRemaining - 1, tierAfter: tier)
        }
        guard agent.balance >= price else { return nil }
        return Billing(cost: price, method: funding, balanceAfter: agent.balance - price, transactionID: price > .zero ? transactionID : nil,
                       totalCallsAfter: totalCalls, freeCallsRemaining: agent.freeCallsRemaining, tierAfter: tier)
    }
}

public struct StepShare: Sendable, Equatable {
    public var account: LedgerAccount
    public var amount: Money

    public init(account: LedgerAccount, amount: Money) {
        self.account = account
        self.amount = amount
    }
}

extension CompletedInvocation {
    /// The provider legs of a paid call: the step shares, and the payee's residual of the 85%.
    public func providerLegs(_ split: RevenueSplit) -> [StepShare] {
        let steps = stepShares.reduce(Money.zero) { $0 + $1.amount }
        return [StepShare(account: payee, amount: split.provider - steps)] + stepShares
    }
}

/// What the agent sees in `billing`.
public struct Billing: Sendable, Equatable {
    public var cost: Money
    public var method: FundingMethod
    public var balanceAfter: Money
    /// Nil for free calls: no money moved, so there is no ledger transaction.
    public var transactionID: String?
    public var totalCallsAfter: Int64
    public var freeCallsRemaining: Int64
    public var tierAfter: TrustTier

    public init(cost: Money, method: FundingMethod, balanceAfter: Money, transactionID: String?, totalCallsAfter: Int64, freeCallsRemaining: Int64, tierAfter: TrustTier) {
        self.cost = cost
        self.method = method
        self.balanceAfter = balanceAfter
        self.transactionID = transactionID
        self.totalCallsAfter = totalCallsAfter
        self.freeCallsRemaining = freeCallsRemaining
        self.tierAfter = tierAfter
    }
}

public enum CompletionOutcome: Sendable {
    case completed(Billing, body: [UInt8])
    /// Funds ran out between the pre-check and settlement; nothing was written.
    case insufficientFunds(balance: Money, freeCallsRemaining: Int64)
    /// Another request with the same key settled first; nothing was written, here is its record.
    case duplicate(IdempotencyRecord)
    case agentMissing
}

public struct IdempotencyRecord: Sendable, Equatable {
    public var fingerprint: [UInt8]
    public var statusCode: Int
    public var body: [UInt8]
    public var createdAt: Int64

    public init(fingerprint: [UInt8], statusCode: Int, body: [UInt8], createdAt: Int64) {
        self.fingerprint = fingerprint
        self.statusCode = statusCode
        self.body = body
        self.createdAt = createdAt
    }
}

/// One line of an agent's wallet history.
public struct WalletEntry: Sendable, Equatable {
    public var sequence: Int64
    public var transactionID: String
    public var kind: String
    public var amount: Money
    public var balanceAfter: Money
    public var memo: String?
    public var capability: String?
    public var action: String?
    public var createdAt: Int64

    public init(sequence: Int64, transactionID: String, kind: String, amount: Money, balanceAfter: Money, memo: String?, capability: String?, action: String?, createdAt: Int64) {
        self.sequence = sequence
        self.transactionID = transactionID
        self.kind = kind
        self.amount = amount
        self.balanceAfter = balanceAfter
        self.memo = memo
        self.capability = capability
        self.action = action
        self.createdAt = createdAt
    }
}

public struct LedgerSummary: Sendable, Equatable {
    /// Balance per account class (`wallet`, `provider_payable`, `hub_fees`, `payment_fees`, `external_funding`).
    public var balances: [LedgerAccount.Class: Money]
    public var globalSum: Money
    public var transactionCount: Int64

    public init(balances: [LedgerAccount.Class: Money], globalSum: Money, transactionCount: Int64) {
        self.balances = balances
        self.globalSum = globalSum
        self.transactionCount = transactionCount
    }
}

public struct LedgerViolation: Sendable, Equatable, CustomStringConvertible {
    public var invariant: String
    public var detail: String
    public init(invariant: String, detail: String) {
        self.invariant = invariant
        self.detail = detail
    }
    public var description: String { "\(invariant): \(detail)" }
}
