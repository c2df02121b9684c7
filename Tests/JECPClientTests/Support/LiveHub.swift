import AsyncHTTPClient
import Configuration
import Foundation
import Hummingbird
import HummingbirdTesting
import JECPBuiltins
import JECPHub
import JECPHubCore
import JECPModels
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// The real Hub of this repository, in process on a loopback port, for end-to-end tests of the SDK.
enum LiveHub {
    static let adminToken = "sdk-test-admin-token-0123456789abcdef"

    /// Runs `body` with the Hub's base URL (`http://127.0.0.1:<port>`).
    static func run(freeCalls: Int = 2, settings: [AbsoluteConfigKey: ConfigValue] = [:], _ body: @Sendable (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-sdk-tests-\(UUID().uuidString)").path
        var values: [AbsoluteConfigKey: ConfigValue] = [
            "http.port": 0,
            "http.host": "127.0.0.1",
            "db.sqlitePath": .init(.string(directory + "/hub.sqlite"), isSecret: false),
            "jecp.adminToken": .init(.string(adminToken), isSecret: true),
            "jecp.publicURL": "http://127.0.0.1",
            "jecp.freeCalls": .init(.int(freeCalls), isSecret: false),
            "log.level": "error",
        ]
        values.merge(settings) { $1 }
        var logger = Logger(label: "jecp-sdk-test-hub")
        logger.logLevel = .error
        let (application, _) = try await buildApplication(reader: ConfigReader(provider: InMemoryProvider(values: values)),
                                                          capabilities: Builtins.all + [SDKTestKit()], logger: logger)
        try await application.test(.live) { client in
            let port = try #require(client.port)
            try await body("http://127.0.0.1:\(port)")
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// An operator API call with the admin token.
    @discardableResult
    static func admin(_ method: HTTPMethod, _ base: String, _ path: String, body: JSONValue) async throws -> (status: Int, json: JSONValue) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(adminToken)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body.serialized()))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONValue(parsing: Array(buffer: bytes))) ?? .null)
    }

    static func credit(_ base: String, agentID: String, amount: String) async throws {
        let (status, json) = try await admin(.POST, base, "/admin/v1/agents/\(agentID)/credit",
                                             body: ["amount_usdc": .number(JSONNumber(decimalText: amount)), "reason": "sdk test funding",
                                                    "idempotency_key": .string("credit-\(UUID().uuidString.prefix(12))")])
        try #require(status == 200 || status == 201, "credit failed: \(json)")
    }

    static func setTierFloor(_ base: String, agentID: String, tier: String) async throws {
        let (status, json) = try await admin(.PATCH, base, "/admin/v1/agents/\(agentID)", body: ["tier_floor": .string(tier)])
        try #require(status == 200, "tier floor failed: \(json)")
    }
}

/// A capability with a per-action rate limit of one call a minute and a deprecated action.
struct SDKTestKit: HubCapability {
    var descriptor: CapabilityDescriptor {
        let object: JSONValue = ["type": "object"]
        let now = Timestamps.now()
        return CapabilityDescriptor(
            name: "sdk-kit", displayName: "SDK test kit", description: "Actions for the SDK's end-to-end tests.", version: "1.0.0",
            tags: ["test"],
            actions: [
                ActionDescriptor(name: "limited", description: "one call a minute", price: Money(micros: 1000), trustTierRequired: .bronze,
                                 rateLimitPerMinute: 1, inputSchema: object, outputSchema: object),
                ActionDescriptor(name: "sunsetting", description: "deprecated soon", price: Money(micros: 1000), trustTierRequired: .bronze,
                                 inputSchema: object, outputSchema: object,
                                 deprecation: Deprecation(sunsetAt: now + 10 * 86_400, successor: "sdk-kit/limited")),
            ])
    }

    func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue {
        ["action": .string(action), "echo": input]
    }
}
