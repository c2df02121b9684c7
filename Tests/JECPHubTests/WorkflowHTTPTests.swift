import Foundation
import JECPModels
import JECPSchema
import Testing

/// Composite actions (spec 01 §4.4, 04 §5.2) through `POST /v1/invoke`: steps in order with bound
/// inputs, derived request ids, one charge at the composite's price, nothing charged on failure.
@Suite struct WorkflowHTTPTests {
    func funded(_ hub: TestHub, tier: String = "platinum") async throws -> TestAgent {
        let agent = try await hub.register(tier: tier)
        try await hub.credit(agent, "1")
        return agent
    }

    func outputSchema(_ hub: TestHub, _ capability: String, _ action: String) async throws -> CompiledSchema {
        try CompiledSchema(try #require(try await hub.catalogOutputSchema(capability, action)))
    }

    @Test func invoiceAndSummaryPutsTheSummaryIntoTheInvoiceAndChargesOnce() async throws {
        try await TestHub.run(["jecp.freeCalls": 0]) { hub in
            let agent = try await funded(hub)
            let notes = "We rebuilt the billing service in Swift. The rewrite cut response times from 80 ms to 9 ms. "
                + "We also moved the database to a smaller machine. Lunch on Tuesday was pizza. The team wrote 400 new tests for the ledger."
            let input: JSONValue = ["client_name": "Globex Ltd", "currency": "GBP", "due_date": "2027-01-15", "project_notes": .string(notes),
                                    "items": [["name": "Swift consulting", "quantity": 3, "unit_price": 1200, "tax_rate": 20]]]
            let response = try await hub.invoke(agent, capability: "workflow", action: "invoice-and-summary", input: input)
            #expect(response.status == 200, "\(response.text.prefix(400))")
            let output = try #require(response.json["result"]?["output"])
            #expect(try await outputSchema(hub, "workflow", "invoice-and-summary").validate(output).isEmpty)
            let summary = try #require(output["summary"]?["summary"]?.stringValue)
            #expect(!summary.isEmpty && !summary.contains("pizza"))
            #expect(output["invoice"]?["metadata"]?["total_amount"]?.numberValue?.text == "4320.00")
            let pdf = try #require(Data(base64Encoded: output["invoice"]?["pdf"]?.stringValue ?? ""))
            let text = try PopplerText.extract(pdf).replacingOccurrences(of: "\n", with: " ")
            #expect(text.contains("Globex Ltd"))
            #expect(text.contains("£4,320.00"))
            #expect(text.contains("Work summary:"))

            // One charge at the composite's price, none for the steps.
            #expect(response.json["billing"]?["cost_usdc"]?.money == Money(micros: 20_000))
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 980_000))
            let transactions = try #require(try await hub.get("/v1/agents/me/transactions", headers: agent.headers).json["transactions"]?.arrayValue)
            #expect(transactions.count == 2)  // the credit and this charge
        }
    }

    @Test func csvReportFindsTheSpikeAndChartsTheForecast() async throws {
        try await TestHub.run { hub in
            let agent = try await funded(hub)
            var csv = "day,orders\n"
            for day in 0..<40 { csv += "\(day),\(day == 17 ? 900 : 100 + day % 7 * 3)\n" }
            let input: JSONValue = ["csv": .string(csv), "column": "orders", "horizon": 7]
            let response = try await hub.invoke(agent, capability: "workflow", action: "csv-report", input: input, extra: ["delivery": ["format": "url"]])
            #expect(response.status == 200, "\(response.text.prefix(400))")
            let output = try #require(response.json["result"]?["output"])
            #expect(output["profile"]?["rows"] == 40)
            #expect(output["anomalies"]?["anomalies"]?.arrayValue?.contains { $0["index"] == 17 } == true)
            #expect(output["forecast"]?["predictions"]?.arrayValue?.count == 7)
            // The nested chart is delivered by URL and is a PNG.
            #expect(output["forecast"]?["chart"] == nil)
            let url = try #require(output["forecast"]?["chart_url"]?.stringValue)
            let png = try await hub.get(String(url.dropFirst("https://hub.test".count)))
            #expect(png.status == 200)
            #expect(Array(png.bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        }
    }

    @Test func aFailingStepRollsBackWithNothingCharged() async throws {
        try await TestHub.run(["jecp.freeCalls": 0]) { hub in
            let agent = try await funded(hub)
            let input: JSONValue = ["csv": "day,orders\n1,5\n2,6\n3,7\n", "column": "no-such-column", "horizon": 2]
            let response = try await hub.invoke(agent, capability: "workflow", action: "csv-report", input: input)
            #expect(response.status == 502)
            #expect(response.errorCode == "COMPOSITE_STEP_FAILED")
            #expect(response.details["failed_step_id"] == "anomalies")
            #expect(response.details["completed_steps"] == ["profile"])
            #expect(response.details["refunds_issued"] == [])
            #expect(response.details["upstream_error"]?["code"]?.stringValue != nil)
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 1_000_000))

            // The test kit's composite: steps run in order and stop at the failure.
            let kit = try await hub.invoke(agent, action: "compose-fails", input: ["text": "x"])
            #expect(kit.errorCode == "COMPOSITE_STEP_FAILED")
            #expect(kit.details["failed_step_id"] == "boom")
            #expect(kit.details["upstream_error"]?["code"] == "EXECUTION_FAILED")
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 1_000_000))
        }
    }

    @Test func stepsBindEarlierOutputsAndSeeDerivedRequestIDs() async throws {
        try await TestHub.run { hub in
            let agent = try await funded(hub, tier: "bronze")
            let response = try await hub.invoke(agent, action: "compose-echo", input: ["text": "hello"], id: "req-composite-1")
            #expect(response.status == 200, "\(response.text.prefix(300))")
            #expect(response.json["result"]?["output"] == [
                "first": ["text": "hello"], "second": ["text": "again: hello"], "third": ["text": "again: hello"],
                "fourth": ["request_id": "req-composite-1:fourth"],
            ])
            #expect(TestKit.executions.withLock { $0["again: hello"] } == 1)
            // A replay is the stored response: no step runs again.
            let replay = try await hub.invoke(agent, action: "compose-echo", input: ["text": "hello"], id: "req-composite-1")
            #expect(replay.bytes == response.bytes)
            #expect(TestKit.executions.withLock { $0["again: hello"] } == 1)
        }
    }

    @Test func continuePolicyBindsTheErrorAndGoesOn() async throws {
        try await TestHub.run { hub in
            let agent = try await funded(hub, tier: "bronze")
            let response = try await hub.invoke(agent, action: "compose-continue", input: ["text": "on"])
            #expect(response.status == 200)
            #expect(response.json["result"]?["output"]?["boom"]?["error"]?["code"] == "EXECUTION_FAILED")
            #expect(response.json["result"]?["output"]?["after"] == ["text": "on"])
        }
    }

    @Test func unboundReferencesAndSlowCompositesFailCleanly() async throws {
        try await TestHub.run(["jecp.freeCalls": 0]) { hub in
            let agent = try await funded(hub, tier: "bronze")
            let unbound = try await hub.invoke(agent, action: "compose-unbound", input: ["text": "x"])
            #expect(unbound.status == 422)
            #expect(unbound.errorCode == "COMPOSITE_BIND_ERROR")
            #expect(unbound.details["reference"] == "${input.missing}")
            let slow = try await hub.invoke(agent, action: "compose-slow", input: [:])
            #expect(slow.status == 504)
            #expect(slow.errorCode == "COMPOSITE_TIMEOUT")
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 1_000_000))
        }
    }

    @Test func catalogShowsTheCompositionAndTheTier() async throws {
        try await TestHub.run { hub in
            let detail = try await hub.get("/v1/capabilities/workflow").json
            let action = try #require(detail["actions"]?.arrayValue?.first { $0["id"] == "invoice-and-summary" })
            #expect(action["trust_tier_required"] == "platinum")
            #expect(action["composes"]?["steps"]?.arrayValue?.map { $0["id"] } == ["summary", "invoice"])
            #expect(action["artifacts"]?.arrayValue?.first?["path"] == "/invoice/pdf")
            let gold = try await hub.register(tier: "gold")
            let refused = try await hub.invoke(gold, capability: "workflow", action: "csv-report", input: ["csv": "a\n1\n", "column": "a", "horizon": 1])
            #expect(refused.errorCode == "INSUFFICIENT_TRUST")
        }
    }
}
