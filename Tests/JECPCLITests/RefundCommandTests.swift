import Configuration
import Foundation
import JECPTestProcess
import JECPModels
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `jecp refund request|list|get` with the built binary against a live Hub.
@Suite struct RefundCommandTests {
    @Test func requestListGetAndTheErrorsExitCodes() async throws {
        try await LiveHub.run(["jecp.freeCalls": 0]) { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let (id, _) = try await user.register()
            try await hub.credit(agentID: id, usdc: "1")
            let paid = try await user.run(["invoke", "hub/document-pipeline", "generate-invoice", "--input", CLIProcessTests.invoiceInput, "--json"])
            let transaction = try #require(paid.json["billing"]?["transaction_id"]?.stringValue, "\(paid.stdout) \(paid.stderr)")

            let requested = try await user.run(["refund", "request", transaction, "--reason", "the invoice total is wrong",
                                                "--evidence-url", "https://93.184.216.34/invoice.png", "--json"])
            #expect(requested.status == 0, "\(requested.stderr)")
            #expect(requested.json["status"] == "requested" && requested.json["transaction_id"] == .string(transaction))
            let refund = try #require(requested.json["id"]?.stringValue)

            // A second request for the same charge: a usage error (exit 2) naming the first.
            let again = try await user.run(["refund", "request", transaction, "--reason", "again", "--json"])
            #expect(again.status == 2 && again.json["error"]?["code"] == "REFUND_ALREADY_REQUESTED", "\(again.stdout)")
            #expect(again.json["error"]?["details"]?["refund_id"] == .string(refund))
            let unknown = try await user.run(["refund", "request", "no-such-transaction", "--reason", "x"])
            #expect(unknown.status == 2 && unknown.stderr.hasPrefix("error: ") && unknown.stderr.contains("TRANSACTION_NOT_FOUND"), "\(unknown.stderr)")
            let blank = try await user.run(["refund", "request", transaction, "--reason", "  "])
            #expect(blank.status == 2)

            let list = try await user.run(["refund", "list", "--json"])
            #expect(list.status == 0 && list.json["refunds"]?.arrayValue?.first?["id"] == .string(refund), "\(list.stdout)")
            let table = try await user.run(["refund", "list"])
            #expect(table.stdout.hasPrefix("DATE") && table.stdout.contains(refund) && table.stdout.contains("requested"), "\(table.stdout)")
            let shown = try await user.run(["refund", "get", refund])
            #expect(shown.status == 0 && shown.stdout.contains("requested") && shown.stdout.contains("the invoice total is wrong"), "\(shown.stdout)")

            // The operator approves (hub/… capabilities are the operator's); the CLI shows the reversal.
            var approve = URLRequest(url: URL(string: "\(hub.url)/v1/refunds/\(refund)/approve")!)
            approve.httpMethod = "POST"
            approve.setValue("Bearer \(LiveHub.adminToken)", forHTTPHeaderField: "Authorization")
            let (_, response) = try await URLSession.shared.data(for: approve)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let approved = try await user.run(["refund", "get", refund, "--json"])
            #expect(approved.json["status"] == "approved" && approved.json["refund_transaction_id"]?.stringValue != nil)
            let whoami = try await user.run(["whoami", "--json"])
            #expect(whoami.json["balance_usdc"]?.numberValue?.text == "1")
            let transactions = try await user.run(["transactions", "--json"])
            #expect(transactions.json["transactions"]?.arrayValue?.first?["type"] == "refund", "\(transactions.stdout)")

            let missing = try await user.run(["refund", "get", "jecp_rf_nope", "--json"])
            #expect(missing.status == 2 && missing.json["error"]?["code"] == "REFUND_NOT_FOUND")
        }
    }

