import Foundation
import GRDB
import JECPHubCore
import JECPModels
import Logging
import ServiceLifecycle
import Synchronization

/// The embedded store: one SQLite file in WAL mode through a GRDB `DatabasePool`.
///
/// Readers run concurrently; writes are serialized by SQLite, and each money movement is one
/// write transaction. Wallet balances live on the agent's own row (only that agent's calls touch
/// it); hub, payment and provider accounts are append-only entries whose balances are derived.
/// One Hub process owns the file (the agent cache, nonce cache and rate limiter assume it).
public final class SQLiteStore: HubStore {
    let pool: DatabasePool
    let logger: Logger
    let agents = AgentCache()
    let minuteLimiter = SlidingWindowLimiter(windowSeconds: 60)
    /// Other window lengths (the store contract tests use them).
    let limiters = Mutex<[Double: SlidingWindowLimiter]>([:])
    let nonces = NonceReplayCache()
    /// Idempotency claims: `agent \0 key` → lease end. A settled key's claim is dropped at once
    /// (its stored response answers from then on).
    let claims = Mutex<[String: Int64]>([:])
    /// Keys that may have a stored response; a new id skips the lookup.
    let storedKeys = StoredKeys()
    /// Paid and free calls settle through here, many to a transaction under load.
    let settlements: GroupCommit<PendingSettlement, (CompletionOutcome, AgentCache.Versioned?)>

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String, readers: Int = 8, logger: Logger) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = max(readers, 2)
        configuration.label = "jecp-hub"
        configuration.prepareDatabase { db in
            // FULL: a commit is on disk before the agent hears "completed"; money is never lost.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: path, configuration: configuration)
        self.pool = pool
        self.logger = logger
        self.settlements = GroupCommit(pool: pool, translate: { error in Self.translate(error, logger: logger) }) { db, pending in
            try Self.settle(db, pending.invocation, render: pending.render)
        }
        try SQLiteSchema.migrator.migrate(pool)
        let limit = agents.fillLimit
        agents.fill(try pool.read { db in try Self.fetchAllAgents(db, limit: limit) })
        storedKeys.fill(try pool.read { db in try Self.fetchStoredKeys(db) })
    }

    /// Runs a write transaction, translating driver errors at this boundary.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw translate(error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw translate(error)
        }
    }

    func translate(_ error: any Error) -> StoreError {
        Self.translate(error, logger: logger)
    }

    static func translate(_ error: any Error, logger: Logger) -> StoreError {
        logger.error("database error", metadata: ["jecp.error": "\(error)"])
        if let error = error as? DatabaseError { return .unavailable("sqlite \(error.resultCode)") }
        return .unavailable(String(describing: type(of: error)))
    }

    public func ping() async throws(StoreError) {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func run() async {
        try? await gracefulShutdown()
        do {
            try await close()
            logger.info("database closed")
        } catch {
            logger.error("closing the database failed", metadata: ["jecp.error": "\(error)"])
        }
    }

    public func close() async throws(StoreError) {
        do {
            try pool.close()
        } catch {
            throw translate(error)
        }
    }
}
