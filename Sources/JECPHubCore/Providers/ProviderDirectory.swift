import JECPManifest
import JECPModels
import Synchronization

/// The provider capabilities this node serves: every published manifest, compiled, grouped by
/// `namespace/capability` with versions highest first. Replaced whole on every reload, so a
/// lookup on the hot path is one lock and two dictionary reads.
public final class ProviderDirectory: Sendable {
    public struct Version: Sendable {
        public let version: SemanticVersion
        public let status: ManifestStatus
        public let entry: CapabilityCatalog.Entry
        public let manifestID: String
    }

    public struct Capability: Sendable {
        /// Highest version first.
        public let versions: [Version]
        public let suspended: Bool

        /// Spec 04 §7.2: the highest active version; failing that the highest deprecated one, then
        /// the highest sunset one (which answers 410 with its successor).
        public var latest: Version? {
            versions.first { $0.status == .active } ?? versions.first { $0.status == .deprecated } ?? versions.first
        }
    }

    public struct Snapshot: Sendable {
        public var revision: Int64
        /// `namespace/capability` → its versions.
        public var capabilities: [String: Capability]
        /// Every registered namespace, with or without published capabilities.
        public var namespaces: Set<String>

        /// -1 until the first load.
        public init(revision: Int64 = -1, capabilities: [String: Capability] = [:], namespaces: Set<String> = []) {
            self.revision = revision
            self.capabilities = capabilities
            self.namespaces = namespaces
        }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func install(_ snapshot: Snapshot) {
        state.withLock { $0 = snapshot }
    }

    /// `namespace/name` or `namespace/name@1.2.3`.
    func resolve(namespace: String, name: String, capabilityID: String) -> Result<CapabilityCatalog.Entry, JECPError> {
        var base = name
        var pinned: SemanticVersion?
        if let at = name.firstIndex(of: "@") {
            base = String(name[..<at])
            guard let version = SemanticVersion(String(name[name.index(after: at)...])) else {
                return .failure(JECPError(.capabilityNotFound, "'\(capabilityID)' pins a version that is not semver MAJOR.MINOR.PATCH.",
                                          details: ["capability": .string(capabilityID)]))
            }
            pinned = version
        }
        let (capability, known, loaded) = state.withLock {
            ($0.capabilities[namespace + "/" + base], $0.namespaces.contains(namespace), $0.revision >= 0)
        }
        guard loaded else {
            return .failure(JECPError(.serviceDegraded, "The Hub is still loading its provider catalog; retry in a second.",
                                      details: ["reason": "catalog_loading", "retry_after_seconds": 1], headers: [("Retry-After", "1")]))
        }
        guard known else {
            return .failure(JECPError(.providerNotFound, "No provider is registered under the namespace '\(namespace)'.",
                                      details: ["capability": .string(capabilityID), "namespace": .string(namespace)]))
        }
        guard let capability, let chosen = pinned.map({ version in capability.versions.first { $0.version == version } }) ?? capability.latest else {
            return .failure(JECPError(.capabilityNotFound, "Capability '\(capabilityID)' does not exist on this Hub.",
                                      details: ["capability": .string(capabilityID),
                                                "versions": .array(capability?.versions.map { .string($0.version.description) } ?? [])]))
        }
        guard !capability.suspended else {
            return .failure(JECPError(.providerUnavailable, "The provider of '\(namespace)/\(base)' is suspended by the Hub operator; nothing was charged.",
                                      details: ["capability": .string(capabilityID), "namespace": .string(namespace), "reason": "provider_suspended"]))
        }
        return .success(chosen.entry)
    }

    /// The version `resolve` picks without a pin, per capability, for discovery (suspended providers left out).
    public var latestEntries: [Version] {
        state.withLock { snapshot in
            snapshot.capabilities.values.filter { !$0.suspended }.compactMap(\.latest).filter { $0.status != .sunset }
        }.sorted { $0.entry.id < $1.entry.id }
    }
}
