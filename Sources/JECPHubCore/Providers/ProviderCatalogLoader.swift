import JECPManifest
import JECPModels
import JECPSchema
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps this node's ``ProviderDirectory`` in step with the store: reloads at once after a local
/// change, and polls the store's catalog revision so changes made on other nodes arrive within
/// `pollInterval`. Manifests never change once published, so each is parsed and its schemas
/// compiled once; a reload only re-groups them.
public final class ProviderCatalogLoader<Store: HubStore>: Service, Sendable {
    let store: Store
    let directory: ProviderDirectory
    let transport: any ProviderTransport
    let secrets: SecretBox
    let settings: HubSettings
    let pollInterval: Duration
    let logger: Logger
    /// Manifest id → parsed manifest and compiled actions.
    private let compiled = Mutex<[String: Compiled]>([:])
    /// One reload at a time, so an older snapshot never replaces a newer one.
    private let reloading = Mutex<Bool>(false)

    struct Compiled: Sendable {
        let manifest: Manifest
        let actions: [String: (input: CompiledSchema, output: CompiledSchema)]
    }

    public init(store: Store, directory: ProviderDirectory, transport: any ProviderTransport, secrets: SecretBox, settings: HubSettings,
                pollInterval: Duration = .seconds(2), logger: Logger) {
        self.store = store
        self.directory = directory
        self.transport = transport
        self.secrets = secrets
        self.settings = settings
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Loads the catalog first (a store's connections serve only once the service group runs), then
    /// polls for changes until shutdown.
    public func run() async throws {
        await reload()
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: self.pollInterval)
                    await self.reloadIfChanged()
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }

    func reloadIfChanged() async {
        do {
            let revision = try await store.catalogRevision()
            if revision != directory.snapshot.revision { await reload() }
        } catch {
            logger.warning("could not read the catalog revision; will retry", metadata: ["jecp.error": "\(error)"])
        }
    }

    /// Reads every provider and published manifest and installs the new directory.
    public func reload() async {
        // Concurrent callers wait their turn: the last one to run reads the newest state.
        while reloading.withLock({ busy in
            if busy { return true }
            busy = true
            return false
        }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
        defer { reloading.withLock { $0 = false } }
        do {
            let revision = try await store.catalogRevision()
            let providers = try await store.allProviders()
            let manifests = try await store.publishedManifests()
            directory.install(build(revision: revision, providers: providers, manifests: manifests))
        } catch {
            logger.error("could not load the provider catalog; serving the previous one", metadata: ["jecp.error": "\(error)"])
        }
    }

    func build(revision: Int64, providers: [ProviderRecord], manifests: [ManifestRecord]) -> ProviderDirectory.Snapshot {
        let byID = Dictionary(uniqueKeysWithValues: providers.map { ($0.id, $0) })
        var grouped: [String: [(record: ManifestRecord, parsed: Compiled, secret: String)]] = [:]
        var suspended: [String: Bool] = [:]
        for record in manifests {
            guard let provider = byID[record.providerID], let secret = secrets.open(provider.sealedSecret), let parsed = compiledManifest(record) else {
                continue
            }
            let key = record.namespace + "/" + record.capability
            suspended[key] = provider.status == .suspended
            grouped[key, default: []].append((record, parsed, secret))
        }
        var capabilities: [String: ProviderDirectory.Capability] = [:]
        for (key, members) in grouped {
            // A retired version without its own successor points at the newest active one.
            let newestActive = members.filter { $0.record.status == .active }.map(\.parsed.manifest.version).max()
            let versions = members.map { member in
                let version = member.parsed.manifest.version
                let fallback = newestActive.flatMap { $0 > version ? "\(key)@\($0)" : nil }
                return ProviderDirectory.Version(version: version, status: member.record.status,
                                                 entry: entry(member.record, member.parsed, secret: member.secret, defaultSuccessor: fallback),
                                                 manifestID: member.record.id)
            }
            capabilities[key] = ProviderDirectory.Capability(versions: versions.sorted { $0.version > $1.version }, suspended: suspended[key] ?? false)
        }
        return ProviderDirectory.Snapshot(revision: revision, capabilities: capabilities, namespaces: Set(providers.map(\.namespace)))
    }

    private func compiledManifest(_ record: ManifestRecord) -> Compiled? {
        if let cached = compiled.withLock({ $0[record.id] }) { return cached }
        do {
            let manifest = try ManifestParser(allowHTTPEndpoint: true).validate(try JSONValue(parsing: record.document))
            var actions: [String: (input: CompiledSchema, output: CompiledSchema)] = [:]
            for action in manifest.actions { actions[action.id] = try action.compileSchemas() }
            let entry = Compiled(manifest: manifest, actions: actions)
            compiled.withLock { $0[record.id] = entry }
            return entry
        } catch {
            logger.error("a stored manifest no longer validates; skipping it", metadata: ["jecp.manifest": "\(record.id)", "jecp.error": "\(error)"])
            return nil
        }
    }

    private func entry(_ record: ManifestRecord, _ parsed: Compiled, secret: String, defaultSuccessor: String?) -> CapabilityCatalog.Entry {
        let manifest = parsed.manifest
        let id = manifest.namespace + "/" + manifest.capability
        let deprecation = Self.deprecation(record, manifest).map { ($0.sunsetAt, $0.successor ?? defaultSuccessor) }
        let actions = manifest.actions.map { action in
            ActionDescriptor(
                name: action.id, description: action.description, price: action.price, trustTierRequired: action.trustTierRequired,
                rateLimitPerMinute: action.rateLimitPerMinute, inputSchema: action.inputSchema, outputSchema: action.outputSchema,
                examples: action.examples,
                deprecation: deprecation.map { Deprecation(sunsetAt: $0.0, successor: $0.1.map { "\($0)/\(action.id)" }) },
                timeoutSeconds: Double(action.timeoutMilliseconds) / 1000, streaming: action.streaming,
                composes: action.composes.flatMap { try? CompositeDefinition(manifest: $0) })
        }
        let descriptor = CapabilityDescriptor(name: manifest.capability, displayName: manifest.displayName, description: manifest.description,
                                              version: manifest.version.description, tags: manifest.tags, actions: actions)
        var resolved: [String: CapabilityCatalog.ResolvedAction] = [:]
        for action in actions {
            guard let schemas = parsed.actions[action.name] else { continue }
            resolved[action.name] = CapabilityCatalog.ResolvedAction(descriptor: action, inputSchema: schemas.input, outputSchema: schemas.output,
                                                                     artifacts: ArtifactField.fields(in: action.outputSchema))
        }
        let capability = ForwardedCapability(descriptor: descriptor, capabilityID: id, namespace: manifest.namespace, endpoint: manifest.endpoint,
                                             secret: secret, transport: transport, maximumReplyBytes: settings.maximumInlineResponseBytes,
                                             streamIdleTimeout: .seconds(settings.streamIdleTimeoutSeconds))
        return CapabilityCatalog.Entry(id: id, namespace: manifest.namespace, capability: capability, descriptor: descriptor, actions: resolved,
                                       providerAccount: .provider(manifest.namespace))
    }

    /// Sunset by the provider (`DELETE`) from the moment it happened; otherwise the manifest's own
    /// deprecation block. The successor is `namespace/capability@version` when the manifest names one.
    static func deprecation(_ record: ManifestRecord, _ manifest: Manifest) -> (sunsetAt: Int64, successor: String?)? {
        let successor = manifest.deprecation?.successorVersion.map { "\(manifest.namespace)/\(manifest.capability)@\($0)" }
        if record.status == .sunset { return (min(record.updatedAt, manifest.deprecation?.sunsetAt ?? record.updatedAt), successor) }
        if let block = manifest.deprecation, block.status != "active", let sunsetAt = block.sunsetAt { return (sunsetAt, successor) }
        return nil
    }
}

extension CompositeDefinition {
    init(manifest composes: Manifest.Composes) throws(JECPError) {
        try self.init(steps: composes.steps.map { Step(id: $0.id, call: $0.call, action: $0.action, input: $0.input) },
                      onStepFailure: FailurePolicy(rawValue: composes.onStepFailure) ?? .rollback,
                      timeoutTotalMilliseconds: composes.timeoutTotalMilliseconds, maxDepth: composes.maxDepth)
    }
}
