/// One reason a manifest is rejected.
public struct ManifestProblem: Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer into the manifest (`""` for the root), e.g. `/actions/0/pricing/base`.
    public let instancePath: String
    /// For a schema violation, the JSON Pointer along the manifest schema to the violated keyword
    /// (e.g. `/properties/namespace/pattern`). For a publish-time rule the schema cannot express
    /// (04 §6.1), the rule's name prefixed with `rule:` (see ``ManifestRule``).
    public let schemaPath: String
    /// A human-readable, single-line explanation.
    public let reason: String

    public init(instancePath: String, schemaPath: String, reason: String) {
        self.instancePath = instancePath
        self.schemaPath = schemaPath
        self.reason = reason
    }

    public var description: String {
        "\(instancePath.isEmpty ? "(root)" : instancePath): \(reason) [\(schemaPath)]"
    }
}

/// The names used as ``ManifestProblem/schemaPath`` for checks beyond the JSON Schema.
public enum ManifestRule {
    /// `input_schema` / `output_schema` must be valid JSON Schema 2020-12 (04 §6.1 rule 7).
    public static let jsonSchema = "rule:json-schema-2020-12"
    /// `pricing.base` must be an exact amount of at most 6 decimals (04 §6.1 rule 8).
    public static let price = "rule:price"
    /// Action ids are unique within a manifest.
    public static let uniqueActionID = "rule:unique-action-id"
    /// Step ids are unique within a composite (04 §5.2.1).
    public static let uniqueStepID = "rule:unique-step-id"
    /// `version` and `successor_version` are semantic versions without leading zeros (04 §7.1).
    public static let semanticVersion = "rule:semver"
    /// `sunset_at` is an RFC 3339 date-time.
    public static let timestamp = "rule:rfc3339"
}

/// Why a manifest was not accepted.
public enum ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Larger than 04 §4.4 allows (`MANIFEST_TOO_LARGE`).
    case tooLarge(bytes: Int, limit: Int)
    /// Not parseable YAML or JSON, or a document that is not a mapping. The message names the
    /// line and column when the position is known.
    case syntax(String)
    /// Every schema violation and publish-time rule failure, sorted by instance path.
    case invalid([ManifestProblem])

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): "manifest is \(bytes) bytes; the limit is \(limit)"
        case .syntax(let message): message
        case .invalid(let problems): problems.map(\.description).joined(separator: "; ")
        }
    }
}
