import JECPHubCore
import JECPModels
import Logging

/// The services one Hub application uses, built once in ``buildApplication(reader:capabilities:logger:)``.
struct HubServices<Store: HubStore>: Sendable {
    let store: Store
    let settings: HubSettings
    let catalog: CapabilityCatalog
    let pipeline: InvokePipeline<Store>
    let agents: AgentService<Store>
    let admin: AdminService<Store>
    let providers: ProviderService<Store>
    let manifests: ManifestService<Store>
    let subscriptions: SubscriptionService<Store>
    let refunds: RefundService<Store>
    let topups: TopupService<Store>
    let walletSessions: WalletSessions
    let pools: HubPools
    let artifactSigner: ArtifactSigner
    let metrics: HubMetrics
    let startedAt: ContinuousClock.Instant
    let logger: Logger
}