    @Test func providerListsApprovesAndIsRefusedASecondDecision() async throws {
        try await LiveHub.run(LiveHub.providerSettings.merging(["jecp.freeCalls": 0]) { $1 }) { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let registered = try await user.run(["provider", "register", "--namespace", "cli-shop", "--display-name", "CLI Shop", "--email", "ops@example.com",
                                                 "--endpoint", "http://127.0.0.1:9/jecp", "--country", "JP", "--json"])
            #expect(registered.status == 0, "\(registered.stderr)")
            let secret = try #require(registered.json["hmac_secret"]?.stringValue)
            try await hub.markDNSVerified(providerID: try #require(registered.json["provider_id"]?.stringValue))
            try await ExampleProvider.run(secret: secret) { port in
                let manifest = user.home + "/manifest.json"
                try await ExampleProvider.manifest(namespace: "cli-shop", endpoint: "http://127.0.0.1:\(port)/jecp").write(toFile: manifest, atomically: true, encoding: .utf8)
                let published = try await user.run(["provider", "publish", manifest, "--allow-http"])
                #expect(published.status == 0, "\(published.stderr)")

                let (agent, _) = try await user.register()
                try await hub.credit(agentID: agent, usdc: "1")
                let paid = try await user.run(["invoke", "cli-shop/text-tools", "word-count", "--input", #"{"text": "one two"}"#, "--json"])
                let transaction = try #require(paid.json["billing"]?["transaction_id"]?.stringValue, "\(paid.stdout) \(paid.stderr)")
                let refund = try #require(try await user.run(["refund", "request", transaction, "--reason", "miscounted", "--json"]).json["id"]?.stringValue)

                let listed = try await user.run(["provider", "refunds", "--json"])
                #expect(listed.status == 0 && listed.json["refunds"]?.arrayValue?.first?["id"] == .string(refund), "\(listed.stdout) \(listed.stderr)")
                let table = try await user.run(["provider", "refunds", "list", "--status", "requested"])
                #expect(table.stdout.contains(refund) && table.stdout.contains("cli-shop/text-tools word-count"), "\(table.stdout)")
                let approved = try await user.run(["provider", "refunds", "approve", refund, "--note", "sorry", "--json"])
                #expect(approved.status == 0 && approved.json["status"] == "approved" && approved.json["decided_by"] == "provider:cli-shop", "\(approved.stdout)")
                let late = try await user.run(["provider", "refunds", "deny", refund])
                #expect(late.status == 2 && late.stderr.contains("REFUND_ALREADY_DECIDED"), "\(late.stderr)")
                #expect(try await user.run(["whoami", "--json"]).json["balance_usdc"]?.numberValue?.text == "1")
                let earnings = try await user.run(["provider", "earnings", "--json"])
                #expect(earnings.json["payable_usdc"]?.numberValue?.text == "0" && earnings.json["refunds_in_window"]?.numberValue?.integerValue == 1)
                let earningsTable = try await user.run(["provider", "earnings"])
                #expect(earningsTable.stdout.contains("REFUNDS") && earningsTable.stdout.contains("from 1 calls, net of 1 refund."), "\(earningsTable.stdout)")
            }
        }
    }
}

/// The example provider's executable (`jecp-example-provider`), built next to the test bundle.
enum ExampleProvider {
    static var executable: URL? {
        CLIProcess.executable.map { $0.deletingLastPathComponent().appendingPathComponent("jecp-example-provider") }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0.path) ? $0 : nil }
    }

    static func manifest(namespace: String, endpoint: String) async throws -> String {
        let (process, output) = try start(["manifest", "--namespace", namespace, "--endpoint", endpoint], environment: [:])
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return try String(contentsOf: output, encoding: .utf8)
    }

    /// Serves the example provider with `secret` on a free loopback port for the length of `body`.
    static func run(secret: String, _ body: (Int) async throws -> Void) async throws {
        let (process, output) = try start([], environment: ["JECP_PROVIDER_SECRET": secret, "PORT": "0"])
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var port: Int?
        for _ in 0..<400 where port == nil {
            try await Task.sleep(for: .milliseconds(25))
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            port = text.split(separator: "\n").first { $0.contains("listening on 127.0.0.1:") }.flatMap { Int($0.split(separator: ":").last ?? "") }
        }
        try await body(try #require(port, "the example provider did not start"))
    }

    private static func start(_ arguments: [String], environment: [String: String]) throws -> (ChildProcess, URL) {
        let executable = try #require(executable, "jecp-example-provider is not built next to the test bundle")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-example-\(UUID().uuidString).out")
        let process = try ChildProcess(executable.path, arguments, environment: environment.merging(["PATH": "/usr/bin:/bin"]) { $1 },
                                       output: .file(output.path), errors: .null)
        return (process, output)
    }
}
