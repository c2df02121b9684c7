import GRDB
import JECPHubCore

extension SQLiteStore {
    public func verifyLedger() async throws(StoreError) -> [LedgerViolation] {
        try await read { db in
            try LedgerInvariant.all.flatMap { invariant in
                try Row.fetchAll(db, sql: invariant.sql).map { row in invariant.violation(subject: row[0], row[1], row[2]) }
            }
        }
    }
}
