import JECPHubCore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The store for several Hub nodes on one PostgreSQL database.
///
/// Four connection pools, one per ``WorkLane`` and separately sized, so a flood of slow reads
/// cannot take the connections `POST /v1/invoke` needs (the `/health` bulkhead). Nothing that
/// must hold across nodes lives in process memory: agents are read from the database on every
/// request, and idempotency claims, provenance nonces and rate windows are rows. Wallet balances
/// live on the agent's own row; hub, payment and provider accounts are append-only entries, so
/// two agents paying at once never wait on the same row.
public final class PostgresStore: HubStore {
    let configuration: PostgresStoreConfiguration
    let clients: [WorkLane: PostgresClient]
    let gauges: [WorkLane: Gauge]
    let logger: Logger
    /// This process, for the claims it takes; alive while it beats in `hub_nodes`.
    let nodeID = "node-" + UUID().uuidString.lowercased()

    /// Work in flight on one pool, for `/health`.
    final class Gauge: Sendable {
        let size: Int
        let inFlight = Atomic<Int>(0)
        init(size: Int) { self.size = size }
    }

    /// Migrates the database (under an advisory lock, so nodes starting together take turns),
    /// then builds the pools. The pools serve queries once ``run()`` is running.
    public init(configuration: PostgresStoreConfiguration, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        try await PostgresSchema.migrate(configuration: configuration, node: nodeID, logger: logger)
        let sizes: [WorkLane: Int] = [.invoke: configuration.pools.invoke, .read: configuration.pools.read,
                                      .provider: configuration.pools.provider, .background: configuration.pools.background]
        var clients: [WorkLane: PostgresClient] = [:]
        gauges = sizes.mapValues(Gauge.init(size:))
        for (lane, size) in sizes {
            var laneLogger = logger
            laneLogger[metadataKey: "jecp.pool"] = "\(lane.rawValue)"
            clients[lane] = PostgresClient(configuration: configuration.clientConfiguration(maximumConnections: size), backgroundLogger: laneLogger)
        }
        self.clients = clients
    }

    public var connectionPools: [ConnectionPoolStatus] {
        WorkLane.allCases.map { lane in
            ConnectionPoolStatus(lane: lane, size: gauges[lane]!.size, inFlight: gauges[lane]!.inFlight.load(ordering: .relaxed))
        }
    }

    /// The pool of the lane this task runs in, counted while `body` uses it.
    func withClient<T>(_ body: (PostgresClient) async throws -> T) async rethrows -> T {
        let lane = WorkLane.current
        let gauge = gauges[lane]!
        gauge.inFlight.add(1, ordering: .relaxed)
        defer { gauge.inFlight.subtract(1, ordering: .relaxed) }
        return try await body(clients[lane]!)
    }

    /// Runs the four pools until graceful shutdown (which each pool observes), after the HTTP
    /// server, listed later in the service group, has drained.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for client in clients.values {
                group.addTask { await client.run() }
            }
            group.addTask { await self.beat() }
        }
    }

    /// Marks this node alive four times per node timeout, until shutdown; a node that dies
    /// stops, and other nodes may take over its claims a timeout later.
    func beat() async {
        let interval = Duration.milliseconds(max(configuration.nodeTimeoutSeconds * 250, 100))
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await WorkLane.$current.withValue(.background) {
                        try await self.query("INSERT INTO hub_nodes (node_id, seen_at) VALUES (\(self.nodeID), now()) ON CONFLICT (node_id) DO UPDATE SET seen_at = now()")
                    }
                } catch {
                    self.logger.warning("node heartbeat failed", metadata: ["jecp.error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// Runs the pools while `body` runs: for tools and tests that use the store outside a service group.
    public func serving<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    public func close() async throws(StoreError) {}

    public func ping() async throws(StoreError) {
        _ = try await query("SELECT 1")
    }

    // MARK: Driver boundary

    /// One statement outside a transaction; all rows collected.
    func query(_ query: PostgresQuery) async throws(StoreError) -> [PostgresRow] {
        do {
            return try await withClient { client in try await client.query(query, logger: logger).collect() }
        } catch {
            throw translate(error)
        }
    }

    /// A transaction on one connection; a thrown error (including a ``Rollback``) rolls back.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        do {
            return try await withClient { client in try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            } }
        } catch let error as Rollback<T> {
            return error.value
        } catch let error as StoreError {
            throw error
        } catch {
            throw translate(error)
        }
    }

    /// Thrown inside ``transaction(_:)`` to roll back and still answer `value`.
    struct Rollback<T: Sendable>: Error {
        let value: T
    }

    func translate(_ error: any Error) -> StoreError {
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState] ?? "\(error.code)"
            logger.error("database error", metadata: ["jecp.error": "\(state) \(error.serverInfo?[.message] ?? "")"])
            return .unavailable("postgres \(state)")
        }
        logger.error("database error", metadata: ["jecp.error": "\(String(reflecting: error))"])
        return .unavailable(String(describing: type(of: error)))
    }
}

extension PostgresConnection {
    /// Runs one statement in the current transaction and collects its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
