import Configuration
import JECPHubCore
import JECPStorePostgres
import JECPStoreSQLite
import Logging

/// `jecp-hub import-sqlite PATH`: copies an embedded Hub's SQLite file into the configured,
/// empty PostgreSQL database, table by table in batches; then runs every ledger invariant on the
/// result. Stop the embedded Hub first: the file must not change while it is read.
public func importSQLite(path: String, reader: ConfigReader, progress: @Sendable (String) -> Void) async throws -> [LedgerViolation] {
    let configuration = try HubConfiguration(reader: reader)
    guard let postgres = configuration.postgres else {
        throw HubConfiguration.Invalid(description: "import-sqlite writes into PostgreSQL: set DB_KIND=postgres and DB_POSTGRES_URL")
    }
    var logger = Logger(label: "jecp-hub.import")
    logger.logLevel = configuration.logLevel
    let source = try SQLiteStore(path: path, logger: logger)
    let target = try await PostgresStore(configuration: postgres, logger: logger)
    return try await target.serving {
        guard try await target.isEmpty() else {
            throw HubConfiguration.Invalid(description: "the PostgreSQL database already holds agents or ledger transactions; import into an empty one")
        }
        for table in TableBatch.tables {
            var offset = 0
            while true {
                let batch = try await source.exportBatch(table: table, offset: offset, limit: 2_000)
                offset += try await target.importBatch(batch)
                if batch.rows.count < 2_000 { break }
            }
            progress("\(table): \(offset) rows")
        }
        try await source.close()
        return try await target.verifyLedger()
    }
}
