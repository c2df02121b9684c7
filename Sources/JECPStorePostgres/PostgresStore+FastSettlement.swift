import JECPHubCore
import JECPModels
import PostgresNIO

extension PostgresStore {
    /// Settles in one round trip when the agent's row is still what admission saw: one statement
    /// whose funding update is conditional on that snapshot (and on no stored response for the
    /// key), and whose ledger, invocation and idempotency inserts read from the update, so all of
    /// it or none of it happens, atomically. The response was rendered from the snapshot before.
    ///
    /// False when the row moved on (a concurrent call of the same agent, a credit, a stored
    /// response): the caller then settles in a transaction that re-reads the row.
    func settleAtSnapshot(_ invocation: CompletedInvocation, snapshot agent: AgentRecord, billing: Billing, body: [UInt8]) async throws(StoreError)
        -> Bool
    {
        let isFree = billing.method == .freeCall
        let paid = billing.transactionID != nil
        let price = billing.cost.micros
        let split = RevenueSplit(price: invocation.price)
        let tx = invocation.transactionID
        // Only a paid call names the ledger tables (a free call takes no lock on them); their
        // values are bound once, in `m` and `legs`, whichever statement text runs.
        let ledger = !paid ? "" : """
            t AS (
                INSERT INTO ledger_transactions (id, kind, agent_id, invocation_id, memo, capability, action, created_at)
                SELECT m.tx, 'charge', a.id, m.invocation, m.capability || '/' || m.action, m.capability, m.action, m.now FROM a, m
            ), e AS (
                INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros, balance_after_micros)
                SELECT m.tx, legs.account, legs.class, legs.amount, legs.after FROM a, m, legs WHERE legs.amount <> 0
            ),
            """
        let query: PostgresQuery = """
            WITH m AS (
                SELECT \(tx)::text AS tx, \(invocation.invocationID)::text AS invocation, \(invocation.capability)::text AS capability,
                       \(invocation.action)::text AS action, \(invocation.now)::bigint AS now
            ), legs (account, class, amount, after) AS (VALUES
                (\(LedgerAccount.wallet(agent.id).name), 'wallet', \(-price), \(billing.balanceAfter.micros)::bigint),
                (\(invocation.payee.name), \(invocation.payee.accountClass.rawValue), \(split.provider.micros), NULL),
                (\(LedgerAccount.hubFees.name), \(LedgerAccount.hubFees.accountClass.rawValue), \(split.hub.micros), NULL),
                (\(LedgerAccount.paymentFees.name), \(LedgerAccount.paymentFees.accountClass.rawValue), \(split.payment.micros), NULL)
            ), a AS (
                UPDATE agents SET free_calls_remaining = free_calls_remaining - \(isFree ? Int64(1) : 0),
                                  balance_micros = balance_micros - \(price), total_calls = total_calls + 1
                WHERE id = \(agent.id) AND balance_micros = \(agent.balance.micros) AND total_calls = \(agent.totalCalls)
                  AND free_calls_remaining = \(agent.freeCallsRemaining) AND tier_floor IS NOT DISTINCT FROM \(agent.tierFloor?.rawValue)
                  AND NOT EXISTS (SELECT 1 FROM idempotency_records r WHERE r.agent_id = \(agent.id) AND r.key = \(invocation.idempotencyKey))
                RETURNING id
            ), \(unescaped: ledger) i AS (
                INSERT INTO invocations (id, agent_id, request_id, capability, action, price_micros, method, transaction_id, status, duration_ms, created_at)
                SELECT m.invocation, a.id, \(invocation.requestID), m.capability, m.action, \(price), \(billing.method.rawValue),
                       \(billing.transactionID), 'completed', \(invocation.durationMilliseconds), m.now FROM a, m
            ), r AS (
                INSERT INTO idempotency_records (agent_id, key, fingerprint, status_code, body, created_at, expires_at)
                SELECT a.id, \(invocation.idempotencyKey), \(ByteBuffer(bytes: invocation.fingerprint)), 200, \(ByteBuffer(bytes: body)),
                       m.now, \(invocation.idempotencyExpiresAt) FROM a, m
            )
            SELECT COUNT(*)::integer FROM a
            """
        do {
            let rows = try await withClient { client in try await client.query(query, logger: logger).collect() }
            return try rows.first?.decode(Int32.self) == 1
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            return false  // a concurrent settlement of the same key won; the transaction path answers with it
        } catch {
            throw translate(error)
        }
    }
}
