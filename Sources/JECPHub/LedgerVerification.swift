import Configuration
import JECPHubCore
import JECPStorePostgres
import JECPStoreSQLite
import Logging

/// `jecp-hub ledger verify`: checks every ledger invariant against the configured database.
public func verifyLedger(reader: ConfigReader) async throws -> [LedgerViolation] {
    try await withConfiguredStore(reader: reader, label: "jecp-hub.verify") { store in try await store.verifyLedger() }
}

/// `jecp-hub migrate`: brings the configured database's schema up to date and stops. (The Hub
/// migrates on start too; this lets an operator do it first, once, before rolling nodes.)
public func migrateDatabase(reader: ConfigReader) async throws {
    try await withConfiguredStore(reader: reader, label: "jecp-hub.migrate") { _ in }
}

/// Opens the store `DB_KIND` names (migrating it), serves it while `body` runs, then closes it.
func withConfiguredStore<T: Sendable>(reader: ConfigReader, label: String, _ body: @Sendable (any HubStore) async throws -> T) async throws -> T {
    let configuration = try HubConfiguration(reader: reader)
    var logger = Logger(label: label)
    logger.logLevel = configuration.logLevel
    if let postgres = configuration.postgres {
        let store = try await PostgresStore(configuration: postgres, logger: logger)
        return try await store.serving { try await body(store) }
    }
    let store = try SQLiteStore(path: configuration.sqlitePath, logger: logger)
    let result = try await body(store)
    try await store.close()
    return result
}
