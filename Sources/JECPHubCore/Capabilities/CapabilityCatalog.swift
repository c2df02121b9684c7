import JECPModels
import JECPSchema

/// The capabilities this Hub serves, resolved and with their schemas compiled once.
public final class CapabilityCatalog: Sendable {
    public struct Entry: Sendable {
        /// The fully qualified id, `<namespace>/<name>`.
        public let id: String
        public let namespace: String
        public let capability: any HubCapability
        public let descriptor: CapabilityDescriptor
        public let actions: [String: ResolvedAction]
        public let providerAccount: LedgerAccount
    }

    public struct ResolvedAction: Sendable {
        public let descriptor: ActionDescriptor
        public let inputSchema: CompiledSchema
        public let outputSchema: CompiledSchema
        /// Base64 properties of the output, which `delivery.format = url` turns into signed URLs.
        public let artifacts: [ArtifactField]
    }

    public let operatorNamespace: String
    /// Capabilities published by providers, reloaded as they change.
    public let providers = ProviderDirectory()
    /// Keyed by plain name (Hub-operated capabilities are reachable as `name` and `<operator>/name`).
    private let byName: [String: Entry]
    public let entries: [Entry]

    public init(operatorNamespace: String, capabilities: [any HubCapability]) throws {
        self.operatorNamespace = operatorNamespace
        var byName: [String: Entry] = [:]
        var entries: [Entry] = []
        for capability in capabilities {
            let descriptor = capability.descriptor
            var actions: [String: ResolvedAction] = [:]
            for action in descriptor.actions {
                do {
                    actions[action.name] = ResolvedAction(
                        descriptor: action,
                        inputSchema: try CompiledSchema(action.inputSchema, formatAssertion: true),
                        outputSchema: try CompiledSchema(action.outputSchema, formatAssertion: false),
                        artifacts: ArtifactField.fields(in: action.outputSchema))
                } catch {
                    throw CatalogError(message: "\(descriptor.name)/\(action.name): invalid schema: \(error.message)")
                }
            }
            guard byName[descriptor.name] == nil else { throw CatalogError(message: "duplicate capability \(descriptor.name)") }
            let entry = Entry(id: "\(operatorNamespace)/\(descriptor.name)", namespace: operatorNamespace, capability: capability,
                              descriptor: descriptor, actions: actions, providerAccount: .provider(operatorNamespace))
            byName[descriptor.name] = entry
            entries.append(entry)
        }
        self.byName = byName
        self.entries = entries.sorted { $0.id < $1.id }
        try validateComposites()
    }

    public struct CatalogError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Spec 01 §3.4: `name` resolves to a Hub-operated capability; `<namespace>/<name>` (optionally
    /// `@<semver>`) to the provider under that namespace.
    public func resolve(_ capability: String) -> Result<Entry, JECPError> {
        if let slash = capability.firstIndex(of: "/") {
            let namespace = String(capability[..<slash])
            let name = String(capability[capability.index(after: slash)...])
            guard namespace == operatorNamespace else {
                return providers.resolve(namespace: namespace, name: name, capabilityID: capability)
            }
            guard let entry = byName[name] else {
                return .failure(JECPError(.capabilityNotFound, "Capability '\(capability)' does not exist on this Hub.",
                                          details: ["capability": .string(capability)]))
            }
            return .success(entry)
        }
        guard let entry = byName[capability] else {
            return .failure(JECPError(.capabilityNotFound, "Capability '\(capability)' does not exist on this Hub.",
                                      details: ["capability": .string(capability)]))
        }
        return .success(entry)
    }

    /// Lookup by public id (`name` or `namespace/name`) for the discovery routes.
    public func entry(id: String) -> Entry? { try? resolve(id).get() }

    /// Hub-operated capabilities, then the latest version of every provider capability.
    public var allEntries: [Entry] { entries + providers.latestEntries.map(\.entry) }

    /// `capability/action` ids that accept `delivery.mode = stream`.
    public var streamingActions: [String] {
        allEntries.flatMap { entry in
            entry.descriptor.actions.filter(\.streaming).map { "\(entry.namespace == operatorNamespace ? entry.descriptor.name : entry.id)/\($0.name)" }
        }
    }

    /// Capabilities with at least one action usable at `tier`.
    public func usable(at tier: TrustTier) -> [Entry] {
        allEntries.filter { entry in entry.descriptor.actions.contains { $0.trustTierRequired <= tier } }
    }
}
