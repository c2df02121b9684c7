import JECPModels

/// Stripe Checkout top-ups (the `topups` table). Completing one is a money movement: one
/// database transaction, exactly once per session.
public protocol TopupStore: Sendable {
    // MARK: Stripe top-ups
    /// Records a session the Hub just created (status `open`), before its URL is handed out.
    func recordTopup(_ topup: NewTopup) async throws(StoreError)
    /// Credits a paid session in one transaction: the wallet credit from `external:stripe` (with
    /// its `wallet.topped_up` event) and the row marked `paid` with the payment intent and the
    /// ledger transaction. A session already paid moves nothing (`.alreadyPaid`), also when
    /// duplicates race; an unknown session or another agent than the row's moves nothing either.
    /// An `expired` or `failed` row is still credited: the signed event says the money arrived.
    func completeTopup(_ completion: TopupCompletion) async throws(StoreError) -> TopupOutcome
    /// Moves an `open` session to `expired` or `failed`; false when it was not open (a paid
    /// session stays paid, whatever order Stripe's events arrive in).
    func closeTopup(sessionID: String, status: TopupStatus, now: Int64) async throws(StoreError) -> Bool
    func topup(sessionID: String) async throws(StoreError) -> TopupRecord?
    /// The agent's sessions, newest first.
    func topups(agentID: String, limit: Int) async throws(StoreError) -> [TopupRecord]
}
