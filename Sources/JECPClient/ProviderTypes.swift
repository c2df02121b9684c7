import Foundation

/// The TXT record that proves a provider controls the host of its `endpoint_url` (spec 04 §8.6.2).
public struct ProviderDNSRecord: Sendable, Hashable {
    /// `_jecp.<host>`.
    public let name: String
    /// `TXT`.
    public let type: String
    /// `jecp-verify=<token>`.
    public let value: String
    /// The record as one zone-file line, ready to paste.
    public let zoneLine: String
}

/// `POST /v1/providers/register`. `apiKey` and `hmacSecret` are shown once: store them.
/// `description` leaves both out, so printing or logging a registration leaks neither.
public struct ProviderRegistration: Sendable, CustomStringConvertible {
    public let providerID: String
    public let namespace: String
    /// `provider_api_key`, sent as `Authorization: Bearer` on every provider route.
    public let apiKey: String
    public let apiKeyPrefix: String
    /// Verifies the Hub's signature on the calls it forwards to the endpoint.
    public let hmacSecret: String
    public let dnsVerificationToken: String
    public let dnsRecord: ProviderDNSRecord
    /// `dns_pending` until the domain is proven, then `verified`.
    public let status: String
    public let warning: String?
    /// The whole answer, secrets included.
    public let raw: JSONValue

    public var description: String { "ProviderRegistration(\(providerID), \(namespace), key \(apiKeyPrefix)…, \(status))" }
}

/// `GET /v1/providers/me`.
public struct ProviderProfile: Sendable {
    public let providerID: String
    public let namespace: String
    public let displayName: String
    /// `dns_pending`, `verified` or `suspended`.
    public let status: String
    public let dnsVerified: Bool
    public let dnsVerifiedAt: Date?
    public let stripeVerified: Bool
    public let endpointURL: String
    public let country: String
    public let website: String?
    public let createdAt: Date?
    public let totalCalls: Int
    /// The record to publish; nil when the endpoint has no host.
    public let dnsRecord: ProviderDNSRecord?
    public let raw: JSONValue
}

/// `POST /v1/providers/verify-dns` when the record matched (or the domain was already proven).
/// A missing or wrong record is thrown as `DNS_VERIFICATION_FAILED` instead.
public struct DNSVerification: Sendable {
    public let verified: Bool
    public let status: String
    public let message: String
    public let raw: JSONValue
}

/// `POST /v1/providers/me/rotate-key`. `description` leaves the new key out.
public struct ProviderKeyRotation: Sendable, CustomStringConvertible {
    public let providerID: String
    public let namespace: String
    /// The new key, shown once.
    public let apiKey: String
    public let apiKeyPrefix: String
    /// Until when the old key keeps working (now, when it was revoked).
    public let previousKeyValidUntil: Date?
    public let graceSeconds: Int
    public let revokeOld: Bool
    public let warning: String?
    public let raw: JSONValue

    public var description: String { "ProviderKeyRotation(\(providerID), key \(apiKeyPrefix)…, grace \(graceSeconds) s)" }
}

/// One manifest version a provider published, as `POST /v1/manifests`, `GET /v1/manifests` and
/// `DELETE /v1/manifests/…` describe it.
public struct PublishedManifest: Sendable {
    /// Statuses this SDK knows have constants; others are kept as sent.
    public struct Status: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Stored, not served: the provider's domain is not proven yet (or it is suspended).
        public static let submitted = Self(rawValue: "submitted")
        public static let active = Self(rawValue: "active")
        public static let deprecated = Self(rawValue: "deprecated")
        /// Retired: calls answer `CAPABILITY_DEPRECATED` (410).
        public static let sunset = Self(rawValue: "sunset")
    }

    public let id: String
    public let namespace: String
    public let capability: String
    /// `namespace/capability`.
    public let fullID: String
    public let version: String
    public let status: Status
    public let manifestURL: String
    public let createdAt: Date?
    public let updatedAt: Date?
    /// Why a publish was stored but is not served yet.
    public let message: String?
    public let raw: JSONValue
}

