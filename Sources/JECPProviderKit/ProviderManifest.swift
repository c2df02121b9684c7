import Foundation
import JECPModels

/// A provider's manifest (`jecp.yaml`, spec 04 §5). Coding keys are the schema's snake_case, so a
/// plain `JSONEncoder` produces a document for `schemas/v1/manifest.schema.json`; optional fields
/// left nil are omitted. The types do not check the schema's patterns and limits: validate the
/// encoded manifest (the Hub does so on publish).
public struct ProviderManifest: Codable, Sendable, Equatable {
    /// `^[a-z][a-z0-9-]{2,31}$`.
    public var namespace: String
    public var displayName: String
    /// `^[a-z][a-z0-9-]{2,63}$`.
    public var capability: String
    /// Semver `MAJOR.MINOR.PATCH`.
    public var version: String
    /// At most 500 characters.
    public var description: String
    /// The https URL the Hub forwards calls to.
    public var endpoint: String
    public var website: String?
    public var supportEmail: String?
    public var documentation: String?
    public var logoURL: String?
    /// At most 8, each at most 32 characters.
    public var tags: [String]?
    /// Capability-level flag, kept for older Hubs; `Action.streaming` is the authoritative one.
    public var streaming: Bool?
    public var authentication: Authentication?
    public var actions: [Action]
    public var compliance: Compliance?
    public var billing: Billing?
    public var deprecation: Deprecation?
    public var metadata: [String: JSONValue]?
    public var extensions: [String: JSONValue]?

    public init(
        namespace: String, displayName: String, capability: String, version: String, description: String,
        endpoint: String, website: String? = nil, supportEmail: String? = nil, documentation: String? = nil,
        logoURL: String? = nil, tags: [String]? = nil, streaming: Bool? = nil, authentication: Authentication? = nil,
        actions: [Action], compliance: Compliance? = nil, billing: Billing? = nil, deprecation: Deprecation? = nil,
        metadata: [String: JSONValue]? = nil, extensions: [String: JSONValue]? = nil
    ) {
        self.namespace = namespace
        self.displayName = displayName
        self.capability = capability
        self.version = version
        self.description = description
        self.endpoint = endpoint
        self.website = website
        self.supportEmail = supportEmail
        self.documentation = documentation
        self.logoURL = logoURL
        self.tags = tags
        self.streaming = streaming
        self.authentication = authentication
        self.actions = actions
        self.compliance = compliance
        self.billing = billing
        self.deprecation = deprecation
        self.metadata = metadata
        self.extensions = extensions
    }

    enum CodingKeys: String, CodingKey {
        case namespace, capability, version, description, endpoint, website, documentation, tags, streaming
        case authentication, actions, compliance, billing, deprecation, metadata, extensions
        case displayName = "display_name"
        case supportEmail = "support_email"
        case logoURL = "logo_url"
    }

    /// The manifest as JSON: keys sorted, slashes unescaped; pretty-printed for people.
    public func jsonData(prettyPrinted: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The manifest as a JSON tree, e.g. to validate it against the manifest schema.
    public func jsonValue() throws -> JSONValue {
        try JSONValue(parsing: Array(jsonData()))
    }

    /// Reads a manifest written in JSON (YAML needs converting first).
    public init(json: some Collection<UInt8>) throws {
        self = try JSONDecoder().decode(ProviderManifest.self, from: Data(json))
    }
}
