import AsyncHTTPClient
import Configuration
import Foundation
import Hummingbird
import JECPBuiltins
import JECPHubCore
import JECPModels
import JECPOutbound
import JECPStorePostgres
import JECPStoreSQLite
import Logging
import ServiceLifecycle

/// What `buildApplication` reports about itself for the start-up banner.
public struct HubStartupInfo: Sendable {
    public let configuration: HubConfiguration
    public let adminTokenSource: String
}

/// Builds the whole Hub: configuration, store, services and routes. The only place that
/// constructs services.
///
/// `capabilities` nil serves the built-ins, with the language model from `jecp.llm.*` when one
/// is configured; an explicit list is served as given (and no model client is created).
public func buildApplication(
    reader: ConfigReader, capabilities: [any HubCapability]? = nil, logger: Logger? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> (application: some ApplicationProtocol, info: HubStartupInfo) {
    let configuration = try HubConfiguration(reader: reader)
    var logger = logger ?? Logger(label: "jecp-hub")
    logger.logLevel = configuration.logLevel

    if configuration.postgres != nil, configuration.keySecret == nil || configuration.adminToken == nil {
        // Every node must hash keys and sign artifact URLs alike, and accept the same operator.
        throw HubConfiguration.Invalid(description: "DB_KIND=postgres needs JECP_KEY_SECRET and JECP_ADMIN_TOKEN, the same on every node")
    }
    let directory = URL(fileURLWithPath: configuration.sqlitePath).deletingLastPathComponent().path
    let adminToken: String
    let adminTokenSource: String
    if let configured = configuration.adminToken {
        adminToken = configured
        adminTokenSource = "JECP_ADMIN_TOKEN"
    } else {
        let secret = try LocalSecrets.loadOrCreate("admin-token", in: directory)
        adminToken = secret.value
        adminTokenSource = secret.path
    }
    let keySecret = try configuration.keySecret ?? LocalSecrets.loadOrCreate("key-secret", in: directory).value

    let pools = HubPools(invoke: configuration.pools.invoke, read: configuration.pools.read,
                         provider: configuration.pools.provider, background: configuration.pools.background)
    let secrets = HubSecrets(adminToken: adminToken, keySecret: keySecret)
    if let postgres = configuration.postgres {
        let store = try await PostgresStore(configuration: postgres, logger: logger)
        return (try await assemble(store: store, pools: pools, secrets: secrets, configuration: configuration, capabilities: capabilities,
                                   logger: logger, onServerRunning: onServerRunning),
                HubStartupInfo(configuration: configuration, adminTokenSource: adminTokenSource))
    }
    let store = try SQLiteStore(path: configuration.sqlitePath, readers: pools.totalSize + 2, logger: logger)
    return (try await assemble(store: store, pools: pools, secrets: secrets, configuration: configuration, capabilities: capabilities,
                               logger: logger, onServerRunning: onServerRunning),
            HubStartupInfo(configuration: configuration, adminTokenSource: adminTokenSource))
}

struct HubSecrets {
    let adminToken: String
    let keySecret: String
}

/// Everything above the store, the same for every backend.
private func assemble<Store: HubStore>(
    store: Store, pools: HubPools, secrets: HubSecrets, configuration: HubConfiguration, capabilities: [any HubCapability]?,
    logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void
) async throws -> Application<RouterResponder<HubRequestContext>> {
    let settings = configuration.settings
    // One HTTP client for every model call, only when the built-ins will use it.
    let httpClient = capabilities == nil ? configuration.languageModel.map {
        HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: $0.httpClientConfiguration, backgroundActivityLogger: logger)
    } : nil
    let catalog: CapabilityCatalog
    do {
        let languageModel = httpClient.flatMap { client in configuration.languageModel?.makeEngine(httpClient: client) }
        catalog = try CapabilityCatalog(operatorNamespace: settings.operatorNamespace,
                                        capabilities: capabilities ?? Builtins.capabilities(languageModel: languageModel))
    } catch {
        try? await httpClient?.shutdown()
        throw error
    }
    let hasher = KeyHasher(secret: Array(secrets.keySecret.utf8))
    let artifactSigner = ArtifactSigner(secret: Array(secrets.keySecret.utf8))
    let secretBox = SecretBox(keySecret: Array(secrets.keySecret.utf8))
    let resolver = DNSResolver(servers: configuration.dnsServers, timeout: .milliseconds(Int64(configuration.dnsTimeoutSeconds * 1000)))
    let outbound = PinnedHTTPClient(logger: logger)
    let urlGuard = URLGuard(policy: settings.testMode ? .testMode : .production, resolver: resolver)
    let transport = OutboundProviderTransport(urlGuard: urlGuard, resolver: resolver, client: outbound)
    let metrics = HubMetrics()
    let webhookDelivery = WebhookDeliveryService(store: store, transport: OutboundWebhookTransport(urlGuard: urlGuard, client: outbound),
                                                 secrets: secretBox, policy: configuration.webhooks, logger: logger,
                                                 observe: { metrics.recordWebhookAttempt($0) })
    let providerCatalog = ProviderCatalogLoader(store: store, directory: catalog.providers, transport: transport, secrets: secretBox,
                                                settings: settings, pollInterval: .seconds(configuration.catalogPollSeconds), logger: logger)
    let catalogChanged: @Sendable () async -> Void = { await providerCatalog.reload() }
    // Stripe's API is the operator's choice of URL, not a user's: a plain client, redirects off.
    let stripeClient = configuration.stripe.map { _ in
        HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                   configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(30))),
                   backgroundActivityLogger: logger)
    }
    var stripe: TopupService<Store>.Stripe?
    if let configured = configuration.stripe, let stripeClient {
        stripe = .init(gateway: StripeCheckoutClient(client: stripeClient, apiBase: configured.apiBase, secretKey: configured.secretKey),
                       webhookSecret: configured.webhookSecret)
    }
    let services = HubServices(
        store: store, settings: settings, catalog: catalog,
        pipeline: InvokePipeline(store: store, catalog: catalog, settings: settings, hasher: hasher,
                                 inflight: InflightRequests(), artifactSigner: artifactSigner, logger: logger),
        agents: AgentService(store: store, settings: settings, hasher: hasher),
        admin: AdminService(store: store, adminToken: secrets.adminToken),
        providers: ProviderService(store: store, settings: settings, hasher: hasher, secrets: secretBox, transport: transport,
                                   catalogChanged: catalogChanged),
        manifests: ManifestService(store: store, catalog: catalog, settings: settings, transport: transport, catalogChanged: catalogChanged),
        subscriptions: SubscriptionService(store: store, settings: settings, policy: configuration.webhooks, secrets: secretBox, transport: transport),
        refunds: RefundService(store: store, settings: settings, transport: transport),
        topups: TopupService(store: store, settings: settings, stripe: stripe, logger: logger),
        walletSessions: WalletSessions(keySecret: Array(secrets.keySecret.utf8), secure: configuration.isHTTPS),
        pools: pools, artifactSigner: artifactSigner, metrics: metrics, startedAt: .now, logger: logger)

    let router = buildRouter(services: services, hsts: configuration.isHTTPS)
    // Connections idle for 60 s are closed (slow-loris defense; a 408 for slow bodies is still to do).
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(60))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "jecp-swift"),
        services: [StoreLifecycle(store: store), ExpiryPurgeService(store: store, logger: logger), providerCatalog,
                   // Services stop in reverse order: deliveries in flight finish before the client shuts down.
                   OutboundLifecycle(client: outbound, logger: logger), webhookDelivery,
                   RefundAutoApprovalService(refunds: services.refunds, interval: .seconds(configuration.refundSweepSeconds), logger: logger)]
            + (httpClient.map { [HTTPClientLifecycle(client: $0, logger: logger)] } ?? [])
            + (stripeClient.map { [HTTPClientLifecycle(client: $0, logger: logger, purpose: "Stripe")] } ?? []),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// All routes, with the error middleware outermost.
