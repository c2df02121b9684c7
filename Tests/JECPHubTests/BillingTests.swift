import Foundation
import JECPTestProcess
import JECPModels
import JECPTestPostgres
import Testing

/// Money through the HTTP API: free calls, wallet charges, the 85/10/5 split, history.
@Suite struct BillingTests {
    @Test(arguments: StoreBackend.available) func freeCallsComeFirstThenTheWallet(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 2], backend: backend) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "0.02")
            let first = try await hub.invoke(agent)
            #expect(first.json["billing"]?["method"] == "free_call")
            #expect(first.json["billing"]?["cost_usdc"]?.money == .zero)
            #expect(first.json["billing"]?["transaction_id"] == .null)
            _ = try await hub.invoke(agent)
            let paid = try await hub.invoke(agent)
            #expect(paid.json["billing"]?["method"] == "wallet")
            #expect(paid.json["billing"]?["balance_after"]?.money == Money(micros: 10_000))
            let me = try await hub.profile(agent)
            #expect(me["free_calls_remaining"] == 0)
            #expect(me["total_calls"] == 3)
            #expect(me["balance_usdc"]?.money == Money(micros: 10_000))
        }
    }

    @Test(arguments: StoreBackend.available) func chargesSplit85_10_5AndTheLedgerBalances(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 0], backend: backend) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "10")
            for _ in 0..<3 { #expect(try await hub.invoke(agent).status == 200) }
            let odd = try await hub.invoke(agent, action: "split-odd")  // 7 micro-USDC: remainder goes to the hub
            #expect(odd.status == 200)
            let summary = try await hub.ledgerSummary()
            let balances = try #require(summary["balances_usdc"])
            // 3 × 0.01 → provider 0.0255, hub 0.003, payment 0.0015; 0.000007 → 5 / 2 / 0 micros.
            #expect(balances["provider_payable"]?.money == Money(micros: 25_500 + 5))
            #expect(balances["hub_fees"]?.money == Money(micros: 3_000 + 2))
            #expect(balances["payment_fees"]?.money == Money(micros: 1_500 + 0))
            #expect(balances["wallet"]?.money == Money(micros: 10_000_000 - 30_007))
            #expect(balances["external_funding"]?.money == Money(units: -10))
            #expect(summary["global_sum_usdc"]?.money == .zero)
            #expect(summary["balanced"] == true)
        }
    }

    @Test(arguments: StoreBackend.available) func mandateFundedCallsReportTheMandateMethod(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 0], backend: backend) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            let mandate: JSONValue = ["agent_id": .string(agent.id), "api_key": .string(agent.key), "budget_usdc": 0.5]
            let response = try await hub.invoke(nil, mandate: mandate)
            #expect(response.status == 200)
            #expect(response.json["billing"]?["method"] == "mandate")
        }
    }

    @Test(arguments: StoreBackend.available) func priceZeroMovesNoMoney(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 0], backend: backend) { hub in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, action: "free-price")
            #expect(response.status == 200)
            #expect(response.json["billing"]?["transaction_id"] == .null)
            #expect(try await hub.ledgerSummary()["transaction_count"] == 0)
        }
    }

    @Test(arguments: StoreBackend.available) func transactionsAreNewestFirstAndPaginated(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 0], backend: backend) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            for index in 0..<4 { _ = try await hub.invoke(agent, input: ["text": .string("t\(index)")]) }
            let first = try await hub.get("/v1/agents/me/transactions?limit=3", headers: agent.headers)
            #expect(first.status == 200)
            let page = try #require(first.json["transactions"]?.arrayValue)
            #expect(page.count == 3)
            #expect(page[0]["type"] == "charge")
            #expect(page[0]["amount_usdc"]?.money == Money(micros: -10_000))
            #expect(page[0]["balance_after"]?.money == Money(micros: 960_000))
            #expect(page[0]["capability"] == "hub/test-kit")
            let cursor = try #require(first.json["next_cursor"]?.stringValue)
            let second = try await hub.get("/v1/agents/me/transactions?limit=3&cursor=\(cursor)", headers: agent.headers)
            let rest = try #require(second.json["transactions"]?.arrayValue)
            #expect(rest.count == 2)
            #expect(rest.last?["type"] == "credit")
            #expect(rest.last?["amount_usdc"]?.money == Money(units: 1))
            #expect(second.json["next_cursor"] == .null)
            let bad = try await hub.get("/v1/agents/me/transactions?limit=0", headers: agent.headers)
            #expect(bad.status == 400)
            #expect(bad.errorCode == "VALIDATION_FAILED")
        }
    }

    @Test(arguments: StoreBackend.available) func invoicePDFIsARealDocumentAndCostsHalfACent(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.freeCalls": 0], backend: backend) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            let input: JSONValue = [
                "client_name": "Müller & Söhne GmbH",
                "items": [["name": "Web Design", "quantity": 1, "unit_price": 500, "tax_rate": 10],
                          ["name": "Hosting", "quantity": 3, "unit_price": 19.99, "tax_rate": 20]],
                "due_date": "2026-12-31", "currency": "EUR",
            ]
            let response = try await hub.invoke(agent, capability: "document-pipeline", action: "generate-invoice", input: input)
            #expect(response.status == 200, "\(response.text.prefix(400))")
            #expect(response.json["billing"]?["cost_usdc"]?.money == Money(micros: 5_000))
            let metadata = try #require(response.json["result"]?["output"]?["metadata"])
            #expect(metadata["subtotal"]?.money == Money(micros: 559_970_000))
            #expect(metadata["tax_amount"]?.money == Money(micros: 61_990_000))
            #expect(metadata["total_amount"]?.money == Money(micros: 621_960_000))
            #expect(response.text.contains("\"total_amount\":621.96"))
            let pdf = try #require(Data(base64Encoded: response.json["result"]?["output"]?["pdf"]?.stringValue ?? ""))
            let text = try PopplerText.extract(pdf)
            #expect(text.contains("Müller & Söhne GmbH"))
            #expect(text.contains("€621.96"))
            #expect(text.contains(metadata["invoice_number"]?.stringValue ?? "missing"))
        }
    }

    @Test(arguments: StoreBackend.available) func invoiceRejectsUnsupportedScriptsNamingTheCharacters(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let input: JSONValue = ["client_name": "株式会社テスト", "items": [["name": "x", "quantity": 1, "unit_price": 1, "tax_rate": 0]]]
            let response = try await hub.invoke(agent, capability: "document-pipeline", action: "generate-invoice", input: input)
            #expect(response.status == 400)
            #expect(response.errorCode == "INPUT_SCHEMA_VIOLATION")
            #expect(response.text.contains("株"))
            #expect(try await hub.profile(agent)["total_calls"] == 0)
        }
    }
}

/// poppler's `pdftotext`, which CI installs (`poppler-utils`).
enum PopplerText {
    static func extract(_ pdf: Data) throws -> String {
        let tool = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let path = try #require(tool, "pdftotext is missing: install poppler-utils")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let pdftotext = try ChildProcess.run(path, ["-enc", "UTF-8", file.path, "-"])
        #expect(pdftotext.status == 0)
        return String(decoding: pdftotext.output, as: UTF8.self)
    }
}
