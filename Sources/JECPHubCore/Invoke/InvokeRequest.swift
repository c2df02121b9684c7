import Foundation
import JECPModels

/// A `POST /v1/invoke` body that passed envelope validation (spec 01 §3.2).
public struct InvokeRequest: Sendable {
    public var id: String
    public var capability: String
    public var action: String
    /// Always a JSON object.
    public var input: JSONValue
    /// Canonical serialization of `input`: measured for the 5 MB limit and hashed for idempotency.
    public var canonicalInput: [UInt8]
    public var mandate: Mandate?
    public var delivery: Delivery
    public var metadata: JSONValue?
    /// Keys of `extensions`: ignored by this Hub, logged for telemetry (spec 01 §3.3).
    public var extensionKeys: [String] = []

    public struct Mandate: Sendable {
        public var agentID: String
        public var apiKey: String
        public var budget: Money?
        /// Unix seconds.
        public var expiresAt: Int64?
        public var provenanceHash: String?
    }

    public struct Delivery: Sendable, Equatable {
        public enum Mode: String, Sendable { case sync, stream, async }
        public enum Format: String, Sendable { case base64, url, inline }
        public var mode: Mode = .sync
        public var format: Format = .base64
        public var callbackURL: String?
        public init() {}
    }
}

/// One violation of the envelope, reported in `details.errors`.
public struct EnvelopeViolation: Sendable, Equatable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var json: JSONValue { ["path": .string(path), "reason": .string(reason)] }
}

extension InvokeRequest {
    public static let maximumInputBytes = 5 * 1024 * 1024
    public static let maximumMetadataBytes = 4 * 1024
    public static let supportedVersions = ["1.0"]

    static let topLevelFields: Set<String> = ["jecp", "id", "capability", "action", "input", "mandate", "delivery", "metadata", "extensions"]

    /// The body's `id` when it is a string, for echoing in error envelopes before validation finished.
    public static func echoableID(of body: JSONValue) -> String? {
        guard let id = body["id"]?.stringValue, Self.isValidID(id) else { return nil }
        return id
    }

    /// Validates the envelope, reporting every violation at once (an agent fixes them in one go).
    /// Order of spec 03: sizes (413), version (400 UNSUPPORTED_VERSION), then the rest (400 VALIDATION_FAILED).
    public init(validating body: JSONValue) throws(JECPError) {
        guard case .object(let fields) = body else {
            throw JECPError(.invalidRequest, "The request body must be a JSON object.")
        }
        var canonicalInput: [UInt8] = []
        if let input = fields["input"] {
            canonicalInput = input.serialized()
            if canonicalInput.count > Self.maximumInputBytes {
                throw JECPError(.inputTooLarge, "input is \(canonicalInput.count) bytes; the limit is 5 MB.",
                                details: ["field": "input", "limit_bytes": .number(JSONNumber(Self.maximumInputBytes)), "received_bytes": .number(JSONNumber(canonicalInput.count))])
            }
        }
        if let metadata = fields["metadata"] {
            let size = metadata.serialized().count
            if size > Self.maximumMetadataBytes {
                throw JECPError(.inputTooLarge, "metadata is \(size) bytes serialized; the limit is 4 KB.",
                                details: ["field": "metadata", "limit_bytes": .number(JSONNumber(Self.maximumMetadataBytes)), "received_bytes": .number(JSONNumber(size))])
            }
        }
        if let version = fields["jecp"], version != .string("1.0") {
            let received: JSONValue = version.stringValue.map { .string($0) } ?? .string(version.serializedString())
            throw JECPError(.unsupportedVersion, "This Hub supports JECP version 1.0 only.",
                            details: ["supported": .array(Self.supportedVersions.map { .string($0) }), "received": received])
        }

        var violations: [EnvelopeViolation] = []
        func require(_ name: String) -> JSONValue? {
            guard let value = fields[name] else {
                violations.append(.init(path: "/\(name)", reason: "is required"))
                return nil
            }
            return value
        }
        func string(_ name: String, pattern: (String) -> Bool, description: String) -> String {
            guard let value = require(name) else { return "" }
            guard let text = value.stringValue else {
                violations.append(.init(path: "/\(name)", reason: "must be a string"))
                return ""
            }
            if !pattern(text) { violations.append(.init(path: "/\(name)", reason: description)) }
            return text
        }

        _ = require("jecp")
        let id = string("id", pattern: Self.isValidID, description: "must match ^[A-Za-z0-9_-]{4,64}$")
        let capability = string("capability", pattern: Self.isValidCapability, description: "must match ^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*(@[0-9]+\\.[0-9]+\\.[0-9]+)?)?$")
        let action = string("action", pattern: Self.isValidAction, description: "must match ^[a-z][a-z0-9-]*$")
        let input = require("input") ?? .object([:])
        if input.objectValue == nil, fields["input"] != nil { violations.append(.init(path: "/input", reason: "must be an object")) }
        if let metadata = fields["metadata"], metadata.objectValue == nil {
            violations.append(.init(path: "/metadata", reason: "must be an object"))
        }
        if let extensions = fields["extensions"], extensions.objectValue == nil {
            violations.append(.init(path: "/extensions", reason: "must be an object"))
        }
        for key in fields.keys where !Self.topLevelFields.contains(key) {
            violations.append(.init(path: "/\(Self.escapePointer(key))", reason: "is not a field of the JECP request envelope"))
        }
        let mandate = fields["mandate"].flatMap { Self.parseMandate($0, into: &violations) }
        let delivery = fields["delivery"].map { Self.parseDelivery($0, into: &violations) } ?? Delivery()

        guard violations.isEmpty else {
            throw JECPError(.validationFailed, violations.count == 1 ? "The request envelope has 1 error: \(violations[0].path) \(violations[0].reason)."
                                    : "The request envelope has \(violations.count) errors.",
                                  details: ["errors": .array(violations.map(\.json))])
        }
        self.init(id: id, capability: capability, action: action, input: input, canonicalInput: canonicalInput,
                  mandate: mandate, delivery: delivery, metadata: fields["metadata"],
                  extensionKeys: fields["extensions"]?.objectValue?.keys.sorted() ?? [])
    }

