import Foundation

/// Per-call options of ``JECPClient/invoke(_:_:input:as:options:)``.
public struct InvokeOptions: Sendable {
    /// The JECP request id, also the idempotency key. Default: a fresh `req_<hex>`, reused on every retry.
    public var requestID: String?
    /// `X-Idempotency-Key`, when deduplication should use a key other than the request id
    /// (`^[A-Za-z0-9_-]{4,64}$`). Sent unchanged on every retry.
    public var idempotencyKey: String?
    /// Send the credentials inside a mandate (budget, expiry, provenance) instead of headers only.
    public var mandate: MandateOptions?
    /// At most 4 KB serialized; stored with the invocation.
    public var metadata: JSONValue?
    public var delivery: DeliveryOptions?
    /// Opt-in recoveries driven by `next_action`.
    public var recovery: RecoveryOptions

    public init(requestID: String? = nil, mandate: MandateOptions? = nil, metadata: JSONValue? = nil,
                delivery: DeliveryOptions? = nil, recovery: RecoveryOptions = .none, idempotencyKey: String? = nil) {
        self.requestID = requestID
        self.idempotencyKey = idempotencyKey
        self.mandate = mandate
        self.metadata = metadata
        self.delivery = delivery
        self.recovery = recovery
    }
}

/// A spending mandate (spec 02 §5): the Hub refuses calls above `budget` or after `expiresAt`.
public struct MandateOptions: Sendable {
    public var budget: Money?
    public var expiresAt: Date?
    /// Default true: a fresh provenance v2 hash with a fresh nonce on every call.
    public var includeProvenance: Bool

    public init(budget: Money? = nil, expiresAt: Date? = nil, expiresIn: Duration? = nil, includeProvenance: Bool = true) {
        self.budget = budget
        if let expiresIn {
            let (seconds, attoseconds) = expiresIn.components
            self.expiresAt = expiresAt ?? Date().addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
        } else {
            self.expiresAt = expiresAt
        }
        self.includeProvenance = includeProvenance
    }
}

public struct DeliveryOptions: Sendable {
    public enum Mode: String, Sendable { case sync, stream, async }
    public enum Format: String, Sendable { case base64, url }
    public var mode: Mode
    public var format: Format
    public init(mode: Mode = .sync, format: Format = .base64) {
        self.mode = mode
        self.format = format
    }
}

/// Opt-in automatic recovery from errors by their `next_action`. Off by default: each recovery
/// either waits or asks the caller, and a program should choose that knowingly.
///
/// - `wait`: on `next_action.type == "wait"` (e.g. `RATE_LIMITED`), sleep the Hub's `Retry-After`
///   (capped by ``RetryPolicy/maxRetryAfter``) and send the same request again.
/// - `renewMandate`: on `renew_mandate` (`MANDATE_EXPIRED`), ask the closure for a new mandate
///   (fresh expiry; the provenance hash is always recomputed) and retry; `nil` gives up.
/// - `topup` and `earn_trust` cannot be automated by the SDK: the thrown error's ``JECPError/nextAction``
///   carries the top-up URL or the fallback capabilities (see ``JECPError/topupURL`` and
///   ``JECPError/fallbackCapabilities``).
public struct RecoveryOptions: Sendable {
    public var wait: Bool
    public var renewMandate: (@Sendable (JECPError) async -> MandateOptions?)?
    /// Recoveries per call, across all kinds.
    public var maxRecoveries: Int

    public static let none = RecoveryOptions()

    public init(wait: Bool = false, renewMandate: (@Sendable (JECPError) async -> MandateOptions?)? = nil, maxRecoveries: Int = 2) {
        self.wait = wait
        self.renewMandate = renewMandate
        self.maxRecoveries = maxRecoveries
    }
}

extension JECPError {
    /// For `topup`: where to add funds (then retry the same request).
    public var topupURL: String? {
        if case .topup(let url, _) = nextAction { return url ?? rawNextAction?["ui"]?.stringValue }
        return nil
    }

    /// For `earn_trust`: capabilities usable at the agent's current tier.
    public var fallbackCapabilities: [String] {
        if case .earnTrust(_, let fallback) = nextAction { return fallback }
        return []
    }
}
