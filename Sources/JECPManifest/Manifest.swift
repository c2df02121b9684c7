import JECPModels

/// A validated provider manifest (04 §5).
///
/// `raw` is the whole document: everything the schema allows survives (compliance, billing,
/// metadata, extensions, side effects...), for the Hub to store and serve. The typed properties are
/// the parts the Hub acts on, with the spec's defaults applied. Only ``ManifestParser`` creates one,
/// after every check passed.
public struct Manifest: Sendable, Hashable {
    public let raw: JSONValue
    public let namespace: String
    public let capability: String
    public let version: SemanticVersion
    public let displayName: String
    public let description: String
    public let endpoint: String
    /// Empty when the manifest has none.
    public let tags: [String]
    public let actions: [Action]
    /// Capability-level lifecycle (04 §7.3); nil when the manifest has no `deprecation`.
    public let deprecation: Deprecation?

    /// `namespace/capability`.
    public var fullID: String { "\(namespace)/\(capability)" }

    public func action(id: String) -> Action? { actions.first { $0.id == id } }

    public struct Action: Sendable, Hashable {
        public let id: String
        public let name: String?
        public let description: String
        /// `pricing.base` exactly, in micro-units. Zero is allowed (a free action).
        public let price: Money
        public let currency: String
        public let pricingModel: String
        /// The action's own `streaming`, else the capability-level one; always false for a
        /// composite (composites are not streamable in v1.0, 04 §5.2.6).
        public let streaming: Bool
        /// Default bronze.
        public let trustTierRequired: TrustTier
        /// `rate_limit_rpm`; nil when absent or 0 ("use the Hub default").
        public let rateLimitPerMinute: Int?
        public let inputSchema: JSONValue
        public let outputSchema: JSONValue
        /// Empty when the action has none.
        public let examples: [JSONValue]
        /// `sla.timeout_ms`, default 30 000, clamped to 1 000...300 000.
        public let timeoutMilliseconds: Int
        /// Present exactly when the action is composite (04 §5.2).
        public let composes: Composes?
        public let raw: JSONValue
    }

    public struct Composes: Sendable, Hashable {
        /// Default 1 (the only value v1.0 allows).
        public let maxDepth: Int
        /// `rollback` (default) or `continue`.
        public let onStepFailure: String
        /// Default 60 000, clamped to 1 000...300 000.
        public let timeoutTotalMilliseconds: Int
        public let steps: [Step]

        public struct Step: Sendable, Hashable {
            public let id: String
            /// Target capability, `namespace/capability`.
            public let call: String
            public let action: String
            /// The input template (`${input.x}`, `${step.path}` strings, 04 §5.2.2).
            public let input: JSONValue
        }
    }

    public struct Deprecation: Sendable, Hashable {
        /// `active` (default), `deprecated` or `sunset`.
        public let status: String
        /// `sunset_at` in unix seconds.
        public let sunsetAt: Int64?
        public let successorVersion: SemanticVersion?
    }
}

// MARK: - Typed view of a validated document

extension Manifest {
    /// Builds the typed view. Every check has passed, so the fallbacks here are the spec's
    /// defaults for optional fields, never a way around a missing required one.
    init(validated raw: JSONValue) {
        self.raw = raw
        namespace = raw["namespace"]?.stringValue ?? ""
        capability = raw["capability"]?.stringValue ?? ""
        version = raw["version"]?.stringValue.flatMap(SemanticVersion.init) ?? SemanticVersion(major: 0, minor: 0, patch: 0)
        displayName = raw["display_name"]?.stringValue ?? ""
        description = raw["description"]?.stringValue ?? ""
        endpoint = raw["endpoint"]?.stringValue ?? ""
        tags = raw["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let capabilityStreaming = raw["streaming"]?.boolValue ?? false
        actions = (raw["actions"]?.arrayValue ?? []).map { Action(validated: $0, capabilityStreaming: capabilityStreaming) }
        deprecation = raw["deprecation"].map(Deprecation.init(validated:))
    }

    static func clamp(_ value: JSONValue?, default fallback: Int, to range: ClosedRange<Int>) -> Int {
        guard let integer = value?.numberValue?.integerValue else { return fallback }
        return Int(max(Int64(range.lowerBound), min(Int64(range.upperBound), integer)))
    }
}

extension Manifest.Action {
    init(validated raw: JSONValue, capabilityStreaming: Bool) {
        self.raw = raw
        id = raw["id"]?.stringValue ?? ""
        name = raw["name"]?.stringValue
        description = raw["description"]?.stringValue ?? ""
        let pricing = raw["pricing"]
        price = pricing?["base"]?.stringValue.flatMap { try? Self.parsePrice($0) } ?? .zero
        currency = pricing?["currency"]?.stringValue ?? ""
        pricingModel = pricing?["model"]?.stringValue ?? ""
        composes = raw["composes"].map(Manifest.Composes.init(validated:))
        streaming = composes == nil && (raw["streaming"]?.boolValue ?? capabilityStreaming)
        trustTierRequired = raw["trust_tier_required"]?.stringValue.flatMap(TrustTier.init(rawValue:)) ?? .bronze
        let rpm = raw["rate_limit_rpm"]?.numberValue?.integerValue ?? 0
        rateLimitPerMinute = rpm > 0 ? Int(clamping: rpm) : nil
        inputSchema = raw["input_schema"] ?? [:]
        outputSchema = raw["output_schema"] ?? [:]
        examples = raw["examples"]?.arrayValue ?? []
        timeoutMilliseconds = Manifest.clamp(raw["sla"]?["timeout_ms"], default: 30_000, to: 1_000...300_000)
    }

    /// `"$0.005"` → 5 000 micros: the `$` literal of 04 §5, then the exact decimal parser (more than
    /// 6 decimals is an error, never a rounding).
    static func parsePrice(_ text: String) throws(Money.ParseError) -> Money {
        guard text.first == "$" else { throw .notADecimal }
        let amount = text.dropFirst()
        // The schema pattern already restricts this to digits and one point; checked again because
        // Money's parser also takes signs and exponents, which a price must not have.
        guard !amount.isEmpty, amount.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { throw .notADecimal }
        return try Money(decimal: String(amount))
    }
}

extension Manifest.Composes {
    init(validated raw: JSONValue) {
        maxDepth = raw["max_depth"]?.numberValue?.integerValue.map { Int(clamping: $0) } ?? 1
        onStepFailure = raw["on_step_failure"]?.stringValue ?? "rollback"
        timeoutTotalMilliseconds = Manifest.clamp(raw["timeout_total_ms"], default: 60_000, to: 1_000...300_000)
        steps = (raw["steps"]?.arrayValue ?? []).map { step in
            Step(
                id: step["id"]?.stringValue ?? "", call: step["call"]?.stringValue ?? "",
                action: step["action"]?.stringValue ?? "", input: step["input"] ?? [:])
        }
    }
}

extension Manifest.Deprecation {
    init(validated raw: JSONValue) {
        status = raw["status"]?.stringValue ?? "active"
        sunsetAt = raw["sunset_at"]?.stringValue.flatMap(Timestamps.parseRFC3339)
        successorVersion = raw["successor_version"]?.stringValue.flatMap(SemanticVersion.init)
    }
}
