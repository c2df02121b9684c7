import JECPModels

/// Persistence for the Hub. Every method that moves money runs in exactly one database
/// transaction; implementations translate their driver's errors into ``StoreError`` so nothing
/// driver-specific leaks past this boundary.
public protocol HubStore: ProviderStore, RefundStore, WebhookStore, TopupStore {
    // MARK: Agents
    /// Inserts an agent; `.nameTaken` when the name is in use.
    func createAgent(_ agent: NewAgent) async throws(StoreError) -> AgentRecord
    func agent(id: String) async throws(StoreError) -> AgentRecord?
    /// Replaces the key, keeping the old one valid until `previousValidUntil` (nil: revoked now).
    /// Enforces at most `maximumPer24h` rotations in the trailing 24 hours, atomically.
    func rotateKey(agentID: String, newKeyHash: [UInt8], previousValidUntil: Int64?, maximumPer24h: Int, now: Int64)
        async throws(StoreError) -> RotationOutcome
    /// Operator changes; nil leaves a field unchanged.
    func updateAgent(id: String, tierFloor: TrustTier??, suspended: Bool?) async throws(StoreError) -> AgentRecord?

    // MARK: Money
    /// Credits a wallet from external funding once per idempotency key.
    func credit(_ credit: WalletCredit) async throws(StoreError) -> CreditOutcome
    /// Settles a successful invocation in one transaction: funding (free call or wallet debit with
    /// its 85/10/5 split), the invocation record, `total_calls`, and the idempotency record whose
    /// body `render` produces from the final billing. Nothing is written unless all of it is.
    func completeInvocation(_ invocation: CompletedInvocation, render: @escaping @Sendable (Billing) -> [UInt8])
        async throws(StoreError) -> CompletionOutcome
    /// The agent's wallet entries, newest first.
    func walletTransactions(agentID: String, before cursor: Int64?, limit: Int) async throws(StoreError) -> [WalletEntry]
    func ledgerSummary() async throws(StoreError) -> LedgerSummary
    /// Every invariant of the ledger; an empty list means all hold.
    func verifyLedger() async throws(StoreError) -> [LedgerViolation]

    // MARK: Webhook outbox
    // `credit` and `completeInvocation` emit their own events (`wallet.topped_up`,
    // `invocation.completed`, `wallet.low_balance`) inside their transactions.

    /// Writes an event that reports no money movement (a failed invocation), with a delivery for
    /// each active subscription that wants it; nothing when none does.
    func recordEvent(_ event: OutboxEvent) async throws(StoreError)

    // MARK: Idempotency
    func idempotencyRecord(agentID: String, key: String, now: Int64) async throws(StoreError) -> IdempotencyRecord?
    /// Deletes records that expired before `now`; returns how many.
    func purgeExpiredIdempotency(now: Int64) async throws(StoreError) -> Int

    // MARK: Artifacts
    /// Stores artifacts for URL delivery, all or none.
    func saveArtifacts(_ artifacts: [ArtifactRecord]) async throws(StoreError)
    /// The artifact if it exists and has not expired at `now`.
    func artifact(id: String, now: Int64) async throws(StoreError) -> ArtifactRecord?
    /// Deletes artifacts that expired before `now`; returns how many.
    func purgeExpiredArtifacts(now: Int64) async throws(StoreError) -> Int

    // MARK: Coordination
    // What every Hub node on one database must see alike. The embedded store keeps these in
    // process memory (one process owns the file); the PostgreSQL store keeps them in the database.

    /// Exact sliding-window check (spec 02 §6.5) for `key`; counts the request when allowed.
    func checkRate(key: String, limit: Int, windowSeconds: Double, now: Double) async throws(StoreError) -> RateDecision
    /// Records a provenance nonce for `ttlSeconds`; false when it was already recorded and has
    /// not expired (spec 02 §5.2 step 5). Check-and-record is atomic across nodes.
    func recordNonce(agentID: String, nonce: String, now: Int64, ttlSeconds: Int64) async throws(StoreError) -> Bool
    /// Claims the exclusive right to execute `(agent, key)` until `leaseUntil`, or answers with
    /// the stored response of an earlier completion, or says another holder is executing it.
    func claimRequest(agentID: String, key: String, now: Int64, leaseUntil: Int64) async throws(StoreError) -> RequestClaim
    /// Gives a claim back without a stored response (the request failed and charged nothing).
    func releaseRequest(agentID: String, key: String) async throws(StoreError)
    /// Deletes expired nonces, rate windows and claims; returns how many rows went.
    func purgeExpiredCoordination(now: Int64) async throws(StoreError) -> Int

    // MARK: Operations
    /// A cheap round trip proving the database answers.
    func ping() async throws(StoreError)
    /// Serves the store (its connection pools, if it has any) until graceful shutdown, then
    /// closes it. Listed before the HTTP server in the service group, so it stops after it.
    func run() async
    func close() async throws(StoreError)
    /// The store's own connection pools, one per lane, for `/health`; empty when it has none.
    var connectionPools: [ConnectionPoolStatus] { get }
}

extension HubStore {
    public var connectionPools: [ConnectionPoolStatus] { [] }
}

public struct ConnectionPoolStatus: Sendable, Equatable {
    public let lane: WorkLane
    public let size: Int
    /// Statements running or waiting for a connection of this pool right now.
    public let inFlight: Int

    public init(lane: WorkLane, size: Int, inFlight: Int) {
        self.lane = lane
        self.size = size
        self.inFlight = inFlight
    }
}

public enum RequestClaim: Sendable, Equatable {
    /// The caller owns the key until its lease ends or it settles or releases.
    case claimed
    /// Completed before: replay (or refuse, if the fingerprint differs) this record.
    case stored(IdempotencyRecord)
    /// Another request (on another node) holds the key until `leaseUntil`.
    case busy(leaseUntil: Int64)
}

public enum StoreError: Error, Sendable, Equatable {
    case nameTaken
    case notFound
    /// The database is unreachable, locked beyond the timeout, or failed; the message is for logs only.
    case unavailable(String)
}
