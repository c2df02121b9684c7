import JECPHubCore
import JECPModels
import PostgresNIO

extension PostgresStore {
    /// Settles in one round trip when the agent's row is still what admission saw: one statement,
    /// `jecp_settle_with_events()` (`jecp_settle_at_snapshot()` and the call's outbox events), whose funding update is conditional on that snapshot (and on
    /// no stored response for the key) and which inserts the ledger transaction, its entries, the
    /// invocation and the idempotency record only if it matched; one statement is one implicit
    /// transaction, so all of it or none of it happens. The response was rendered beforehand.
    ///
    /// False when the row moved on (a concurrent call of the same agent, a credit, a stored
    /// response): the caller then settles in a transaction that re-reads the row.
    func settleAtSnapshot(_ invocation: CompletedInvocation, snapshot agent: AgentRecord, billing: Billing, body: [UInt8]) async throws(StoreError)
        -> Bool
    {
        let split = RevenueSplit(price: invocation.price)
        let event = MoneyEvents.invocationCompleted(invocation, billing: billing)
        let low = MoneyEvents.lowBalance(invocation, billing: billing)
        let query: PostgresQuery = """
            SELECT jecp_settle_with_events(
                \(agent.id), \(agent.balance.micros), \(agent.totalCalls), \(agent.freeCallsRemaining), \(agent.tierFloor?.rawValue),
                \(invocation.idempotencyKey), \(billing.method == .freeCall), \(billing.cost.micros), \(billing.transactionID),
                \(invocation.invocationID), \(invocation.requestID), \(invocation.capability), \(invocation.action), \(billing.method.rawValue),
                \(invocation.durationMilliseconds), \(invocation.now), \(ByteBuffer(bytes: invocation.fingerprint)), \(ByteBuffer(bytes: body)),
                \(invocation.idempotencyExpiresAt), \(LedgerAccount.wallet(agent.id).name), \(invocation.payee.name),
                \(invocation.payee.accountClass.rawValue), \(split.provider.micros), \(LedgerAccount.hubFees.name), \(split.hub.micros),
                \(LedgerAccount.paymentFees.name), \(split.payment.micros),
                \(invocation.payee.providerNamespace), \(event.id), \(ByteBuffer(bytes: event.payload)), \(low?.id), \(low.map { ByteBuffer(bytes: $0.payload) }))
            """
        do {
            let rows = try await withClient { client in try await client.query(query, logger: logger).collect() }
            return try rows.first?.decode(Bool.self) == true
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            return false  // a concurrent settlement of the same key won; the transaction path answers with it
        } catch {
            throw translate(error)
        }
    }
}
