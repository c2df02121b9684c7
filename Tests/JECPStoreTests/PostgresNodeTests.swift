import Foundation
import JECPHubCore
import JECPStorePostgres
import JECPTestPostgres
import Logging
import Testing

/// Claims across two nodes of one database: a live node's claim holds; a node that stopped
/// beating loses its claims after the node timeout, not only when their lease ends.
@Suite(.enabled(if: TestPostgres.isEnabled))
struct PostgresNodeTests {
    @Test func aDeadNodesClaimIsTakenOverAfterTheNodeTimeout() async throws {
        var configuration = try await StoreBackend.postgresConfiguration()
        configuration.nodeTimeoutSeconds = 1
        var logger = Logger(label: "jecp-node-test")
        logger.logLevel = .critical
        let now = Int64(Date().timeIntervalSince1970)
        let nodeA = try await PostgresStore(configuration: configuration, logger: logger)
        let nodeB = try await PostgresStore(configuration: configuration, logger: logger)
        try await nodeB.serving {
            // A beats while it serves: B cannot take its claim, even well past the node timeout.
            try await nodeA.serving {
                #expect(try await nodeA.claimRequest(agentID: "ag", key: "k", now: now, leaseUntil: now + 300) == .claimed)
                try await Task.sleep(for: .milliseconds(1_500))
                #expect(try await nodeB.claimRequest(agentID: "ag", key: "k", now: now, leaseUntil: now + 300) == .busy(leaseUntil: now + 300))
            }
            // A stopped (as if killed): a node timeout later its claim is B's, 5 minutes before its lease ends.
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(try await nodeB.claimRequest(agentID: "ag", key: "k", now: now, leaseUntil: now + 300) == .claimed)
        }
    }
}

/// Connection settings and what only PostgreSQL has: TCP with TLS preferred, purges from
/// several nodes at once, and no row that unrelated payments share.
@Suite(.enabled(if: TestPostgres.isEnabled))
struct PostgresConnectionTests {
    static var logger: Logger {
        var logger = Logger(label: "jecp-pg-test")
        logger.logLevel = .critical
        return logger
    }

    @Test func urlsParseAndConnectOverLoopbackTCP() async throws {
        let pools = (invoke: 2, read: 1, provider: 1, background: 1)
        let socket = try PostgresStoreConfiguration(url: "postgres://jecp:s3cret@%2Ftmp%2Fpg/hub?sslmode=disable", pools: pools)
        #expect(socket.host == "/tmp/pg" && socket.port == 5432 && socket.password == "s3cret" && socket.database == "hub" && socket.tls == .disable)
        #expect(!socket.redactedDescription.contains("s3cret"))
        #expect(try PostgresStoreConfiguration(url: "postgresql://app@db.internal:6432", pools: pools).database == "app")
        for bad in ["mysql://x@y/z", "postgres:///nohost", "postgres://host-without-user/db", "postgres://u@h/d?sslmode=maybe"] {
            #expect(throws: PostgresStoreConfiguration.Invalid.self) { try PostgresStoreConfiguration(url: bad, pools: pools) }
        }
        // TLS preferred against a server without TLS falls back to plain TCP on loopback.
        let (server, database) = try await TestPostgres.shared.createDatabase()
        let tcp = try PostgresStoreConfiguration(url: "postgres://\(server.user)@127.0.0.1:\(server.port)/\(database)?sslmode=prefer", pools: pools)
        let store = try await PostgresStore(configuration: tcp, logger: Self.logger)
        try await store.serving {
            try await store.ping()
            #expect(try await store.ledgerSummary().transactionCount == 0)
        }
    }

    @Test func purgesOnSeveralNodesAtOnceDeleteEachRowOnce() async throws {
        let configuration = try await StoreBackend.postgresConfiguration()
        let nodes = [try await PostgresStore(configuration: configuration, logger: Self.logger),
                     try await PostgresStore(configuration: configuration, logger: Self.logger)]
        try await nodes[0].serving {
            try await nodes[1].serving {
                let now: Int64 = 1_800_000_000
                _ = try await TestPostgres.shared.psql(database: configuration.database, """
                    INSERT INTO provenance_nonces (agent_id, nonce, expires_at) SELECT 'ag', 'n' || g, \(now) FROM generate_series(1, 12000) AS g
                    """)
                let purged = try await withThrowingTaskGroup(of: Int.self) { group in
                    for node in nodes + nodes { group.addTask { try await node.purgeExpiredCoordination(now: now + 10) } }
                    return try await group.reduce(0, +)
                }
                #expect(purged == 12_000)
            }
        }
    }
}
