import Foundation
import GRDB
import JECPModels
import JECPTestPostgres
import Synchronization
import Testing

/// kill -9 under load: the Hub (on either store) is killed at seeded random moments while agents pay and
/// the operator credits, restarted on the same database each time, and clients retry with the same
/// ids (and credit keys) until they get an answer. Afterwards every invariant holds and every id
/// a client saw succeed is charged exactly once. `JECP_CRASH_KILLS` (default 20) and
/// `JECP_CRASH_SEED` make a long run or replay one; the seed is in every failure message.
@Suite struct CrashTests {
    static let environment = ProcessInfo.processInfo.environment
    static let kills = Int(environment["JECP_CRASH_KILLS"] ?? "") ?? 20
    static let seed = UInt64(environment["JECP_CRASH_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970)

    /// The node clients talk to: replaced at every restart (the port changes).
    final class Current: Sendable {
        let node = Mutex<MultiNodeTests.Node?>(nil)
        let stopping = Atomic<Bool>(false)
        var value: MultiNodeTests.Node? { node.withLock { $0 } }
    }

    /// Sends until the Hub answers with a final status (not 5xx, not a dropped connection).
    static func untilAnswered(_ current: Current, _ method: String, _ path: String, json: JSONValue, headers: [String: String]) async
        -> (status: Int, body: JSONValue)
    {
        while true {
            if let node = current.value, let response = try? await node.send(method, path, json: json, headers: headers), response.status < 500 {
                return (response.status, response.body)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test(arguments: StoreBackend.available) func killNineUnderLoadLosesAndDuplicatesNothing(backend: StoreBackend) async throws {
        print("CrashTests seed \(Self.seed) (replay with JECP_CRASH_SEED=\(Self.seed))")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-crash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ["HTTP_PORT": "0", "LOG_LEVEL": "warning", "DB_SQLITE_PATH": directory + "/hub.sqlite",
                           "JECP_ADMIN_TOKEN": MultiNodeTests.adminToken, "JECP_FREE_CALLS": "0", "JECP_REGISTRATION_RPM": "1000",
                           "DB_POSTGRES_NODE_TIMEOUT_SECONDS": "1"]
        var postgresDatabase: String?
        if backend == .postgres {
            let (server, database) = try await TestPostgres.shared.createDatabase()
            postgresDatabase = database
            environment.merge(MultiNodeTests.postgresEnvironment(server: server, database: database)) { $1 }
        }
        let admin = ["Authorization": "Bearer \(MultiNodeTests.adminToken)"]
        var (process, _, node) = try await MultiNodeTests.start(environment: environment)
        let current = Current()
        current.node.withLock { $0 = node }

        var agents: [MultiNodeTests.Agent] = []
        for index in 0..<6 {
            let registered = try await node.send("POST", "/api/agent/register", json: ["name": .string("crash-\(index)")])
            let agent = MultiNodeTests.Agent(id: try #require(registered.body["agent_id"]?.stringValue), key: try #require(registered.body["api_key"]?.stringValue))
            #expect(try await node.send("PATCH", "/admin/v1/agents/\(agent.id)", json: ["tier_floor": "platinum"], headers: admin).status == 200)
            agents.append(agent)
        }

        // Load: each agent pays with fresh ids; the operator credits with fresh keys. Each request
        // is retried with the same id or key until answered.
        let load = Task {
            try await withThrowingTaskGroup(of: (agent: String, paid: [String], credited: Int64).self) { group in
                for agent in agents {
                    group.addTask {
                        var paid: [String] = []
                        var credited: Int64 = 0
                        var round = 0
                        while !current.stopping.load(ordering: .relaxed) {
                            round += 1
                            if round % 5 == 1 {
                                let credit = await Self.untilAnswered(current, "POST", "/admin/v1/agents/\(agent.id)/credit", json: [
                                    "amount_usdc": 0.01, "reason": "crash-test", "idempotency_key": .string("credit-\(agent.id)-\(round)"),
                                ], headers: admin)
                                #expect(credit.status == 200 || credit.status == 201, "seed \(Self.seed): \(credit.body)")
                                credited += 10_000
                            }
                            let id = "pay-\(round)"
                            let body: JSONValue = ["jecp": "1.0", "id": .string(id), "capability": "content-factory", "action": "text-stats",
                                                   "input": ["text": "Crash, restart, and count every cent."]]
                            let answer = await Self.untilAnswered(current, "POST", "/v1/invoke", json: body, headers: agent.headers)
                            #expect(answer.status == 200, "seed \(Self.seed): \(id) \(answer.body)")
                            if answer.status == 200 { paid.append(id) }
                        }
                        return (agent.id, paid, credited)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }

        var random = SeededGenerator(seed: Self.seed)
        for _ in 0..<Self.kills {
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...400, using: &random)))
            kill(process.processIdentifier, SIGKILL)
            _ = await HubProcessTests.waitForExit(process)
            current.node.withLock { $0 = nil }
            (process, _, node) = try await MultiNodeTests.start(environment: environment)
            current.node.withLock { $0 = node }
        }
        try await Task.sleep(for: .milliseconds(300))
        current.stopping.store(true, ordering: .relaxed)
        let outcomes: [(agent: String, paid: [String], credited: Int64)] = try await load.value
        process.terminate()
        #expect(await HubProcessTests.waitForExit(process) && process.terminationStatus == 0)

        let (verify, verifyOutput) = try HubProcessTests.run(["ledger", "verify"], environment: environment)
        #expect(await HubProcessTests.waitForExit(verify) && verify.terminationStatus == 0, "seed \(Self.seed): \(verifyOutput.value)")
        for outcome in outcomes {
            // Agent ids are the Hub's own (`jecp_ag_` + alphanumerics), safe to quote.
            let chargesSQL = "SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'charge' AND agent_id = '\(outcome.agent)'"
            let balanceSQL = "SELECT balance_micros FROM agents WHERE id = '\(outcome.agent)'"
            let charges: Int
            let balance: Int64
            if let postgresDatabase {
                charges = Int(try await TestPostgres.shared.psql(database: postgresDatabase, chargesSQL)) ?? -1
                balance = Int64(try await TestPostgres.shared.psql(database: postgresDatabase, balanceSQL)) ?? -1
            } else {
                let database = try DatabaseQueue(path: directory + "/hub.sqlite")
                (charges, balance) = try await database.read { db in
                    (try Int.fetchOne(db, sql: chargesSQL) ?? -1, try Int64.fetchOne(db, sql: balanceSQL) ?? -1)
                }
            }
            #expect(charges == outcome.paid.count, "seed \(Self.seed): agent \(outcome.agent) saw \(outcome.paid.count) paid calls, ledger has \(charges)")
            #expect(balance == outcome.credited - Int64(outcome.paid.count) * 1_000,
                    "seed \(Self.seed): agent \(outcome.agent) balance \(balance), credited \(outcome.credited), paid \(outcome.paid.count)")
        }
        let paid = outcomes.reduce(0) { $0 + $1.paid.count }
        print("CrashTests seed \(Self.seed): \(Self.kills) kills, \(paid) paid calls and \(outcomes.reduce(0) { $0 + $1.credited } / 10_000) credits, all accounted for")
        #expect(paid > Self.kills, "seed \(Self.seed): too little load to mean anything")
    }
}
