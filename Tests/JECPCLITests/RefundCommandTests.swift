import Configuration
import Foundation
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
}
