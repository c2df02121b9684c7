/// The machine-readable recovery of an error (spec 03 §4), typed by `type`.
public enum NextAction: Sendable {
    case register(url: String?)
    /// `url` is the top-up API; give it (or `ui`) to whoever can pay.
    case topup(url: String?, amountHint: Money?)
    case wait(seconds: Int?)
    case renewMandate
    /// `fallback` lists capabilities usable at the current tier, to earn trust with.
    case earnTrust(requiredTier: TrustTier?, fallback: [String])
    case lookupSchema(url: String?)
    /// Any other or malformed `next_action`, kept as sent.
    case unknown(JSONValue)

    public var type: String {
        switch self {
        case .register: "register"
        case .topup: "topup"
        case .wait: "wait"
        case .renewMandate: "renew_mandate"
        case .earnTrust: "earn_trust"
        case .lookupSchema: "lookup_schema"
        case .unknown(let raw): raw["type"]?.stringValue ?? "unknown"
        }
    }

    /// The object's typed fields as JSON (`.unknown` keeps what was sent; the Hub's complete
    /// object is ``JECPError/rawNextAction``).
    public var raw: JSONValue {
        switch self {
        case .register(let url): ["type": "register", "api": url.map { .string($0) } ?? .null]
        case .topup(let url, let amount): ["type": "topup", "api": url.map { .string($0) } ?? .null, "body_example": amount.map { JSONValue.object(["amount": $0.json]) } ?? .null]
        case .wait(let seconds): ["type": "wait", "retry_after_seconds": seconds.map { .number(JSONNumber($0)) } ?? .null]
        case .renewMandate: ["type": "renew_mandate"]
        case .earnTrust(let tier, let fallback):
            ["type": "earn_trust", "required_tier": tier.map { .string($0.rawValue) } ?? .null,
             "fallback": ["alternative_capabilities": .array(fallback.map { .string($0) })]]
        case .lookupSchema(let url): ["type": "lookup_schema", "schema_url": url.map { .string($0) } ?? .null]
        case .unknown(let raw): raw
        }
    }

    /// Parses a `next_action` object; unknown types and wrong shapes become `.unknown`.
    public init(json: JSONValue) {
        guard let type = json["type"]?.stringValue else {
            self = .unknown(json)
            return
        }
        switch type {
        case "register":
            self = .register(url: json["api"]?.stringValue ?? json["ui"]?.stringValue)
        case "topup":
            let amount = json["body_example"]?["amount"] ?? json["allowed_amounts_usd"]?.arrayValue?.first
            self = .topup(url: json["api"]?.stringValue ?? json["ui"]?.stringValue, amountHint: amount.flatMap { try? Money(json: $0) })
        case "wait":
            self = .wait(seconds: json["retry_after_seconds"]?.numberValue?.integerValue.map { Int($0) })
        case "renew_mandate":
            self = .renewMandate
        case "earn_trust":
            let fallback = json["fallback"]?["alternative_capabilities"]?.arrayValue ?? json["fallback"]?.arrayValue ?? []
            self = .earnTrust(requiredTier: json["required_tier"]?.stringValue.flatMap(TrustTier.init(rawValue:)),
                              fallback: fallback.compactMap(\.stringValue))
        case "lookup_schema":
            self = .lookupSchema(url: json["schema_url"]?.stringValue)
        default:
            self = .unknown(json)
        }
    }
}