/// `GET /v1/manifests`: every version the provider published, newest first.
public struct ProviderManifestList: Sendable {
    public let namespace: String
    public let manifests: [PublishedManifest]
}

/// `GET /v1/providers/me/earnings`. Amounts are exact (``Money``), as the Hub's ledger holds them.
public struct ProviderEarnings: Sendable {
    public struct Line: Sendable, Hashable {
        /// `YYYY-MM-DD` (UTC).
        public let day: String
        public let capability: String
        public let action: String
        public let calls: Int
        /// The day's net: the paid calls' shares less approved refunds.
        public let earned: Money
        /// Refunds approved that day (0 from Hubs that do not report them).
        public let refunds: Int
    }

    public let providerID: String
    public let namespace: String
    public let currency: String
    /// The first day of the window (UTC midnight).
    public let since: Date?
    /// Owed to the provider and not paid out yet, whatever the window.
    public let payable: Money
    public let earnedInWindow: Money
    public let callsInWindow: Int
    public let refundsInWindow: Int
    public let lines: [Line]
    public let raw: JSONValue
}

// MARK: - Decoding

/// The fields of one Hub answer; a required field that is missing or of the wrong type makes the
/// whole answer `INVALID_RESPONSE`, naming the field.
private struct Fields {
    let json: JSONValue
    let status: Int
    let what: String

    func invalid(_ key: String, _ expected: String) -> JECPError {
        JECPError(code: .invalidResponse, status: status, message: "\(what) lacks \(key) (\(expected)).")
    }

    func string(_ key: String) throws(JECPError) -> String {
        guard let value = json[key]?.stringValue else { throw invalid(key, "a string") }
        return value
    }

    func optionalString(_ key: String) -> String? { json[key]?.stringValue }

    func bool(_ key: String) throws(JECPError) -> Bool {
        guard let value = json[key]?.boolValue else { throw invalid(key, "a boolean") }
        return value
    }

    func int(_ key: String) throws(JECPError) -> Int {
        guard let value = json[key]?.numberValue?.integerValue, let int = Int(exactly: value) else { throw invalid(key, "an integer") }
        return int
    }

    func money(_ key: String) throws(JECPError) -> Money {
        guard let value = json[key], let money = try? Money(json: value) else { throw invalid(key, "an exact decimal amount") }
        return money
    }