func buildRouter<Store: HubStore>(services: HubServices<Store>, hsts: Bool) -> Router<HubRequestContext> {
    let router = Router(context: HubRequestContext.self)
    router.add(middleware: JECPErrorMiddleware(settings: services.settings, metrics: services.metrics, hsts: hsts))
    InvokeController(services: services).register(with: router)
    AgentController(services: services).register(with: router)
    AdminController(services: services).register(with: router)
    ProviderController(services: services).register(with: router)
    SubscriptionController(services: services).register(with: router)
    RefundController(services: services).register(with: router)
    TopupController(services: services).register(with: router)
    WalletController(services: services).register(with: router)
    DiscoveryController(services: services).register(with: router)
    OperationsController(services: services).register(with: router)
    ArtifactController(services: services).register(with: router)
    return router
}

/// Keeps the database open while the server runs and closes it after the server has drained
/// (services stop in reverse order, and the HTTP server is the last one listed).
struct StoreLifecycle<Store: HubStore>: Service {
    let store: Store

    func run() async {
        await store.run()
    }
}

/// Shuts the provider client down once the server has drained (in-flight forwarded calls finish first).
struct OutboundLifecycle: Service {
    let client: PinnedHTTPClient
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try await client.shutdown()
        } catch {
            logger.error("shutting down the provider client failed", metadata: ["jecp.error": "\(error)"])
        }
    }
}

/// Shuts an HTTP client (the model's, Stripe's) down once the server has drained (services stop
/// in reverse order, so in-flight calls finish first).
struct HTTPClientLifecycle: Service {
    let client: HTTPClient
    let logger: Logger
    var purpose = "language model"

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try await client.shutdown()
            logger.debug("\(purpose) client shut down")
        } catch {
            logger.error("shutting down the \(purpose) client failed", metadata: ["jecp.error": "\(error)"])
        }
    }
}
