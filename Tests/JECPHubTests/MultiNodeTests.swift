import Foundation
import JECPTestProcess
import JECPModels
import JECPTestPostgres
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two real `jecp-hub` processes on one PostgreSQL database, hammered with the same agents
/// through both: nothing that must hold across nodes may live in one process's memory.
@Suite(.enabled(if: TestPostgres.isEnabled))
struct MultiNodeTests {
    static let adminToken = "multi-node-admin-token-0123456789"

    struct Node: Sendable {
        let port: Int

        func send(_ method: String, _ path: String, json: JSONValue? = nil, headers: [String: String] = [:]) async throws
            -> (status: Int, body: JSONValue, headers: [String: String])
        {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = method
            request.timeoutInterval = 60
            if let json {
                request.httpBody = Data(json.serialized())
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = try #require(response as? HTTPURLResponse)
            var fields: [String: String] = [:]
            for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
            return (http.statusCode, (try? JSONValue(parsing: Array(data))) ?? .null, fields)
        }
    }

    struct Agent: Sendable {
        let id: String
        let key: String
        var headers: [String: String] { ["X-Agent-ID": id, "X-API-Key": key] }
    }

    static func start(environment: [String: String]) async throws -> (ChildProcess, HubProcessTests.Output, Node) {
        let (process, output) = try HubProcessTests.run([], environment: environment)
        for _ in 0..<600 {
            if let line = output.value.split(separator: "\n").first(where: { $0.contains("JECP Hub listening on http://127.0.0.1:") }),
                let port = Int(line.split(separator: ":").last ?? "")
            {
                return (process, output, Node(port: port))
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("node did not start: \(output.value)")
        throw CancellationError()
    }

    func invoke(_ node: Node, _ agent: Agent, id: String, mandate: JSONValue? = nil) async throws -> (status: Int, body: JSONValue, headers: [String: String]) {
        var body: JSONValue = ["jecp": "1.0", "id": .string(id), "capability": "content-factory", "action": "text-stats",
                               "input": ["text": "Two nodes, one ledger. Every charge exactly once."]]
        if let mandate, case .object(var fields) = body {
            fields["mandate"] = mandate
            body = .object(fields)
        }
        return try await node.send("POST", "/v1/invoke", json: body, headers: mandate == nil ? agent.headers : [:])
    }

    /// `count` invokes of `agent` with ids `<prefix>-<n>`, alternating nodes, all at once.
    func burst(_ nodes: [Node], _ agent: Agent, prefix: String, count: Int) async throws -> [(id: String, status: Int)] {
        try await withThrowingTaskGroup(of: (id: String, status: Int).self) { group in
            for index in 0..<count {
                group.addTask {
                    let id = "\(prefix)-\(index)"
                    return (id, try await invoke(nodes[index % 2], agent, id: id).status)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// What a `jecp-hub` process needs to run on `database` of the test cluster.
    static func postgresEnvironment(server: TestPostgres.Server, database: String) -> [String: String] {
        ["DB_KIND": "postgres", "DB_POSTGRES_HOST": server.socketDirectory, "DB_POSTGRES_PORT": String(server.port), "DB_POSTGRES_USER": server.user,
         "DB_POSTGRES_DATABASE": database, "DB_POSTGRES_TLS": "disable", "JECP_KEY_SECRET": "multi-node-key-secret-0123456789abcdef",
         "JECP_ADMIN_TOKEN": adminToken]
    }

    @Test func migrateAppliesEachMigrationOnceAndStops() async throws {
        let (server, database) = try await TestPostgres.shared.createDatabase()
        // No key secret or admin token needed just to migrate.
        let environment = Self.postgresEnvironment(server: server, database: database).filter { !$0.key.hasPrefix("JECP_") }
        for _ in 0..<2 {
            let (migrate, output) = try HubProcessTests.run(["migrate"], environment: environment)
            #expect(await HubProcessTests.waitForExit(migrate) && migrate.terminationStatus == 0, "\(output.value)")
            #expect(output.value.contains("the database schema is up to date"))
        }
        let applied = try await TestPostgres.shared.psql(database: database, "SELECT string_agg(version, ',' ORDER BY version) FROM jecp_schema_migrations")
        #expect(applied == "v1-core,v2-settle-at-snapshot,v3-providers,v4-money-events")
    }

    @Test func twoNodesShareIdempotencyNoncesRateLimitsAndMoney() async throws {
        let (server, database) = try await TestPostgres.shared.createDatabase()
        let environment = Self.postgresEnvironment(server: server, database: database).merging([
            "HTTP_PORT": "0", "LOG_LEVEL": "warning", "JECP_FREE_CALLS": "0", "JECP_REGISTRATION_RPM": "6",
        ]) { $1 }
        // Both nodes start together: the advisory lock makes one migrate while the other waits.
        async let first = Self.start(environment: environment)
        async let second = Self.start(environment: environment)
        let (processA, outputA, a) = try await first
        let (processB, outputB, b) = try await second
        defer {
            processA.terminate()
            processB.terminate()
        }
        let nodes = [a, b]
        let admin = ["Authorization": "Bearer \(Self.adminToken)"]

        // Registration limit (6 a minute from one address) counts across nodes.
        var agents: [Agent] = []
        for index in 0..<6 {
            let response = try await nodes[index % 2].send("POST", "/api/agent/register", json: ["name": .string("node-agent-\(index)")])
            #expect(response.status == 201, "\(response.body)")
            agents.append(Agent(id: try #require(response.body["agent_id"]?.stringValue), key: try #require(response.body["api_key"]?.stringValue)))
        }
        for node in nodes {
            #expect(try await node.send("POST", "/api/agent/register", json: ["name": .string("one-too-many-\(node.port)")]).status == 429)
        }
        let (bronze, busy, provenanceAgent) = (agents[0], agents[1], agents[2])
        for agent in [busy, provenanceAgent] {
            #expect(try await a.send("PATCH", "/admin/v1/agents/\(agent.id)", json: ["tier_floor": "platinum"], headers: admin).status == 200)
        }

        // Credits: every key sent to both nodes at once applies exactly once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for agent in agents.prefix(3) {
                for index in 0..<5 {
                    for node in nodes {
                        group.addTask {
                            let response = try await node.send("POST", "/admin/v1/agents/\(agent.id)/credit",
                                                               json: ["amount_usdc": 1, "reason": "multi-node", "idempotency_key": .string("fund-\(agent.id)-\(index)")],
                                                               headers: admin)
                            #expect(response.status == 201 || response.status == 200, "\(response.body)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        for agent in agents.prefix(3) {
            #expect(try await b.send("GET", "/v1/agents/me", headers: agent.headers).body["balance_usdc"]?.numberValue?.description == "5")
        }

        // The same request id at both nodes at once: one execution, one charge, the same answer.
        var completedIDs: Set<String> = []
        for round in 0..<8 {
            let id = "same-\(round)"
            async let fromA = invoke(a, busy, id: id)
            async let fromB = invoke(b, busy, id: id)
            let (left, right) = try await (fromA, fromB)
            #expect(left.status == 200 && right.status == 200, "\(left.body) \(right.body)")
            #expect(left.body == right.body)
            #expect([left.headers["idempotent-replayed"], right.headers["idempotent-replayed"]].compactMap { $0 } == ["true"])
            completedIDs.insert(id)
        }

        // A provenance nonce spent on node A is refused on node B.
        let timestamp = Int64(Date().timeIntervalSince1970)
        let wire = Provenance.computeV2(apiKey: provenanceAgent.key, agentID: provenanceAgent.id, timestamp: timestamp, nonce: Provenance.freshNonce())
        let mandate: JSONValue = ["agent_id": .string(provenanceAgent.id), "api_key": .string(provenanceAgent.key), "provenance_hash": .string(wire)]
        let spent = try await invoke(a, provenanceAgent, id: "prov-1", mandate: mandate)
        #expect(spent.status == 200, "\(spent.body)")
        completedIDs.insert("prov-1")
        let replay = try await invoke(b, provenanceAgent, id: "prov-2", mandate: mandate)
        #expect(replay.status == 403 && replay.body["error"]?["details"]?["subcause"]?.stringValue == "nonce_replay", "\(replay.body)")

        // A burst split across nodes meets one shared limit (bronze: 10 a minute).
        let statuses = try await burst(nodes, bronze, prefix: "burst", count: 16)
        #expect(statuses.filter { $0.status == 200 }.count == 10)
        #expect(statuses.filter { $0.status == 429 }.count == 6)
        completedIDs.formUnion(statuses.filter { $0.status == 200 }.map(\.id))

        // Credits and charges of one wallet from both nodes at the same time: no lost update, no
        // negative wallet, and every micro-USDC credited is either spent or still there.
        let spender = agents[3]
        async let drips: Void = withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                group.addTask {
                    let response = try await nodes[index % 2].send(
                        "POST", "/admin/v1/agents/\(spender.id)/credit",
                        json: ["amount_usdc": 0.002, "reason": "drip", "idempotency_key": .string("drip-\(index)")], headers: admin)
                    #expect(response.status == 201, "\(response.body)")
                }
            }
            try await group.waitForAll()
        }
        let spends = try await burst(nodes, spender, prefix: "spend", count: 8)
        try await drips
        let paid = spends.filter { $0.status == 200 }
        #expect(spends.allSatisfy { $0.status == 200 || $0.status == 402 }, "\(spends)")
        let left = try await a.send("GET", "/v1/agents/me", headers: spender.headers).body["balance_usdc"]
        let remaining = try #require(left.flatMap { try? Money(json: $0) })
        #expect(remaining.micros >= 0 && remaining.micros + Int64(paid.count) * 1_000 == 6_000, "paid \(paid.count), left \(remaining)")
        completedIDs.formUnion(paid.map(\.id))

        processA.terminate()
        processB.terminate()
        #expect(await HubProcessTests.waitForExit(processA) && processA.terminationStatus == 0, "\(outputA.value)")
        #expect(await HubProcessTests.waitForExit(processB) && processB.terminationStatus == 0, "\(outputB.value)")

        // Afterwards: every invariant holds, and each completed request id was charged exactly once.
        let (verify, verifyOutput) = try HubProcessTests.run(["ledger", "verify"], environment: environment)
        #expect(await HubProcessTests.waitForExit(verify) && verify.terminationStatus == 0, "\(verifyOutput.value)")
        #expect(verifyOutput.value.contains("all invariants hold"))
        let charges = try await TestPostgres.shared.psql(database: database, "SELECT count(*) FROM ledger_transactions WHERE kind = 'charge'")
        let invocations = try await TestPostgres.shared.psql(database: database, "SELECT count(*) FROM invocations WHERE status = 'completed'")
        let distinct = try await TestPostgres.shared.psql(database: database, "SELECT count(DISTINCT (agent_id, request_id)) FROM invocations")
        #expect(charges == String(completedIDs.count) && invocations == charges && distinct == charges,
                "charges \(charges), invocations \(invocations), distinct \(distinct), completed \(completedIDs.count)")
    }
}
