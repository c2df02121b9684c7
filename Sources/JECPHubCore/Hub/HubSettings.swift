import JECPModels

/// Everything the domain needs to know about this Hub's configuration, already validated.
/// (The HTTP target reads these from swift-configuration; the core stays free of it.)
public struct HubSettings: Sendable {
    /// Origin advertised in discovery documents and `next_action` URLs, without a trailing slash.
    public var publicURL: String
    public var vendorPrefix: String
    public var operatorNamespace: String
    public var hubName: String
    public var freeCalls: Int64
    public var registrationPerMinute: Int
    public var testMode: Bool
    /// `Sunset` of the legacy `/v1/jecp` alias (spec 01 §2.1).
    public var legacyAliasSunset: Int64
    public var idempotencyTTLSeconds: Int64
    public var topupAmountsUSD: [Int]
    public var maximumRotationsPer24h: Int
    /// Lifetime of artifact URLs. The default outlives the idempotency window by an hour, so a URL
    /// in a replayed response is still good for at least the hour spec 01 §3.5 demands.
    public var artifactTTLSeconds: Int64
    /// Spec 01 §7: larger responses switch to URL delivery by themselves.
    public var maximumInlineResponseBytes: Int
    /// How long a claim on an idempotency key protects an execution from other nodes: longer than
    /// any action may run (streams end at 5 min). A node that dies holding one blocks the key
    /// until then; retries meanwhile get 503 with `Retry-After`.
    public var claimLeaseSeconds: Int64 = 330
    /// How long a request waits for the same key to finish on another node before answering 503.
    public var claimWaitSeconds: Int64 = 30
    /// A relayed provider stream is cancelled after this long without an event (spec 01 §4.3: at least 30 s)…
    public var streamIdleTimeoutSeconds: Double = 30
    /// …and after this long in all (spec 01 §4.3: at most 5 minutes).
    public var streamTotalTimeoutSeconds: Double = 300
    /// A charge that takes a wallet below this emits `wallet.low_balance` (zero: never).
    public var lowBalanceThreshold = Money(micros: 1_000_000)
    /// Sign-in attempts on the wallet page per client address and minute.
    public var walletLoginPerMinute = 10
    /// Refunds: charges older than this cannot be refunded…
    public var refundWindowSeconds: Int64 = 30 * 86_400
    /// …an agent may request at most this many in the trailing 24 hours…
    public var refundDailyCap = 10
    /// …and a request nobody answers is approved after this long.
    public var refundAutoApproveSeconds: Int64 = 72 * 3_600

    public init(
        publicURL: String, vendorPrefix: String = "jecp", operatorNamespace: String = "hub", hubName: String = "JECP Swift Hub",
        freeCalls: Int64 = 100, registrationPerMinute: Int = 10, testMode: Bool = false,
        legacyAliasSunset: Int64 = 1_830_297_600,  // 2028-01-01T00:00:00Z
        idempotencyTTLSeconds: Int64 = 86_400, topupAmountsUSD: [Int] = [5, 20, 100], maximumRotationsPer24h: Int = 3,
        artifactTTLSeconds: Int64 = 90_000, maximumInlineResponseBytes: Int = 50 * 1024 * 1024
    ) {
        self.publicURL = publicURL
        self.vendorPrefix = vendorPrefix
        self.operatorNamespace = operatorNamespace
        self.hubName = hubName
        self.freeCalls = freeCalls
        self.registrationPerMinute = registrationPerMinute
        self.testMode = testMode
        self.legacyAliasSunset = legacyAliasSunset
        self.idempotencyTTLSeconds = idempotencyTTLSeconds
        self.topupAmountsUSD = topupAmountsUSD
        self.maximumRotationsPer24h = maximumRotationsPer24h
        self.artifactTTLSeconds = artifactTTLSeconds
        self.maximumInlineResponseBytes = maximumInlineResponseBytes
    }

    public func url(_ path: String) -> String { publicURL + path }
}