    func date(_ key: String) -> Date? {
        json[key]?.stringValue.flatMap(Timestamps.parseRFC3339).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    func nested(_ key: String) throws(JECPError) -> Fields {
        guard let value = json[key], value.objectValue != nil else { throw invalid(key, "an object") }
        return Fields(json: value, status: status, what: "\(what)'s \(key)")
    }
}

extension ProviderDNSRecord {
    fileprivate init(_ fields: Fields) throws(JECPError) {
        self.init(name: try fields.string("name"), type: try fields.string("type"), value: try fields.string("value"),
                  zoneLine: try fields.string("zone_line"))
    }
}

extension ProviderRegistration {
    init(json: JSONValue, status: Int) throws(JECPError) {
        let fields = Fields(json: json, status: status, what: "The provider registration")
        self.init(providerID: try fields.string("provider_id"), namespace: try fields.string("namespace"),
                  apiKey: try fields.string("provider_api_key"), apiKeyPrefix: try fields.string("api_key_prefix"),
                  hmacSecret: try fields.string("hmac_secret"), dnsVerificationToken: try fields.string("dns_verification_token"),
                  dnsRecord: try ProviderDNSRecord(try fields.nested("dns_record")), status: try fields.string("status"),
                  warning: fields.optionalString("warning"), raw: json)
    }
}

extension ProviderProfile {
    init(json: JSONValue, status: Int) throws(JECPError) {
        let fields = Fields(json: json, status: status, what: "The provider profile")
        let record: ProviderDNSRecord? = if json["dns_record"]?.objectValue != nil { try ProviderDNSRecord(try fields.nested("dns_record")) } else { nil }
        self.init(providerID: try fields.string("provider_id"), namespace: try fields.string("namespace"),
                  displayName: try fields.string("display_name"), status: try fields.string("status"),
                  dnsVerified: try fields.bool("dns_verified"), dnsVerifiedAt: fields.date("dns_verified_at"),
                  stripeVerified: json["stripe_verified"]?.boolValue ?? false, endpointURL: try fields.string("endpoint_url"),
                  country: try fields.string("country"), website: fields.optionalString("website"), createdAt: fields.date("created_at"),
                  totalCalls: (try? fields.int("total_calls")) ?? 0, dnsRecord: record, raw: json)
    }
}

extension DNSVerification {
    init(json: JSONValue, status: Int) throws(JECPError) {
        let fields = Fields(json: json, status: status, what: "The DNS verification")
        self.init(verified: try fields.bool("verified"), status: try fields.string("status"), message: fields.optionalString("message") ?? "",
                  raw: json)
    }
}

extension ProviderKeyRotation {
    init(json: JSONValue, status: Int) throws(JECPError) {
        let fields = Fields(json: json, status: status, what: "The key rotation")
        self.init(providerID: try fields.string("provider_id"), namespace: try fields.string("namespace"), apiKey: try fields.string("api_key"),
                  apiKeyPrefix: try fields.string("api_key_prefix"), previousKeyValidUntil: fields.date("previous_key_valid_until"),
                  graceSeconds: (try? fields.int("grace_seconds")) ?? 0, revokeOld: json["revoke_old"]?.boolValue ?? false,
                  warning: fields.optionalString("warning"), raw: json)
    }
}

extension PublishedManifest {
    init(json: JSONValue, status: Int) throws(JECPError) {
        let fields = Fields(json: json, status: status, what: "The manifest")
        let namespace = try fields.string("namespace")
        let capability = try fields.string("capability")
        self.init(id: try fields.string("id"), namespace: namespace, capability: capability,
                  fullID: fields.optionalString("full_id") ?? "\(namespace)/\(capability)", version: try fields.string("version"),
                  status: Status(rawValue: try fields.string("status")), manifestURL: try fields.string("manifest_url"),
                  createdAt: fields.date("created_at"), updatedAt: fields.date("updated_at"), message: fields.optionalString("message"), raw: json)
    }
}

extension ProviderManifestList {
    init(json: JSONValue, status: Int) throws(JECPError) {
        let fields = Fields(json: json, status: status, what: "The manifest list")
        guard let manifests = json["manifests"]?.arrayValue else { throw fields.invalid("manifests", "an array") }
        self.init(namespace: try fields.string("namespace"),
                  manifests: try manifests.map { (item) throws(JECPError) in try PublishedManifest(json: item, status: status) })
    }
}

extension ProviderEarnings {
    init(json: JSONValue, status: Int) throws(JECPError) {
        let fields = Fields(json: json, status: status, what: "The earnings report")
        guard let lines = json["lines"]?.arrayValue else { throw fields.invalid("lines", "an array") }
        self.init(providerID: try fields.string("provider_id"), namespace: try fields.string("namespace"),
                  currency: fields.optionalString("currency") ?? "USDC", since: fields.date("since"), payable: try fields.money("payable_usdc"),
                  earnedInWindow: try fields.money("earned_in_window_usdc"), callsInWindow: try fields.int("calls_in_window"),
                  refundsInWindow: (try? fields.int("refunds_in_window")) ?? 0,
                  lines: try lines.map { (item) throws(JECPError) in
                      let line = Fields(json: item, status: status, what: "An earnings line")
                      return Line(day: try line.string("day"), capability: try line.string("capability"), action: try line.string("action"),
                                  calls: try line.int("calls"), earned: try line.money("earned_usdc"), refunds: (try? line.int("refunds")) ?? 0)
                  },
                  raw: json)
    }
}
