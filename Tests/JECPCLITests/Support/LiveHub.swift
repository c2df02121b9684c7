import Configuration
import Foundation
import HummingbirdTesting
import JECPBuiltins
import JECPHub
import Logging
import Testing

/// A real Hub on a loopback port (HummingbirdTesting `.live`), on a fresh SQLite file.
struct LiveHub: Sendable {
    let url: String

    static func run(_ overrides: [String: ConfigValue] = [:], _ body: @Sendable (LiveHub) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-cli-hub-\(UUID().uuidString)").path
        var values: [AbsoluteConfigKey: ConfigValue] = [
            "http.port": 0,
            "db.sqlitePath": .init(.string(directory + "/hub.sqlite"), isSecret: false),
            "jecp.adminToken": .init(.string("cli-test-admin-token-0123456789abcdef"), isSecret: true),
            "log.level": "error",
        ]
        for (key, value) in overrides { values[AbsoluteConfigKey(stringLiteral: key)] = value }
        var logger = Logger(label: "jecp-cli-test")
        logger.logLevel = .error
        let (application, _) = try await buildApplication(reader: ConfigReader(provider: InMemoryProvider(values: values)),
                                                          capabilities: Builtins.all, logger: logger)
        try await application.test(.live) { client in
            let port = try #require(client.port)
            try await body(LiveHub(url: "http://127.0.0.1:\(port)"))
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
