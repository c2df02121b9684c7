import Foundation
import JECPHubCore
import JECPStorePostgres
import JECPStoreSQLite
import JECPTestPostgres
import Logging
import Testing

/// PostgreSQL cases run on a throwaway cluster (see `TestPostgres`); they are skipped, loudly,
/// only where its binaries are missing outside CI.
extension StoreBackend {
    /// Runs `body` against a fresh, empty store of this kind, served for the duration.
    func withStore(_ body: (any HubStore) async throws -> Void) async throws {
        var logger = Logger(label: "jecp-store-test")
        logger.logLevel = .critical
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-store-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let store = try SQLiteStore(path: directory + "/hub.sqlite", logger: logger)
            try await body(store)
            try await store.close()
        case .postgres:
            let store = try await PostgresStore(configuration: try await Self.postgresConfiguration(), logger: logger)
            try await store.serving { try await body(store) }
        }
    }

    /// A new database on the test cluster, reached through its Unix socket.
    static func postgresConfiguration(pools: (invoke: Int, read: Int, provider: Int, background: Int) = (8, 4, 2, 2))
        async throws -> PostgresStoreConfiguration
    {
        let (server, database) = try await TestPostgres.shared.createDatabase()
        return PostgresStoreConfiguration(host: server.socketDirectory, port: server.port, username: server.user, password: nil,
                                          database: database, tls: .disable, pools: pools)
    }
}
