import Configuration
import Foundation
import HummingbirdTesting
import JECPBuiltins
import JECPHub
import Logging
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real Hub on a loopback port (HummingbirdTesting `.live`), on a fresh SQLite file.
struct LiveHub: Sendable {
    static let adminToken = "cli-test-admin-token-0123456789abcdef"
    let url: String

    /// Credits an agent's wallet through the operator API.
    func credit(agentID: String, usdc: String) async throws {
        var request = URLRequest(url: URL(string: "\(url)/admin/v1/agents/\(agentID)/credit")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(Self.adminToken)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(#"{"amount_usdc": \#(usdc), "reason": "cli test", "idempotency_key": "\#(UUID().uuidString)"}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        try #require((200..<300).contains((response as? HTTPURLResponse)?.statusCode ?? 0), "credit failed: \(String(decoding: data, as: UTF8.self))")
    }

    /// Raises an agent's trust tier through the operator API (tiers otherwise take many calls).
    func setTierFloor(agentID: String, tier: String) async throws {
        var request = URLRequest(url: URL(string: "\(url)/admin/v1/agents/\(agentID)")!)
        request.httpMethod = "PATCH"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(Self.adminToken)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(#"{"tier_floor":"\#(tier)"}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        try #require((response as? HTTPURLResponse)?.statusCode == 200, "tier floor failed: \(String(decoding: data, as: UTF8.self))")
    }

    static func run(_ overrides: [String: ConfigValue] = [:], _ body: @Sendable (LiveHub) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-cli-hub-\(UUID().uuidString)").path
        var values: [AbsoluteConfigKey: ConfigValue] = [
            "http.port": 0,
            "db.sqlitePath": .init(.string(directory + "/hub.sqlite"), isSecret: false),
            "jecp.adminToken": .init(.string(adminToken), isSecret: true),
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