    static func parseMandate(_ value: JSONValue, into violations: inout [EnvelopeViolation]) -> Mandate? {
        guard case .object(let fields) = value else {
            violations.append(.init(path: "/mandate", reason: "must be an object"))
            return nil
        }
        let before = violations.count
        var agentID = ""
        var apiKey = ""
        if let value = fields["agent_id"] {
            if let text = value.stringValue, Credentials.isWellFormed(text, kind: .agentID) { agentID = text } else {
                violations.append(.init(path: "/mandate/agent_id", reason: "must match ^[a-z]{2,8}_ag_[A-Za-z0-9]{16,128}$"))
            }
        } else {
            violations.append(.init(path: "/mandate/agent_id", reason: "is required"))
        }
        if let value = fields["api_key"] {
            // Never echo the key back, even in a validation error.
            if let text = value.stringValue, Credentials.isWellFormed(text, kind: .agentKey) { apiKey = text } else {
                violations.append(.init(path: "/mandate/api_key", reason: "must match ^[a-z]{2,8}_ak_[A-Za-z0-9]{16,128}$"))
            }
        } else {
            violations.append(.init(path: "/mandate/api_key", reason: "is required"))
        }
        var budget: Money?
        if let value = fields["budget_usdc"] {
            if let number = value.numberValue, let money = try? Money(decimal: number.text), money >= .zero,
                money <= Money(units: 1000)
            {
                budget = money
            } else {
                violations.append(.init(path: "/mandate/budget_usdc", reason: "must be a number from 0 to 1000 with at most 6 decimals"))
            }
        }
        var expiresAt: Int64?
        if let value = fields["expires_at"] {
            if let text = value.stringValue, let seconds = Timestamps.parseRFC3339(text) { expiresAt = seconds } else {
                violations.append(.init(path: "/mandate/expires_at", reason: "must be an RFC 3339 date-time"))
            }
        }
        var provenance: String?
        if let value = fields["provenance_hash"] {
            // The wire format itself is checked after authentication, so a malformed hash gets
            // PROVENANCE_MISMATCH/wire_malformed as spec 03 §3.1 requires.
            if let text = value.stringValue { provenance = text } else {
                violations.append(.init(path: "/mandate/provenance_hash", reason: "must be a string"))
            }
        }
        guard violations.count == before else { return nil }
        return Mandate(agentID: agentID, apiKey: apiKey, budget: budget, expiresAt: expiresAt, provenanceHash: provenance)
    }

    static func parseDelivery(_ value: JSONValue, into violations: inout [EnvelopeViolation]) -> Delivery {
        var delivery = Delivery()
        guard case .object(let fields) = value else {
            violations.append(.init(path: "/delivery", reason: "must be an object"))
            return delivery
        }
        if let mode = fields["mode"] {
            if let text = mode.stringValue, let parsed = Delivery.Mode(rawValue: text) { delivery.mode = parsed } else {
                violations.append(.init(path: "/delivery/mode", reason: "must be one of sync, stream, async"))
            }
        }
        if let format = fields["format"] {
            if let text = format.stringValue, let parsed = Delivery.Format(rawValue: text) { delivery.format = parsed } else {
                violations.append(.init(path: "/delivery/format", reason: "must be one of base64, url, inline"))
            }
        }
        if let callback = fields["callback_url"] {
            if let text = callback.stringValue { delivery.callbackURL = text } else {
                violations.append(.init(path: "/delivery/callback_url", reason: "must be a string"))
            }
        }
        return delivery
    }

    public static func isValidID(_ id: String) -> Bool {
        let bytes = id.utf8
        return (4...64).contains(bytes.count)
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    public static func isValidAction(_ action: String) -> Bool { isSlug(Substring(action)) }

    /// `name`, `namespace/name`, or `namespace/name@MAJOR.MINOR.PATCH` (a pinned version, spec 04 §7.2).
    public static func isValidCapability(_ capability: String) -> Bool {
        let parts = capability.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let at = parts[1].firstIndex(of: "@") else {
            return (1...2).contains(parts.count) && parts.allSatisfy(isSlug)
        }
        let version = parts[1][parts[1].index(after: at)...].split(separator: ".", omittingEmptySubsequences: false)
        return isSlug(parts[0]) && isSlug(parts[1][..<at]) && version.count == 3
            && version.allSatisfy { (1...9).contains($0.utf8.count) && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }

    /// `^[a-z][a-z0-9-]*$`
    static func isSlug(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, first >= 0x61, first <= 0x7A else { return false }
        return text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    static func escapePointer(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
