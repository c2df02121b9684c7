import Configuration
import Foundation
import Hummingbird
import JECPModels
import JECPProviderKit
import JECPTestDNS
import Testing

/// Providers for tests: kit-based servers on 127.0.0.1, the example provider's executable, and the
/// steps every provider takes before it earns (register, prove DNS, publish).
enum TestProviders {
    /// Serves `provider` on a free loopback port for the length of `body`.
    static func serve<T: Sendable>(_ provider: JECPProvider, path: String = "/jecp", _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = provider.application(host: "127.0.0.1", port: 0, path: path) { _, port in continuation.yield(port) }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            defer { group.cancelAll() }
            return try await body(port)
        }
    }

    /// The example provider's executable, built next to the test bundle.
    static var exampleExecutable: URL? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("jecp-example-provider") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `jecp-example-provider` with `secret` on a free port; stops it after `body`.
    static func runExample<T: Sendable>(secret: String, _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let executable: URL = try #require(exampleExecutable, "jecp-example-provider is not built")
        let (process, output) = try HubProcessTests.run([], environment: ["JECP_PROVIDER_SECRET": secret, "PORT": "0"], executable: executable)
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var port: Int?
        for _ in 0..<400 where port == nil {
            try await Task.sleep(for: .milliseconds(25))
            if let line = output.value.split(separator: "\n").first(where: { $0.contains("jecp-example-provider listening on 127.0.0.1:") }) {
                port = Int(line.split(separator: ":").last ?? "")
            }
        }
        return try await body(try #require(port, "the example provider did not start: \(output.value)"))
    }

    /// `jecp-example-provider manifest …`: the manifest the example asks to publish.
    static func exampleManifest(namespace: String, endpoint: String) async throws -> [UInt8] {
        let executable: URL = try #require(exampleExecutable, "jecp-example-provider is not built")
        let (process, output) = try HubProcessTests.run(["manifest", "--namespace", namespace, "--endpoint", endpoint], environment: [:],
                                                        executable: executable)
        #expect(await HubProcessTests.waitForExit(process))
        try #require(process.terminationStatus == 0, "manifest failed: \(output.value)")
        return Array(output.value.utf8)
    }
}

/// A provider account on a test Hub.
struct TestProviderAccount: Sendable {
    let id: String
    let namespace: String
    let key: String
    let secret: String
    let token: String
    var bearer: [String: String] { ["Authorization": "Bearer \(key)"] }
}

extension TestHub {
    /// Hub settings for provider tests: test mode (http and loopback allowed) and `dns` as the resolver.
    static func providerSettings(dns: TestDNSServer) async -> [String: ConfigValue] {
        let server = await dns.server
        return ["jecp.testMode": true, "jecp.dnsServers": .init(.string("\(server.host):\(server.port)"), isSecret: false),
                "jecp.streamIdleTimeoutSeconds": 1.5,
                // The loopback DNS server answers at once; a loaded test machine may not deliver it in 2 s.
                "jecp.dnsTimeoutSeconds": 20.0]
    }

    func registerProvider(_ namespace: String, host: String, dns: TestDNSServer, address: String = "127.0.0.1") async throws -> TestProviderAccount {
        await dns.set(host, [.a(address)])
        let response = try await post("/v1/providers/register", json: [
            "namespace": .string(namespace), "display_name": .string("\(namespace) Inc."), "owner_email": .string("ops@\(host)"),
            "endpoint_url": .string("http://\(host)/jecp"), "country": "JP",
        ])
        try #require(response.status == 201, "provider registration failed: \(response.text)")
        return TestProviderAccount(id: try #require(response.json["provider_id"]?.stringValue), namespace: namespace,
                                   key: try #require(response.json["provider_api_key"]?.stringValue),
                                   secret: try #require(response.json["hmac_secret"]?.stringValue),
                                   token: try #require(response.json["dns_verification_token"]?.stringValue))
    }

    /// Publishes the TXT record the Hub asked for and has the Hub check it.
    func proveDomain(_ provider: TestProviderAccount, host: String, dns: TestDNSServer) async throws {
        await dns.set("_jecp.\(host)", [.txt(["jecp-verify=\(provider.token)"])])
        let verified = try await request(.post, "/v1/providers/verify-dns", headers: provider.bearer)
        try #require(verified.status == 200 && verified.json["verified"] == true, "DNS proof failed: \(verified.text)")
    }

    func publish(_ provider: TestProviderAccount, manifest: [UInt8], contentType: String = "application/json") async throws -> HubResponse {
        try await request(.post, "/v1/manifests", body: manifest, headers: provider.bearer.merging(["Content-Type": contentType]) { $1 })
    }
}
