import JECPHubCore
import PostgresNIO

extension PostgresStore {
    public func verifyLedger() async throws(StoreError) -> [LedgerViolation] {
        var violations: [LedgerViolation] = []
        for invariant in LedgerInvariant.all {
            let rows = try await query(PostgresQuery(unsafeSQL: invariant.sql))
            for row in rows {
                let (subject, a, b) = try decode { try row.decode((String, Int64, Int64).self) }
                violations.append(invariant.violation(subject: subject, a, b))
            }
        }
        return violations
    }
}
