import JECPModels

/// Persistence for the Hub. Every method that moves money runs in exactly one database
/// transaction; implementations translate their driver's errors into ``StoreError`` so nothing
/// driver-specific leaks past this boundary.
public protocol HubStore: Sendable {
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

    // MARK: Operations
    /// A cheap round trip proving the database answers.
    func ping() async throws(StoreError)
    func close() async throws(StoreError)
}

public enum StoreError: Error, Sendable, Equatable {
    case nameTaken
    case notFound
    /// The database is unreachable, locked beyond the timeout, or failed; the message is for logs only.
    case unavailable(String)
}
