import Foundation
import JECPClient
import Testing

/// The "Use it from Swift" agent of the README, line for line (between the markers), run against
/// the real Hub so the README cannot drift from the SDK.
@Suite struct ReadmeAgentTests {
    @Test func theReadmeAgentBuysAnInvoice() async throws {
        try await LiveHub.run(freeCalls: 100) { hub in
            // The README's first line is `let hub = "http://127.0.0.1:8080", pdfFile = URL(fileURLWithPath: "invoice.pdf")`.
            let pdfFile = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).pdf")
            // README BEGIN
            let registration = try await JECPClient.register(hub: hub, name: "swift-agent-\(Int.random(in: 1000...9999))")
            let client = JECPClient(configuration: .init(baseURL: hub, agentID: registration.agentID, apiKey: registration.apiKey))
            do {
                let invoice: JSONValue = ["client_name": "ACME", "currency": "EUR",
                                          "items": [["name": "Support", "quantity": 2, "unit_price": 45, "tax_rate": 19]]]
                let result = try await client.invoke("document-pipeline", "generate-invoice", input: invoice,
                                                     options: .init(mandate: .init(budget: Money(micros: 10_000), expiresIn: .seconds(300))))
                try Data(base64Encoded: result.output["pdf"]?.stringValue ?? "")?.write(to: pdfFile)
                print("invoice.pdf:", result.output["metadata"]?["total_amount"] ?? "?", "paid by", result.billing.method)
            } catch let error as JECPError {
                print("\(error.code.rawValue): \(error.message) -> next: \(error.nextAction?.type ?? "none")")
            }
            try await client.shutdown()
            // README END
            let pdf = try Data(contentsOf: pdfFile)
            try? FileManager.default.removeItem(at: pdfFile)
            #expect(pdf.starts(with: Array("%PDF".utf8)))
        }
    }
}
