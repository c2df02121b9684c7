import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// Two `jecp-hub` processes on one PostgreSQL database both run the delivery service: every event
/// reaches the receiver, and none twice (their leased claims never overlap).
@Suite(.enabled(if: TestPostgres.isEnabled))
struct WebhookMultiNodeTests {
    @Test func twoNodesDeliverEachEventOnce() async throws {
        let (server, database) = try await TestPostgres.shared.createDatabase()
        let environment = MultiNodeTests.postgresEnvironment(server: server, database: database).merging([
            "HTTP_PORT": "0", "LOG_LEVEL": "warning", "JECP_TEST_MODE": "true", "JECP_WEBHOOK_POLL_SECONDS": "0.05",
        ]) { $1 }
        async let first = MultiNodeTests.start(environment: environment)
        async let second = MultiNodeTests.start(environment: environment)
        let (processA, _, a) = try await first
        let (processB, _, b) = try await second
        defer {
            processA.terminate()
            processB.terminate()
        }
        let inbox = WebhookInbox()
        try await WebhookReceiver.serve(inbox) { port in
            let registered = try await a.send("POST", "/api/agent/register", json: ["name": "multi-node-hooks"])
            let headers = ["X-Agent-ID": try #require(registered.body["agent_id"]?.stringValue), "X-API-Key": try #require(registered.body["api_key"]?.stringValue)]
            let subscribed = try await b.send("POST", "/v1/subscriptions", json: [
                "endpoint_url": .string("http://127.0.0.1:\(port)/hooks/m"), "events": ["wallet.topped_up"],
            ], headers: headers)
            try #require(subscribed.status == 201, "\(subscribed.body)")
            await inbox.setSecret(try #require(subscribed.body["secret"]?.stringValue), for: "m")
            let admin = ["Authorization": "Bearer \(MultiNodeTests.adminToken)"]
            let agentID = headers["X-Agent-ID"]!
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<30 {
                    group.addTask {
                        let node = n % 2 == 0 ? a : b
                        let credited = try await node.send("POST", "/admin/v1/agents/\(agentID)/credit",
                                                           json: ["amount_usdc": 1, "reason": "multi-node hooks", "idempotency_key": .string("mn-\(n)")],
                                                           headers: admin)
                        #expect(credited.status == 201, "\(credited.body)")
                    }
                }
                try await group.waitForAll()
            }
            let events = await inbox.waitFor("m", count: 30, seconds: 30)
            try await Task.sleep(for: .milliseconds(500))
            #expect(Set(events.map(\.id)).count == 30)
            #expect(await inbox.events("m").count == 30, "an event was posted twice")
            #expect(await inbox.unverified == 0)
        }
    }
}
