import Foundation
import JECPModels

/// Provider accounts (spec 04 §8): registration, key authentication, DNS proof of the endpoint's
/// domain, key rotation, earnings, and the operator's view.
public struct ProviderService<Store: HubStore>: Sendable {
    let store: Store
    let settings: HubSettings
    let hasher: KeyHasher
    let secrets: SecretBox
    let transport: any ProviderTransport
    /// Called after a change that alters what the catalog serves, so this node sees it at once.
    let catalogChanged: @Sendable () async -> Void

    public init(store: Store, settings: HubSettings, hasher: KeyHasher, secrets: SecretBox, transport: any ProviderTransport,
                catalogChanged: @escaping @Sendable () async -> Void) {
        self.store = store
        self.settings = settings
        self.hasher = hasher
        self.secrets = secrets
        self.transport = transport
        self.catalogChanged = catalogChanged
    }

    /// `POST /v1/providers/register`.
    public func register(body: JSONValue, clientAddress: String, now: Double) async throws(JECPError) -> JSONValue {
        let decision = try await withStore {
            try await store.checkRate(key: "provider-register|\(clientAddress)", limit: settings.registrationPerMinute, windowSeconds: 60, now: now)
        }
        guard decision.allowed else {
            throw JECPError(.rateLimited, "At most \(settings.registrationPerMinute) provider registrations per minute from one address.",
                            details: ["limit_rpm": .number(JSONNumber(decision.limit)), "retry_after_seconds": .number(JSONNumber(decision.retryAfterSeconds)),
                                      "scope": "provider_registration"],
                            nextAction: NextActions(settings: settings).wait(seconds: decision.retryAfterSeconds),
                            headers: [("Retry-After", String(decision.retryAfterSeconds))])
        }
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        var violations: [EnvelopeViolation] = []
        let allowed: Set<String> = ["namespace", "display_name", "owner_email", "endpoint_url", "country", "website"]
        for key in fields.keys.sorted() where !allowed.contains(key) {
            violations.append(.init(path: "/\(key)", reason: "is not a registration field"))
        }
        func string(_ key: String, required: Bool = true, valid: (String) -> Bool, reason: String) -> String? {
            guard let value = fields[key], !value.isNull else {
                if required { violations.append(.init(path: "/\(key)", reason: "is required")) }
                return nil
            }
            guard let text = value.stringValue, valid(text) else {
                violations.append(.init(path: "/\(key)", reason: reason))
                return nil
            }
            return text
        }
        let namespace = string("namespace", valid: Self.isNamespace, reason: "must match ^[a-z][a-z0-9-]{2,31}$")
        let displayName = string("display_name", valid: { (2...100).contains($0.count) }, reason: "must be 2 to 100 characters")
        let email = string("owner_email", valid: Self.isEmail, reason: "must be an email address")
        let endpoint = string("endpoint_url", valid: { $0.utf8.count <= 2048 }, reason: "must be a URL of at most 2048 bytes")
        let country = string("country", valid: { $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isUppercase } },
                             reason: "must be an ISO 3166-1 alpha-2 code such as US or JP")
        let website = string("website", required: false, valid: { ($0.hasPrefix("https://") || $0.hasPrefix("http://")) && $0.utf8.count <= 2048 },
                             reason: "must be an http(s) URL")
        guard violations.isEmpty, let namespace, let displayName, let email, let endpoint, let country else {
            throw JECPError(.validationFailed, "The registration request has \(violations.count) error(s).", details: ["errors": .array(violations.map(\.json))])
        }
        if namespace == settings.operatorNamespace {
            throw JECPError(.namespaceTaken, "The namespace '\(namespace)' is reserved for this Hub's own capabilities.", details: ["namespace": .string(namespace)])
        }
        try await transport.vet(url: endpoint, field: "endpoint_url")
        guard let host = Self.host(of: endpoint) else {
            throw JECPError(.urlBlockedSSRF, "URL blocked by SSRF policy: endpoint_url has no host.",
                            details: ["field": "endpoint_url", "blocked_url": .string(endpoint), "reason": "parse_error"])
        }

