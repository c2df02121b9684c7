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
