import Foundation
import GRDB
import JECPModels
import Synchronization
import Testing

/// SIGTERM under paid load on the real `jecp-hub` process: requests already running finish with
/// their answer, the process exits 0, and the ledger holds exactly the charges whose success the
/// agents heard: none executed and charged with its response lost in the shutdown.
@Suite struct GracefulShutdownTests {
    /// One call as its agent saw it.
    struct Call: Sendable {
        let started: ContinuousClock.Instant
        let ended: ContinuousClock.Instant
        let status: Int?
    }

    @Test func sigtermUnderLoadFinishesRunningRequestsAndLosesNone() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-shutdown-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["HTTP_PORT": "0", "LOG_LEVEL": "warning", "DB_SQLITE_PATH": directory + "/hub.sqlite",
                           "JECP_ADMIN_TOKEN": MultiNodeTests.adminToken, "JECP_FREE_CALLS": "0"]
        let admin = ["Authorization": "Bearer \(MultiNodeTests.adminToken)"]
        let (process, output, node) = try await MultiNodeTests.start(environment: environment)

        var agents: [MultiNodeTests.Agent] = []
        for index in 0..<6 {
            let registered = try await node.send("POST", "/api/agent/register", json: ["name": .string("shutdown-\(index)")])
            let agent = MultiNodeTests.Agent(id: try #require(registered.body["agent_id"]?.stringValue), key: try #require(registered.body["api_key"]?.stringValue))
            #expect(try await node.send("PATCH", "/admin/v1/agents/\(agent.id)", json: ["tier_floor": "platinum"], headers: admin).status == 200)
            let credit = try await node.send("POST", "/admin/v1/agents/\(agent.id)/credit",
                                             json: ["amount_usdc": 10, "reason": "shutdown-test", "idempotency_key": .string("fund-\(index)")], headers: admin)
            #expect(credit.status == 201)
            agents.append(agent)
        }
        // A multi-page invoice: long enough that requests are running when the signal lands.
        let items: JSONValue = .array((1...60).map { ["name": .string("Line \($0)"), "quantity": 1, "unit_price": 10, "tax_rate": 10] })

        let load = Task {
            await withTaskGroup(of: (String, [Call]).self) { group in
                for agent in agents {
                    group.addTask {
                        var calls: [Call] = []
                        // Until the Hub stops answering: each id sent once, never retried.
                        for round in 0..<10_000 {
                            let body: JSONValue = ["jecp": "1.0", "id": .string("shutdown-\(round)"), "capability": "document-pipeline",
                                                   "action": "generate-invoice", "input": ["client_name": "Shutdown Ltd", "items": items]]
                            let started = ContinuousClock.now
                            let status = try? await node.send("POST", "/v1/invoke", json: body, headers: agent.headers).status
                            calls.append(Call(started: started, ended: .now, status: status))
                            if status == nil { break }
                        }
                        return (agent.id, calls)
                    }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
        }
        try await Task.sleep(for: .seconds(2))
        let signalled = ContinuousClock.now
        process.terminate()  // SIGTERM
        let calls = await load.value
        #expect(await HubProcessTests.waitForExit(process) && process.terminationStatus == 0, "\(output.value)")

        let all = calls.values.flatMap { $0 }
        #expect(all.allSatisfy { $0.status == nil || $0.status == 200 }, "\(Set(all.compactMap(\.status)))")
        // Requests running when the signal landed were answered, not dropped.
        let drained = all.filter { $0.started < signalled && $0.ended > signalled && $0.status == 200 }
        #expect(!drained.isEmpty, "no request was in flight at SIGTERM and answered")

        let database = try DatabaseQueue(path: directory + "/hub.sqlite")
        for (agent, seen) in calls {
            let succeeded = seen.filter { $0.status == 200 }.count
            let charges = try await database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'charge' AND agent_id = ?", arguments: [agent]) ?? -1
            }
            #expect(charges == succeeded, "agent \(agent) heard \(succeeded) successes, the ledger has \(charges) charges")
        }
        let (verify, verifyOutput) = try HubProcessTests.run(["ledger", "verify"], environment: environment)
        #expect(await HubProcessTests.waitForExit(verify) && verify.terminationStatus == 0, "\(verifyOutput.value)")
        print("GracefulShutdownTests: \(all.count) calls, \(all.filter { $0.status == 200 }.count) paid, \(drained.count) answered across the SIGTERM")
    }
}