        let apiKey = Credentials.generate(.providerKey, prefix: settings.vendorPrefix)
        let hmacSecret = Self.randomHex(bytes: 32)
        let token = Self.randomHex(bytes: 16)
        let record: ProviderRecord
        do {
            record = try await store.createProvider(NewProvider(
                id: Credentials.generate(.providerID, prefix: settings.vendorPrefix), namespace: namespace, displayName: displayName,
                ownerEmail: email, endpointURL: endpoint, country: country, website: website, keyHash: hasher.hash(apiKey),
                sealedSecret: secrets.seal(hmacSecret), dnsToken: token, createdAt: Int64(now)))
        } catch .nameTaken {
            throw JECPError(.namespaceTaken, "The namespace '\(namespace)' is already registered; choose another.", details: ["namespace": .string(namespace)])
        } catch {
            throw HubErrors.storeUnavailable(error)
        }
        await catalogChanged()  // the namespace exists now: calls to it are no longer PROVIDER_NOT_FOUND
        return [
            "provider_id": .string(record.id),
            "namespace": .string(namespace),
            "provider_api_key": .string(apiKey),
            "api_key_prefix": .string(String(apiKey.prefix(settings.vendorPrefix.count + 4 + 8))),
            "hmac_secret": .string(hmacSecret),
            "dns_verification_token": .string(token),
            "dns_record": Self.dnsRecord(host: host, token: token),
            "status": .string(Self.status(record)),
            "warning": "provider_api_key and hmac_secret are shown only once: store them now. Publish the TXT record, then call POST /v1/providers/verify-dns.",
        ]
    }

    /// `Authorization: Bearer <provider_api_key>`: the provider whose current key this is, or whose
    /// previous key within its grace. Unknown and wrong keys look alike, in content and in time.
    public func authenticate(authorization: String?, now: Int64) async throws(JECPError) -> ProviderRecord {
        let started = ContinuousClock.now
        let prefix = "Bearer "
        guard let authorization, authorization.hasPrefix(prefix), authorization.count > prefix.count else {
            throw JECPError(.authRequired, "Provider routes need Authorization: Bearer <provider_api_key>.")
        }
        let presented = hasher.hash(String(authorization.dropFirst(prefix.count)))
        let record = try await withStore { try await store.provider(keyHash: presented) }
        var valid = false
        if let record {
            valid = constantTimeEqual(presented, record.keyHash)
            if !valid, let previous = record.previousKeyHash, let until = record.previousKeyValidUntil, until > now {
                valid = constantTimeEqual(presented, previous)
            }
        }
        guard valid, let record else {
            try? await Task.sleep(until: started + Authenticator<Store>.failureFloor)
            throw JECPError(.invalidAPIKey, "The provider API key is not valid (unknown, rotated past its grace, or revoked).")
        }
        return record
    }

    /// `GET /v1/providers/me` (spec 04 §8.6.1).
    public func profile(_ provider: ProviderRecord) async throws(JECPError) -> JSONValue {
        let calls = try await withStore { try await store.providerCallCount(namespace: provider.namespace) }
        return Self.json(provider, extra: [
            "total_calls": .number(JSONNumber(calls)),
            "dns_record": Self.host(of: provider.endpointURL).map { Self.dnsRecord(host: $0, token: provider.dnsToken) } ?? .null,
        ])
    }

    /// `POST /v1/providers/verify-dns` (spec 04 §8.6.2): the host always comes from `endpoint_url`.
    public func verifyDNS(_ provider: ProviderRecord, body: JSONValue?, now: Int64) async throws(JECPError) -> JSONValue {
        guard let host = Self.host(of: provider.endpointURL) else {
            throw JECPError(.invalidRequest, "The registered endpoint_url has no host to verify.")
        }
        if let body, !body.isNull {
            guard case .object(let fields) = body, fields.keys.allSatisfy({ $0 == "domain" }) else {
                throw JECPError(.invalidRequest, "The body may only carry {\"domain\": \"<host of endpoint_url>\"}.")
            }
            if let domain = fields["domain"], domain.stringValue?.lowercased() != host {
                throw JECPError(.invalidRequest, "domain must equal the host of the registered endpoint_url (\(host)).",
                                details: ["domain": domain, "expected": .string(host)])
            }
        }
        if provider.dnsVerified {
            return ["verified": true, "status": .string(Self.status(provider)), "message": .string("\(host) was already verified.")]
        }
        let name = "_jecp.\(host)"
        let expected = "jecp-verify=\(provider.dnsToken)"
        let failureDetails: [String: JSONValue] = ["domain": .string(host), "record_name": .string(name),
                                                   "expected_token_prefix": .string(String(provider.dnsToken.prefix(8))),
                                                   "dns_record": Self.dnsRecord(host: host, token: provider.dnsToken)]
        switch await transport.txtRecords(name) {
        case .failure(let failure):
            let reason = failure.reason == "nxdomain" || failure.reason == "no_records" ? (failure.reason == "nxdomain" ? "nxdomain" : "txt_record_missing") : failure.reason
            var details = failureDetails
            details["reason"] = .string(reason)
            throw JECPError(.dnsVerificationFailed, "No TXT record \(expected) was found at \(name): \(failure.message)", details: details)
        case .success(let records):
            let values = records.map { $0.trimmingCharacters(in: .whitespaces) }
            guard values.contains(where: { constantTimeEqual(Array($0.utf8), Array(expected.utf8)) }) else {
                var details = failureDetails
                details["reason"] = .string(values.contains { $0.hasPrefix("jecp-verify=") } ? "txt_record_mismatch" : "txt_record_missing")
                throw JECPError(.dnsVerificationFailed, "The TXT records at \(name) do not include \(expected).", details: details)
            }
        }
        guard let updated = try await withStore({ try await store.updateProvider(id: provider.id, status: nil, dnsVerifiedAt: now, now: now) }) else {
            throw JECPError(.providerNotFound, "The provider record no longer exists.")
        }
        await catalogChanged()
        return ["verified": true, "status": .string(Self.status(updated)), "message": .string("TXT record at \(name) matched the expected token.")]
    }

    /// `POST /v1/providers/me/rotate-key` (spec 04 §8.6.3).
    public func rotateKey(_ provider: ProviderRecord, body: JSONValue, now: Int64) async throws(JECPError) -> JSONValue {
        let request = try KeyRotation(body: body, graceRange: 0...86_400)
        let newKey = Credentials.generate(.providerKey, prefix: settings.vendorPrefix)
        let validUntil = request.previousValidUntil(now: now)
        let outcome = try await withStore {
            try await store.rotateProviderKey(providerID: provider.id, newKeyHash: hasher.hash(newKey), previousValidUntil: validUntil,
                                              maximumPer24h: settings.maximumRotationsPer24h, now: now)
        }
        switch outcome {
        case .rotated:
            return [
                "jecp": "1.0",
                "provider_id": .string(provider.id),
                "namespace": .string(provider.namespace),
                "api_key": .string(newKey),
                "api_key_prefix": .string(String(newKey.prefix(settings.vendorPrefix.count + 4 + 8))),
                "previous_key_valid_until": .string(Timestamps.rfc3339(validUntil ?? now)),
                "grace_seconds": .number(JSONNumber(request.graceSeconds)),
                "revoke_old": .bool(request.revokeOld),
                "warning": "This api_key is shown only once. Store it now.",
            ]
        case .capReached(let count, let oldest):
            throw KeyRotation.capReached(limit: settings.maximumRotationsPer24h, count: count, oldest: oldest, now: now)
        case .agentMissing:
            throw JECPError(.rotationRace, "The provider record changed during rotation; no new key was issued.", details: ["reason": "provider_disappeared"])
        }
    }

    /// `GET /v1/providers/me/earnings?days=`: the provider's ledger account, per capability, action and day.
    public func earnings(_ provider: ProviderRecord, days: String?, now: Int64) async throws(JECPError) -> JSONValue {
        var window: Int64 = 30
        if let days {
            guard let parsed = Int64(days), (1...366).contains(parsed) else {
                throw JECPError(.validationFailed, "days must be an integer from 1 to 366.",
                                details: ["errors": [["path": "/query/days", "reason": "must be an integer from 1 to 366"]]])
            }
            window = parsed
        }
        let since = (now / 86_400 - (window - 1)) * 86_400
        let earnings = try await withStore { try await store.providerEarnings(namespace: provider.namespace, since: since) }
        let total = earnings.lines.reduce(Money.zero) { $0 + $1.amount }
        return [
            "provider_id": .string(provider.id),
            "namespace": .string(provider.namespace),
            "currency": "USDC",
            "since": .string(Timestamps.rfc3339(since)),
            "payable_usdc": earnings.payable.json,
            "earned_in_window_usdc": total.json,
            "calls_in_window": .number(JSONNumber(earnings.lines.reduce(Int64(0)) { $0 + $1.calls })),
            "refunds_in_window": .number(JSONNumber(earnings.lines.reduce(Int64(0)) { $0 + $1.refunds })),
            "lines": .array(earnings.lines.map { line in
                ["day": .string(line.day), "capability": .string(line.capability), "action": .string(line.action),
                 "calls": .number(JSONNumber(line.calls)), "refunds": .number(JSONNumber(line.refunds)), "earned_usdc": line.amount.json]
            }),
        ]
    }

    /// `GET /admin/v1/providers`.
    public func list() async throws(JECPError) -> JSONValue {
        let providers = try await withStore { try await store.allProviders() }
        return ["providers": .array(providers.map { Self.json($0, extra: ["owner_email": .string($0.ownerEmail)]) })]
    }

    /// `PATCH /admin/v1/providers/{id}` `{status: active|suspended, dns_verified: true}`.
    public func update(id: String, body: JSONValue, now: Int64) async throws(JECPError) -> JSONValue {
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        var violations: [EnvelopeViolation] = []
        var status: ProviderStatus?
        if let value = fields["status"] {
            if let parsed = value.stringValue.flatMap(ProviderStatus.init(rawValue:)) { status = parsed } else {
                violations.append(.init(path: "/status", reason: "must be active or suspended"))
            }
        }
        var verify = false
        if let value = fields["dns_verified"] {
            if value.boolValue == true { verify = true } else { violations.append(.init(path: "/dns_verified", reason: "may only be true")) }
        }
        for key in fields.keys.sorted() where key != "status" && key != "dns_verified" {
            violations.append(.init(path: "/\(key)", reason: "is not a provider field the operator can change"))
        }
        if violations.isEmpty, status == nil, !verify { violations.append(.init(path: "", reason: "must change status or dns_verified")) }
        guard violations.isEmpty else {
            throw JECPError(.validationFailed, "The update has \(violations.count) error(s).", details: ["errors": .array(violations.map(\.json))])
        }
        guard let updated = try await withStore({ try await store.updateProvider(id: id, status: status, dnsVerifiedAt: verify ? now : nil, now: now) }) else {
            throw JECPError(.providerNotFound, "No provider with id '\(id)' exists.", details: ["provider_id": .string(id)])
        }
        await catalogChanged()
        return Self.json(updated, extra: ["owner_email": .string(updated.ownerEmail)])
    }

    // MARK: Rendering and helpers

    /// `^[a-z][a-z0-9-]{2,31}$`.
    static func isNamespace(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (3...32).contains(bytes.count), (0x61...0x7A).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// One `@`, a non-empty local part of at most 64 bytes, a dotted domain, no whitespace.
    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, (1...64).contains(parts[0].utf8.count),
              !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }

    /// Spec 04 §8.6.1 statuses: `dns_pending` until the domain is proven, then `verified`.
    static func status(_ provider: ProviderRecord) -> String {
        provider.status == .suspended ? "suspended" : provider.dnsVerified ? "verified" : "dns_pending"
    }

    static func json(_ provider: ProviderRecord, extra: [String: JSONValue]) -> JSONValue {
        var object: [String: JSONValue] = [
            "provider_id": .string(provider.id),
            "namespace": .string(provider.namespace),
            "display_name": .string(provider.displayName),
            "status": .string(status(provider)),
            "dns_verified": .bool(provider.dnsVerified),
            "dns_verified_at": provider.dnsVerifiedAt.map { .string(Timestamps.rfc3339($0)) } ?? .null,
            "stripe_verified": false,
            "endpoint_url": .string(provider.endpointURL),
            "country": .string(provider.country),
            "website": provider.website.map { .string($0) } ?? .null,
            "created_at": .string(Timestamps.rfc3339(provider.createdAt)),
        ]
        object.merge(extra) { _, new in new }
        return .object(object)
    }

    static func dnsRecord(host: String, token: String) -> JSONValue {
        ["name": .string("_jecp.\(host)"), "type": "TXT", "value": .string("jecp-verify=\(token)"),
         "zone_line": .string("_jecp.\(host). 300 IN TXT \"jecp-verify=\(token)\"")]
    }

    /// The lowercased host of a URL (brackets of an IPv6 literal removed), without resolving it.
    public static func host(of url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return nil }
        return host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    }

    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for _ in 0..<count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
