import Configuration
import Foundation
import JECPHub
import JECPModels
import JECPTestPostgres
import Testing

/// Two `jecp-hub` processes on one PostgreSQL database both run the auto-approval service: every
/// unanswered refund is approved, and reversed exactly once.
@Suite(.enabled(if: TestPostgres.isEnabled))
struct RefundMultiNodeTests {
    @Test func twoNodesAutoApproveEachRefundOnce() async throws {
        let (server, database) = try await TestPostgres.shared.createDatabase()
        let environment = MultiNodeTests.postgresEnvironment(server: server, database: database).merging([
            "HTTP_PORT": "0", "LOG_LEVEL": "warning", "JECP_FREE_CALLS": "0", "JECP_REFUND_AUTO_APPROVE_HOURS": "0",
            "JECP_REFUND_SWEEP_SECONDS": "0.05", "JECP_REFUND_DAILY_CAP": "100",
        ]) { $1 }
        async let first = MultiNodeTests.start(environment: environment)
        async let second = MultiNodeTests.start(environment: environment)
        let (processA, _, a) = try await first
        let (processB, _, b) = try await second
        defer {
            processA.terminate()
            processB.terminate()
        }
        let registered = try await a.send("POST", "/api/agent/register", json: ["name": "multi-node-refunds"])
        let agentID = try #require(registered.body["agent_id"]?.stringValue)
        let headers = ["X-Agent-ID": agentID, "X-API-Key": try #require(registered.body["api_key"]?.stringValue)]
        let credited = try await b.send("POST", "/admin/v1/agents/\(agentID)/credit",
                                        json: ["amount_usdc": 1, "reason": "multi-node refunds", "idempotency_key": "mn-refunds"],
                                        headers: ["Authorization": "Bearer \(MultiNodeTests.adminToken)"])
        try #require(credited.status == 201, "\(credited.body)")
        let count = 8  // under the bronze tier's 10 calls a minute
        for n in 0..<count {
            let node = n % 2 == 0 ? a : b
            let call = try await node.send("POST", "/v1/invoke", json: [
                "jecp": "1.0", "id": .string("mn-refund-\(n)"), "capability": "content-factory", "action": "text-stats", "input": ["text": "Refund me."],
            ], headers: headers)
            let transaction = try #require(call.body["billing"]?["transaction_id"]?.stringValue, "\(call.body)")
            let refund = try await node.send("POST", "/v1/refunds", json: ["transaction_id": .string(transaction), "reason": "test"], headers: headers)
            #expect(refund.status == 201, "\(refund.body)")
        }
        var approved = 0
        for _ in 0..<200 where approved < count {
            approved = try await a.send("GET", "/v1/refunds?status=approved&limit=100", headers: headers).body["refunds"]?.arrayValue?.count ?? 0
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(approved == count)
        try await Task.sleep(for: .milliseconds(300))  // both nodes swept again: nothing more may move
        #expect(try await TestPostgres.shared.psql(database: database, "SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'refund'") == "\(count)")
        #expect(try await a.send("GET", "/v1/agents/me", headers: headers).body["balance_usdc"]?.numberValue?.text == "1")
        let reader = ConfigReader(provider: InMemoryProvider(values: [
            "db.kind": "postgres", "db.postgres.host": .init(.string(server.socketDirectory), isSecret: false),
            "db.postgres.port": .init(.int(server.port), isSecret: false), "db.postgres.user": .init(.string(server.user), isSecret: false),
            "db.postgres.database": .init(.string(database), isSecret: false), "db.postgres.tls": "disable", "log.level": "error",
        ]))
        let violations = try await verifyLedger(reader: reader)
        #expect(violations.isEmpty, "\(violations)")
    }
}
