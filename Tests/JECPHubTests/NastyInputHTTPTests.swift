import Foundation
import JECPTestProcess
import JECPModels
import Testing

/// The edge inputs of the built-ins issue, end to end: each either works and is checked by an
/// independent tool, or fails with a clear error and costs nothing.
@Suite struct NastyInputHTTPTests {
    @Test func twoHundredLineInvoiceSpansPagesAndTotalsExactly() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            // 200 lines of 0.10 × 3 at 7%: each line's tax is 0.021 → 0.02 (per line), so 60.00 + 4.00.
            let items: [JSONValue] = (1...200).map { ["name": .string("Widget nº \($0) — Grüße"), "quantity": 3, "unit_price": 0.1, "tax_rate": 7] }
            let response = try await hub.invoke(agent, capability: "document-pipeline", action: "generate-invoice",
                                                input: ["client_name": "Ærøskøbing Café", "currency": "EUR", "items": .array(items)])
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let metadata = try #require(response.json["result"]?["output"]?["metadata"])
            #expect(metadata["subtotal"]?.numberValue?.text == "60.00")
            #expect(metadata["tax_amount"]?.numberValue?.text == "4.00")
            #expect(metadata["total_amount"]?.numberValue?.text == "64.00")
            let pdf = try #require(Data(base64Encoded: response.json["result"]?["output"]?["pdf"]?.stringValue ?? ""))
            let pages = try #require(metadata["pages"]?.numberValue?.integerValue)
            #expect(pages >= 4)
            #expect(try Poppler.pageCount(pdf) == Int(pages))
            let text = try PopplerText.extract(pdf)
            #expect(text.contains("Widget nº 1 — Grüße"))
            #expect(text.contains("Widget nº 200 — Grüße"))
            #expect(text.contains("€64.00"))
        }
    }

    @Test(arguments: [(1, 1, 8, 2), (1, 1, 16, 0), (37, 23, 16, 2), (64, 48, 2, 0)])
    func unusualPNGsGoThroughThePipeline(width: Int, height: Int, bitDepth: Int, colorType: Int) async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "gold")
            let source = try PythonImaging.png(width: width, height: height, bitDepth: bitDepth, colorType: colorType)
            let operations: JSONValue = [["op": "resize", "width": 5, "height": 4], ["op": "rotate", "degrees": 90], ["op": "grayscale"]]
            let response = try await hub.invoke(agent, capability: "file-chain", action: "image-pipeline",
                                                input: ["image_png": .string(source.base64EncodedString()), "operations": operations])
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let png = try #require(Data(base64Encoded: response.json["result"]?["output"]?["png"]?.stringValue ?? ""))
            let inspected = try PythonImaging.inspect(png)
            #expect(inspected.width == 4 && inspected.height == 5)
            #expect(response.json["result"]?["output"]?["metadata"]?["size_bytes"]?.numberValue?.integerValue == Int64(png.count))
        }
    }

    @Test func emptyAndTinyDataFailClearlyAndCostNothing() async throws {
        try await TestHub.run(["jecp.freeCalls": 0]) { hub in
            let agent = try await hub.register(tier: "silver")
            try await hub.credit(agent, "1")
            let empty = try await hub.invoke(agent, capability: "data-insight", action: "analyze-csv", input: ["csv": ""])
            #expect(empty.errorCode == "INPUT_SCHEMA_VIOLATION")
            #expect(empty.details["errors"]?.arrayValue?.first?["instance_path"] == "/csv")
            let onePoint = try await hub.invoke(agent, capability: "data-insight", action: "forecast", input: ["series": [42]])
            #expect(onePoint.errorCode == "INPUT_SCHEMA_VIOLATION")
            let oneRow = try await hub.invoke(agent, capability: "data-insight", action: "forecast", input: ["csv": "sales\n42\n"])
            #expect(oneRow.status == 400 || oneRow.status == 422, "\(oneRow.text.prefix(300))")
            #expect(oneRow.json["error"]?["message"]?.stringValue?.isEmpty == false)
            let gold = try await hub.register(tier: "gold")
            try await hub.credit(gold, "1")
            let noPNG = try await hub.invoke(gold, capability: "file-chain", action: "image-pipeline", input: ["image_png": "", "operations": []])
            #expect(noPNG.status == 400)
            // Image data longer than its header says is corrupt (400), not "too large".
            var corrupt = try PythonImaging.png(width: 4, height: 4, bitDepth: 8, colorType: 0)
            corrupt = corrupt.prefix(16) + Data([0, 0, 0, 2]) + corrupt.dropFirst(20)  // claim a height of 2
            let lying = try await hub.invoke(gold, capability: "file-chain", action: "image-pipeline",
                                             input: ["image_png": .string(corrupt.base64EncodedString()), "operations": []])
            #expect(lying.status == 400, "\(lying.text.prefix(200))")
            #expect(try await hub.profile(gold)["balance_usdc"]?.money == Money(micros: 1_000_000))
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 1_000_000))
        }
    }

    @Test func headerOnlyCSVIsProfiledAsEmpty() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "silver")
            let response = try await hub.invoke(agent, capability: "data-insight", action: "analyze-csv", input: ["csv": "\u{FEFF}a,b\r\n"])
            #expect(response.status == 200, "\(response.text.prefix(300))")
            #expect(response.json["result"]?["output"]?["rows"] == 0)
            #expect(response.json["result"]?["output"]?["columns"]?.arrayValue?.map { $0["name"] } == ["a", "b"])
        }
    }
}

/// poppler's `pdfinfo`.
enum Poppler {
    static func pageCount(_ pdf: Data) throws -> Int {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let text = String(decoding: try ChildProcess.run("/usr/bin/env", ["pdfinfo", file.path]).output, as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Pages:") })
        return try #require(Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces)))
    }
}
