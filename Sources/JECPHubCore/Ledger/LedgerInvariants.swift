import JECPModels

/// The invariants of DESIGN.md "Money and the ledger", each one SQL query over the whole ledger
/// that both stores run as written (portable SQL: `CAST`, no dialect casts). Each returns rows of
/// `(subject, a, b)` for the violations it finds, at most 50.
public struct LedgerInvariant: Sendable {
    public let name: String
    public let sql: String
    let describe: @Sendable (_ subject: String, _ a: Int64, _ b: Int64) -> String

    public func violation(subject: String, _ a: Int64, _ b: Int64) -> LedgerViolation {
        LedgerViolation(invariant: name, detail: describe(subject, a, b))
    }

    public static let all: [LedgerInvariant] = [
        .init(name: "global-sum-zero", sql: """
            SELECT 'ledger', total, CAST(0 AS BIGINT)
            FROM (SELECT CAST(COALESCE(SUM(amount_micros), 0) AS BIGINT) AS total FROM ledger_entries) AS sums WHERE total <> 0
            """) { _, total, _ in "all entries sum to \(Money(micros: total)) USDC, not 0" },
        .init(name: "transaction-sums-zero", sql: """
            SELECT transaction_id, CAST(SUM(amount_micros) AS BIGINT), CAST(0 AS BIGINT) FROM ledger_entries
            GROUP BY transaction_id HAVING SUM(amount_micros) <> 0 LIMIT 50
            """) { id, total, _ in "transaction \(id) sums to \(Money(micros: total))" },
        .init(name: "transaction-has-entries", sql: """
            SELECT id, CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM ledger_transactions t
            WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id) LIMIT 50
            """) { id, _, _ in "transaction \(id) has no entries" },
        .init(name: "no-negative-wallet", sql: """
            SELECT id, balance_micros, CAST(0 AS BIGINT) FROM agents WHERE balance_micros < 0 LIMIT 50
            """) { id, balance, _ in "agent \(id) has balance \(Money(micros: balance))" },
        .init(name: "wallet-matches-ledger", sql: """
            SELECT a.id, a.balance_micros, CAST(COALESCE(SUM(e.amount_micros), 0) AS BIGINT)
            FROM agents a LEFT JOIN ledger_entries e ON e.account = 'wallet:' || a.id
            GROUP BY a.id, a.balance_micros HAVING a.balance_micros <> COALESCE(SUM(e.amount_micros), 0) LIMIT 50
            """) { id, balance, ledger in "agent \(id) balance \(Money(micros: balance)) but its entries sum to \(Money(micros: ledger))" },
        .init(name: "charge-has-one-invocation", sql: """
            SELECT t.id, CAST(COUNT(i.id) AS BIGINT), CAST(0 AS BIGINT) FROM ledger_transactions t
            LEFT JOIN invocations i ON i.transaction_id = t.id AND i.status IN ('completed', 'refunded')
            WHERE t.kind = 'charge' GROUP BY t.id HAVING COUNT(i.id) <> 1 LIMIT 50
            """) { id, count, _ in "charge \(id) has \(count) completed or refunded invocations" },
        .init(name: "paid-invocation-has-charge", sql: """
            SELECT i.id, CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM invocations i
            LEFT JOIN ledger_transactions t ON t.id = i.transaction_id AND t.kind = 'charge'
            WHERE i.status IN ('completed', 'refunded') AND i.price_micros > 0 AND i.method <> 'free_call' AND t.id IS NULL LIMIT 50
            """) { id, _, _ in "invocation \(id) was paid but has no charge" },
        .init(name: "charge-equals-price", sql: """
            SELECT i.id, i.price_micros, CAST(-e.amount_micros AS BIGINT) FROM invocations i
            JOIN ledger_entries e ON e.transaction_id = i.transaction_id AND e.account_class = 'wallet'
            WHERE i.price_micros <> -e.amount_micros LIMIT 50
            """) { id, price, charged in "invocation \(id) priced \(Money(micros: price)) but charged \(Money(micros: charged))" },
        // Refunds: a `refund` transaction is keyed `refund:<charge id>` and negates every entry of that charge.
        .init(name: "refund-reverses-a-charge", sql: """
            SELECT r.id, CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM ledger_transactions r
            LEFT JOIN ledger_transactions c ON r.idempotency_key = 'refund:' || c.id AND c.kind = 'charge'
            WHERE r.kind = 'refund' AND c.id IS NULL LIMIT 50
            """) { id, _, _ in "refund \(id) does not name a charge in its key" },
        .init(name: "refund-mirrors-charge", sql: """
            SELECT legs.refund_id || ' ' || legs.account, CAST(SUM(legs.amount) AS BIGINT), CAST(SUM(legs.side) AS BIGINT) FROM (
                SELECT r.id AS refund_id, e.account AS account, e.amount_micros AS amount, 1 AS side
                FROM ledger_transactions r JOIN ledger_entries e ON e.transaction_id = r.id WHERE r.kind = 'refund'
                UNION ALL
                SELECT r.id, e.account, e.amount_micros, -1
                FROM ledger_transactions r JOIN ledger_transactions c ON r.idempotency_key = 'refund:' || c.id
                JOIN ledger_entries e ON e.transaction_id = c.id WHERE r.kind = 'refund'
            ) AS legs GROUP BY legs.refund_id, legs.account HAVING SUM(legs.amount) <> 0 OR SUM(legs.side) <> 0 LIMIT 50
            """) { subject, net, entries in
            "refund and charge differ on \(subject): net \(Money(micros: net)), entry count difference \(entries)"
        },
        .init(name: "refunded-invocation-has-one-refund", sql: """
            SELECT i.id, CAST(COUNT(r.id) AS BIGINT), CAST(0 AS BIGINT) FROM invocations i
            LEFT JOIN ledger_transactions r ON r.kind = 'refund' AND r.idempotency_key = 'refund:' || i.transaction_id
            WHERE i.status = 'refunded' GROUP BY i.id HAVING COUNT(r.id) <> 1 LIMIT 50
            """) { id, count, _ in "refunded invocation \(id) has \(count) refund transactions" },
        .init(name: "refund-marks-invocation-refunded", sql: """
            SELECT r.id, CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM ledger_transactions r
            JOIN ledger_transactions c ON r.idempotency_key = 'refund:' || c.id
            LEFT JOIN invocations i ON i.transaction_id = c.id AND i.status = 'refunded'
            WHERE r.kind = 'refund' AND i.id IS NULL LIMIT 50
            """) { id, _, _ in "refund \(id) reversed a charge whose invocation is not marked refunded" },
        // Stripe top-ups: a paid session and its credit (keyed `stripe:<session id>`) name each other.
        .init(name: "paid-topup-has-its-credit", sql: """
            SELECT p.session_id, CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM topups p
            LEFT JOIN ledger_transactions t ON t.id = p.transaction_id AND t.kind = 'credit' AND t.agent_id = p.agent_id
                AND t.idempotency_key = 'stripe:' || p.session_id
            WHERE p.status = 'paid' AND t.id IS NULL LIMIT 50
            """) { session, _, _ in "paid top-up \(session) has no credit of its own" },
        .init(name: "stripe-credit-has-paid-topup", sql: """
            SELECT t.id, CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM ledger_transactions t
            LEFT JOIN topups p ON t.idempotency_key = 'stripe:' || p.session_id AND p.status = 'paid' AND p.transaction_id = t.id
            WHERE t.idempotency_key LIKE 'stripe:%' AND p.session_id IS NULL LIMIT 50
            """) { id, _, _ in "Stripe credit \(id) belongs to no paid top-up" },
    ]
}
