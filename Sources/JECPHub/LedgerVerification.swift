import Configuration
import JECPHubCore
import JECPStoreSQLite
import Logging

/// `jecp-hub ledger verify`: checks every ledger invariant against the configured database.
public func verifyLedger(reader: ConfigReader) async throws -> [LedgerViolation] {
    let configuration = try HubConfiguration(reader: reader)
    var logger = Logger(label: "jecp-hub.verify")
    logger.logLevel = configuration.logLevel
    let store = try SQLiteStore(path: configuration.sqlitePath, logger: logger)
    let violations = try await store.verifyLedger()
    try await store.close()
    return violations
}
