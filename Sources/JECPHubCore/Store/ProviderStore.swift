import JECPModels

/// Persistence for providers and their manifests. Part of every ``HubStore``; split out because
/// it is its own concern (nothing here moves money).
public protocol ProviderStore: Sendable {
    /// Inserts a provider; `.nameTaken` when the namespace is in use.
    func createProvider(_ provider: NewProvider) async throws(StoreError) -> ProviderRecord
    func provider(id: String) async throws(StoreError) -> ProviderRecord?
    /// The provider whose current key, or previous key (the caller checks its grace), hashes to `keyHash`.
    func provider(keyHash: [UInt8]) async throws(StoreError) -> ProviderRecord?
    /// Every provider, oldest first.
    func allProviders() async throws(StoreError) -> [ProviderRecord]
    /// Operator and verification changes; nil leaves a field unchanged. Marking DNS verified
    /// activates the provider's submitted manifests in the same transaction.
    func updateProvider(id: String, status: ProviderStatus?, dnsVerifiedAt: Int64?, now: Int64) async throws(StoreError) -> ProviderRecord?
    /// As ``HubStore/rotateKey(agentID:newKeyHash:previousValidUntil:maximumPer24h:now:)`` for a provider.
    func rotateProviderKey(providerID: String, newKeyHash: [UInt8], previousValidUntil: Int64?, maximumPer24h: Int, now: Int64)
        async throws(StoreError) -> RotationOutcome
    /// Stores a published manifest; `.nameTaken` when `(namespace, capability, version)` exists.
    func insertManifest(_ manifest: ManifestRecord) async throws(StoreError)
    /// Every manifest a namespace ever published, newest first.
    func manifests(namespace: String) async throws(StoreError) -> [ManifestRecord]
    /// Manifests agents can reach or be told about: active, deprecated and sunset (not submitted).
    func publishedManifests() async throws(StoreError) -> [ManifestRecord]
    /// Moves one manifest to `status`; nil when it does not exist.
    func setManifestStatus(namespace: String, capability: String, version: String, status: ManifestStatus, now: Int64)
        async throws(StoreError) -> ManifestRecord?
    /// A number that changes whenever a provider or manifest changes: nodes poll it to know when
    /// to reload their catalog.
    func catalogRevision() async throws(StoreError) -> Int64
    /// Earnings of `namespace` per capability, action and UTC day since `since`, and the payable balance.
    func providerEarnings(namespace: String, since: Int64) async throws(StoreError) -> ProviderEarnings
    /// Successful calls of the namespace's capabilities.
    func providerCallCount(namespace: String) async throws(StoreError) -> Int64
}

public enum ProviderStatus: String, Sendable, CaseIterable {
    case active
    case suspended
}

public struct NewProvider: Sendable {
    public var id: String
    public var namespace: String
    public var displayName: String
    public var ownerEmail: String
    public var endpointURL: String
    public var country: String
    public var website: String?
    public var keyHash: [UInt8]
    /// The HMAC secret, sealed with the Hub's secret box (never stored in the clear).
    public var sealedSecret: [UInt8]
    public var dnsToken: String
    public var createdAt: Int64

    public init(id: String, namespace: String, displayName: String, ownerEmail: String, endpointURL: String, country: String, website: String?,
                keyHash: [UInt8], sealedSecret: [UInt8], dnsToken: String, createdAt: Int64) {
        self.id = id
        self.namespace = namespace
        self.displayName = displayName
        self.ownerEmail = ownerEmail
        self.endpointURL = endpointURL
        self.country = country
        self.website = website
        self.keyHash = keyHash
        self.sealedSecret = sealedSecret
        self.dnsToken = dnsToken
        self.createdAt = createdAt
    }
}

public struct ProviderRecord: Sendable, Equatable {
    public var id: String
    public var namespace: String
    public var displayName: String
    public var ownerEmail: String
    public var endpointURL: String
    public var country: String
    public var website: String?
    public var keyHash: [UInt8]
    public var previousKeyHash: [UInt8]?
    public var previousKeyValidUntil: Int64?
    public var sealedSecret: [UInt8]
    public var dnsToken: String
    public var dnsVerifiedAt: Int64?
    public var status: ProviderStatus
    public var createdAt: Int64

    public init(id: String, namespace: String, displayName: String, ownerEmail: String, endpointURL: String, country: String, website: String?,
                keyHash: [UInt8], previousKeyHash: [UInt8]?, previousKeyValidUntil: Int64?, sealedSecret: [UInt8], dnsToken: String,
                dnsVerifiedAt: Int64?, status: ProviderStatus, createdAt: Int64) {
        self.id = id
        self.namespace = namespace
        self.displayName = displayName
        self.ownerEmail = ownerEmail
        self.endpointURL = endpointURL
        self.country = country
        self.website = website
        self.keyHash = keyHash
        self.previousKeyHash = previousKeyHash
        self.previousKeyValidUntil = previousKeyValidUntil
        self.sealedSecret = sealedSecret
        self.dnsToken = dnsToken
        self.dnsVerifiedAt = dnsVerifiedAt
        self.status = status
        self.createdAt = createdAt
    }

    public var dnsVerified: Bool { dnsVerifiedAt != nil }
}

/// Spec 04 §8.5: submitted (waiting for DNS verification) → active → deprecated → sunset.
public enum ManifestStatus: String, Sendable, CaseIterable {
    case submitted
    case active
    case deprecated
    case sunset
}

public struct ManifestRecord: Sendable, Equatable {
    public var id: String
    public var providerID: String
    public var namespace: String
    public var capability: String
    public var version: String
    public var status: ManifestStatus
    /// The manifest as published, as JSON bytes (everything the schema allows survives).
    public var document: [UInt8]
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: String, providerID: String, namespace: String, capability: String, version: String, status: ManifestStatus,
                document: [UInt8], createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.providerID = providerID
        self.namespace = namespace
        self.capability = capability
        self.version = version
        self.status = status
        self.document = document
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct EarningsLine: Sendable, Equatable {
    /// `namespace/capability` as agents called it.
    public var capability: String
    public var action: String
    /// UTC day, `YYYY-MM-DD`.
    public var day: String
    /// Paid calls (charges) of the day.
    public var calls: Int64
    /// Net of the day: charges' shares less approved refunds' reversals (a refund lands on the day it was approved).
    public var amount: Money
    /// Refunds approved that day.
    public var refunds: Int64

    public init(capability: String, action: String, day: String, calls: Int64, amount: Money, refunds: Int64 = 0) {
        self.capability = capability
        self.action = action
        self.day = day
        self.calls = calls
        self.amount = amount
        self.refunds = refunds
    }
}

public struct ProviderEarnings: Sendable, Equatable {
    public var lines: [EarningsLine]
    /// Everything credited to the provider's payable account and not yet paid out.
    public var payable: Money

    public init(lines: [EarningsLine], payable: Money) {
        self.lines = lines
        self.payable = payable
    }
}
