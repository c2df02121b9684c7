import Foundation

/// A completed invocation.
public struct InvokeResult<Output: Sendable>: Sendable {
    public let output: Output
    public let requestID: String
    /// `Idempotent-Replayed: true`: the Hub returned its stored response and charged nothing again.
    public let replayed: Bool
    public let billing: Billing
    public let execution: Execution
    /// `X-RateLimit-Limit`, `-Remaining` and `-Reset`.
    public let rateLimit: RateLimit?
    /// `Sunset`/`Deprecation`/`Link` headers of spec 01 §4.6 (also logged once per action per client).
    public let deprecation: DeprecationNotice?
    /// The whole envelope.
    public let raw: JSONValue
}

public struct Billing: Sendable {
    public let cost: Money
    /// `free_call`, `wallet`...
    public let method: String
    public let balanceAfter: Money?
    public let transactionID: String?
    public let freeCallsRemaining: Int?

    public init(cost: Money, method: String, balanceAfter: Money?, transactionID: String?, freeCallsRemaining: Int?) {
        self.cost = cost
        self.method = method
        self.balanceAfter = balanceAfter
        self.transactionID = transactionID
        self.freeCallsRemaining = freeCallsRemaining
    }

    init(json: JSONValue) {
        self.cost = json["cost_usdc"].flatMap { try? Money(json: $0) } ?? .zero
        self.method = json["method"]?.stringValue ?? "unknown"
        self.balanceAfter = json["balance_after"].flatMap { try? Money(json: $0) }
        self.transactionID = json["transaction_id"]?.stringValue
        self.freeCallsRemaining = json["free_calls_remaining"]?.numberValue?.integerValue.map { Int($0) }
    }
}

public struct Execution: Sendable {
    public let durationMilliseconds: Int?
    public let engine: String?
    public let provider: String?
    public let trustTier: TrustTier?

    init(json: JSONValue) {
        self.durationMilliseconds = json["duration_ms"]?.numberValue?.integerValue.map { Int($0) }
        self.engine = json["engine"]?.stringValue
        self.provider = json["provider"]?.stringValue
        self.trustTier = json["trust_tier"]?.stringValue.flatMap(TrustTier.init(rawValue:))
    }
}

public struct RateLimit: Sendable {
    public let limit: Int
    public let remaining: Int
    public let resetAt: Date
}

public struct DeprecationNotice: Sendable {
    public let sunset: Date?
    /// The `rel="successor-version"` link, when the Hub named one.
    public let successor: String?
}
