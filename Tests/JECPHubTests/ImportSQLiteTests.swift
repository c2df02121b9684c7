import Configuration
import JECPHub
import JECPModels
import JECPTestPostgres
import Synchronization
import Testing

/// `jecp-hub import-sqlite`: an embedded Hub's data moves into PostgreSQL whole, and the same
/// agents keep working there (with the same key secret).
@Suite(.enabled(if: TestPostgres.isEnabled))
struct ImportSQLiteTests {
    static let secret: ConfigValue = .init(.string("import-test-key-secret-0123456789abcdef"), isSecret: true)

    @Test func embeddedDataMovesToPostgresAndStillBalances() async throws {
        var target = try await TestHub.postgresSettings()
        target["jecp.keySecret"] = Self.secret
        let reader = ConfigReader(provider: InMemoryProvider(values: Dictionary(uniqueKeysWithValues: target.map { (AbsoluteConfigKey(stringLiteral: $0.key), $0.value) })))
        let before = Mutex<(agent: TestAgent?, balance: JSONValue?)>((nil, nil))
        try await TestHub.run(["jecp.keySecret": Self.secret, "jecp.freeCalls": 0]) { hub in
            let registered = try await hub.register()
            try await hub.credit(registered, "1")
            for index in 0..<3 {
                #expect(try await hub.invoke(registered, capability: "content-factory", action: "text-stats", input: ["text": "moving house"],
                                             id: "before-\(index)").status == 200)
            }
            let balance = try await hub.profile(registered)["balance_usdc"]
            before.withLock { $0 = (registered, balance) }
            let lines = Mutex<[String]>([])
            let violations = try await importSQLite(path: hub.databasePath, reader: reader) { line in lines.withLock { $0.append(line) } }
            #expect(violations.isEmpty, "\(violations)")
            let printed = lines.withLock { $0 }
            #expect(printed.contains("ledger_transactions: 4 rows") && printed.contains("invocations: 3 rows"), "\(printed)")
            // A second import into the now non-empty database is refused.
            await #expect(throws: HubConfiguration.Invalid.self) { _ = try await importSQLite(path: hub.databasePath, reader: reader) { _ in } }
        }
        let (agent, beforeBalance) = before.withLock { $0 }
        let moved = try #require(agent)
        try await TestHub.run(target.merging(["jecp.freeCalls": 0]) { $1 }) { hub in
            #expect(try await hub.profile(moved)["balance_usdc"] == beforeBalance)
            // The replay window moved too: the same id answers from the stored response.
            let replay = try await hub.invoke(moved, capability: "content-factory", action: "text-stats", input: ["text": "moving house"], id: "before-0")
            #expect(replay.status == 200 && replay.header("Idempotent-Replayed") == "true")
            #expect(try await hub.invoke(moved, capability: "content-factory", action: "text-stats", input: ["text": "new home"], id: "after-0").status == 200)
            let history = try await hub.get("/v1/agents/me/transactions", headers: moved.headers).json
            #expect(history["transactions"]?.arrayValue?.count == 5, "\(history)")
        }
    }
}
