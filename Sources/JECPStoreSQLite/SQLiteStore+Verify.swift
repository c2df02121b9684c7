import GRDB
import JECPHubCore
import JECPModels

extension SQLiteStore {
    /// The invariants of DESIGN.md "Money and the ledger", each as one query over the whole ledger.
    public func verifyLedger() async throws(StoreError) -> [LedgerViolation] {
        try await read { db in
            var violations: [LedgerViolation] = []
            let globalSum = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(amount_micros), 0) FROM ledger_entries") ?? 0
            if globalSum != 0 {
                violations.append(.init(invariant: "global-sum-zero", detail: "all entries sum to \(Money(micros: globalSum)) USDC, not 0"))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT transaction_id, SUM(amount_micros) AS total FROM ledger_entries
                GROUP BY transaction_id HAVING SUM(amount_micros) != 0 LIMIT 50
                """)
            {
                let total: Int64 = row["total"]
                violations.append(.init(invariant: "transaction-sums-zero", detail: "transaction \(row["transaction_id"] as String) sums to \(Money(micros: total))"))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT id FROM ledger_transactions t WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id) LIMIT 50
                """)
            {
                violations.append(.init(invariant: "transaction-has-entries", detail: "transaction \(row["id"] as String) has no entries"))
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, balance_micros FROM agents WHERE balance_micros < 0 LIMIT 50") {
                let balance: Int64 = row["balance_micros"]
                violations.append(.init(invariant: "no-negative-wallet", detail: "agent \(row["id"] as String) has balance \(Money(micros: balance))"))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT a.id, a.balance_micros, COALESCE(SUM(e.amount_micros), 0) AS ledger
                FROM agents a LEFT JOIN ledger_entries e ON e.account = 'wallet:' || a.id
                GROUP BY a.id HAVING a.balance_micros != COALESCE(SUM(e.amount_micros), 0) LIMIT 50
                """)
            {
                let balance: Int64 = row["balance_micros"]
                let ledger: Int64 = row["ledger"]
                violations.append(.init(invariant: "wallet-matches-ledger",
                                        detail: "agent \(row["id"] as String) balance \(Money(micros: balance)) but its entries sum to \(Money(micros: ledger))"))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT t.id, COUNT(i.id) AS n FROM ledger_transactions t
                LEFT JOIN invocations i ON i.transaction_id = t.id AND i.status = 'completed'
                WHERE t.kind = 'charge' GROUP BY t.id HAVING COUNT(i.id) != 1 LIMIT 50
                """)
            {
                let count: Int = row["n"]
                violations.append(.init(invariant: "charge-has-one-invocation", detail: "charge \(row["id"] as String) has \(count) completed invocations"))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT i.id FROM invocations i
                LEFT JOIN ledger_transactions t ON t.id = i.transaction_id AND t.kind = 'charge'
                WHERE i.status = 'completed' AND i.price_micros > 0 AND i.method != 'free_call' AND t.id IS NULL LIMIT 50
                """)
            {
                violations.append(.init(invariant: "paid-invocation-has-charge", detail: "invocation \(row["id"] as String) was paid but has no charge"))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT i.id, i.price_micros, -e.amount_micros AS charged FROM invocations i
                JOIN ledger_entries e ON e.transaction_id = i.transaction_id AND e.account_class = 'wallet'
                WHERE i.price_micros != -e.amount_micros LIMIT 50
                """)
            {
                let price: Int64 = row["price_micros"]
                let charged: Int64 = row["charged"]
                violations.append(.init(invariant: "charge-equals-price",
                                        detail: "invocation \(row["id"] as String) priced \(Money(micros: price)) but charged \(Money(micros: charged))"))
            }
            return violations
        }
    }
}
