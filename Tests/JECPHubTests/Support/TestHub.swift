import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JECPBuiltins
import JECPHub
import JECPHubCore
import JECPModels
import Logging
import NIOCore
import JECPTestPostgres
import Testing

/// A Hub on a fresh SQLite file, exercised over HTTP through HummingbirdTesting.
struct TestHub {
    static let adminToken = "test-admin-token-0123456789abcdef"

    let client: any TestClientProtocol
    let databasePath: String
    /// The PostgreSQL database when the Hub runs on one.
    var postgresDatabase: String? = nil

    /// Builds a Hub with `overrides` on top of test defaults and runs `body` against it.
    /// `capabilities: nil` lets the Hub build its built-ins from configuration (with `jecp.llm.*`).
    static func run(
        _ overrides: [String: ConfigValue] = [:], capabilities: [any HubCapability]? = Builtins.all + [TestKit()],
        mode: TestingSetup = .router, backend: StoreBackend = .sqlite, _ body: @Sendable (TestHub) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-tests-\(UUID().uuidString)").path
        let databasePath = directory + "/hub.sqlite"
        var values: [AbsoluteConfigKey: ConfigValue] = [
            "http.port": 0,
            "db.sqlitePath": .init(.string(databasePath), isSecret: false),
            "jecp.adminToken": .init(.string(adminToken), isSecret: true),
            "jecp.publicURL": "https://hub.test",
            "log.level": "trace",
        ]
        if backend == .postgres {
            for (key, value) in try await postgresSettings() { values[AbsoluteConfigKey(stringLiteral: key)] = value }
        }
        let postgresDatabase = values["db.postgres.database"].flatMap { if case .string(let name) = $0.content { name } else { nil } }
        for (key, value) in overrides { values[AbsoluteConfigKey(stringLiteral: key)] = value }
        let reader = ConfigReader(provider: InMemoryProvider(values: values))
        let capture = LogCapture()
        let (application, _) = try await buildApplication(reader: reader, capabilities: capabilities, logger: capture.logger(label: "jecp-test"))
        try await application.test(mode) { client in
            try await body(TestHub(client: client, databasePath: databasePath, postgresDatabase: postgresDatabase))
        }
        // Every test Hub doubles as a log scan: no configured secret and no issued key or full
        // provenance tag may appear in anything it logged, at any level.
        let secrets = values.values.compactMap { value -> String? in
            guard value.isSecret, case .string(let text) = value.content else { return nil }
            return text
        }
        capture.expectNoSecrets(secrets)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension TestHub {
    /// A new database on the test cluster, with the settings every PostgreSQL node needs.
    static func postgresSettings(pools: (Int, Int, Int, Int) = (4, 2, 1, 1)) async throws -> [String: ConfigValue] {
        let (server, database) = try await TestPostgres.shared.createDatabase()
        return [
            "db.kind": "postgres",
            "db.postgres.host": .init(.string(server.socketDirectory), isSecret: false),
            "db.postgres.port": .init(.int(server.port), isSecret: false),
            "db.postgres.user": .init(.string(server.user), isSecret: false),
            "db.postgres.database": .init(.string(database), isSecret: false),
            "db.postgres.tls": "disable",
            "db.postgres.pool.invoke": .init(.int(pools.0), isSecret: false),
            "db.postgres.pool.read": .init(.int(pools.1), isSecret: false),
            "db.postgres.pool.provider": .init(.int(pools.2), isSecret: false),
            "db.postgres.pool.background": .init(.int(pools.3), isSecret: false),
            "jecp.keySecret": .init(.string("test-key-secret-0123456789abcdef0123"), isSecret: true),
        ]
    }
}

/// A decoded response.
struct HubResponse {
    let status: Int
    let headers: HTTPFields
    let bytes: [UInt8]

    var json: JSONValue { (try? JSONValue(parsing: bytes)) ?? .null }
    var text: String { String(decoding: bytes, as: UTF8.self) }
    func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
    func headerValues(_ name: String) -> [String] { HTTPField.Name(name).map { headers[values: $0] } ?? [] }
    var errorCode: String? { json["error"]?["code"]?.stringValue }
    var details: JSONValue { json["error"]?["details"] ?? .null }
    var nextAction: JSONValue? { json["next_action"] }
}

struct TestAgent: Sendable {
    let id: String
    let key: String
    var headers: [String: String] { ["X-Agent-ID": id, "X-API-Key": key] }
}

extension TestHub {
    func request(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:]) async throws -> HubResponse {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let response = try await client.executeRequest(uri: path, method: method, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        var buffer = response.body
        return HubResponse(status: Int(response.status.code), headers: response.headers, bytes: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    func post(_ path: String, json: JSONValue, headers: [String: String] = [:]) async throws -> HubResponse {
        try await request(.post, path, body: json.serialized(), headers: ["Content-Type": "application/json"].merging(headers) { $1 })
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> HubResponse {
        try await request(.get, path, headers: headers)
    }

    var admin: [String: String] { ["Authorization": "Bearer \(Self.adminToken)"] }

    func register(_ name: String = "agent-\(UUID().uuidString.prefix(8))") async throws -> TestAgent {
        let response = try await post("/api/agent/register", json: ["name": .string(name)])
        try #require(response.status == 201, "registration failed: \(response.text)")
        return TestAgent(id: try #require(response.json["agent_id"]?.stringValue), key: try #require(response.json["api_key"]?.stringValue))
    }

    /// A new agent raised to `tier` by the operator's tier floor.
    func register(tier: String) async throws -> TestAgent {
        let agent = try await register()
        let patched = try await request(.patch, "/admin/v1/agents/\(agent.id)", body: Array(#"{"tier_floor":"\#(tier)"}"#.utf8),
                                        headers: admin.merging(["Content-Type": "application/json"]) { $1 })
        try #require(patched.status == 200, "tier floor failed: \(patched.text)")
        return agent
    }

    @discardableResult
    func credit(_ agent: TestAgent, _ amount: String, key: String = "credit-\(UUID().uuidString.prefix(12))") async throws -> HubResponse {
        let response = try await post("/admin/v1/agents/\(agent.id)/credit",
                                      json: ["amount_usdc": .number(JSONNumber(decimalText: amount)), "reason": "test funding", "idempotency_key": .string(key)],
                                      headers: admin)
        try #require(response.status == 201 || response.status == 200, "credit failed: \(response.text)")
        return response
    }

    func invoke(_ agent: TestAgent?, capability: String = "test-kit", action: String = "echo", input: JSONValue = ["text": "hi"],
                id: String = "req-\(UUID().uuidString.prefix(12))", mandate: JSONValue? = nil, extra: [String: JSONValue] = [:],
                headers: [String: String] = [:], path: String = "/v1/invoke") async throws -> HubResponse {
        var body: [String: JSONValue] = ["jecp": "1.0", "id": .string(id), "capability": .string(capability), "action": .string(action), "input": input]
        if let mandate { body["mandate"] = mandate }
        for (key, value) in extra { body[key] = value }
        return try await post(path, json: .object(body), headers: (agent?.headers ?? [:]).merging(headers) { $1 })
    }

    func profile(_ agent: TestAgent) async throws -> JSONValue {
        try await get("/v1/agents/me", headers: agent.headers).json
    }

    func ledgerSummary() async throws -> JSONValue {
        try await get("/admin/v1/ledger/summary", headers: admin).json
    }
}

extension JSONValue {
    /// Exact money value of a JSON number, for assertions.
    var money: Money? { (try? Money(json: self)) }
}
