import Foundation
import JECPModels
import Testing

/// Binary artifacts through `POST /v1/invoke`: quotes and receipts (PDF), forecast charts and the
/// image pipeline (PNG). PNG dimensions are read straight from the IHDR bytes, not by our decoder.
@Suite struct ArtifactHTTPTests {
    @Test(arguments: [("generate-quote", "QUOTE", "valid_until"), ("generate-receipt", "RECEIPT", "paid_date")])
    func quotesAndReceiptsAreRealPDFs(action: String, title: String, dateField: String) async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "silver")
            let input: JSONValue = ["client_name": "Café Zürich", "currency": "JPY", .init(stringLiteral: dateField): "2026-12-24",
                                    "items": [["name": "Espresso machine", "quantity": 2, "unit_price": 39800, "tax_rate": 10]]]
            let response = try await hub.invoke(agent, capability: "document-pipeline", action: action, input: input)
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let metadata = try #require(response.json["result"]?["output"]?["metadata"])
            #expect(metadata["total_amount"]?.numberValue?.text == "87560")
            let pdf = try #require(Data(base64Encoded: response.json["result"]?["output"]?["pdf"]?.stringValue ?? ""))
            let text = try PopplerText.extract(pdf)
            #expect(text.contains(title))
            #expect(text.contains("Café Zürich"))
            #expect(text.contains("¥87,560"))
            #expect(text.contains(metadata["document_number"]?.stringValue ?? "missing"))
        }
    }

    @Test func forecastChartIsAPNG() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "silver")
            let series: JSONValue = .array((0..<30).map { .number(JSONNumber(Double($0) * 1.5 + 10)) })
            let response = try await hub.invoke(agent, capability: "data-insight", action: "forecast", input: ["series": series, "horizon": 5, "chart": true])
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let png = try #require(Data(base64Encoded: response.json["result"]?["output"]?["chart"]?.stringValue ?? ""))
            #expect(PNGHeader(png)?.width == 800)
            #expect(PNGHeader(png)?.height == 400)
        }
    }

    @Test func imagePipelineResizesRotatesAndRefusesBadInput() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "gold")
            let source = PNGHeader.makeRGB(width: 40, height: 20)
            let operations: JSONValue = [["op": "resize", "width": 20, "height": 20, "keep_aspect": true], ["op": "rotate", "degrees": 90],
                                         ["op": "grayscale"], ["op": "blur", "radius": 1]]
            let response = try await hub.invoke(agent, capability: "file-chain", action: "image-pipeline",
                                                input: ["image_png": .string(source.base64EncodedString()), "operations": operations])
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let output = try #require(response.json["result"]?["output"])
            let png = try #require(Data(base64Encoded: output["png"]?.stringValue ?? ""))
            #expect(PNGHeader(png)?.width == 10)
            #expect(PNGHeader(png)?.height == 20)
            #expect(output["metadata"]?["steps_applied"] == 4)
            #expect(output["metadata"]?["size_bytes"]?.numberValue?.integerValue == Int64(png.count))

            let crop = try await hub.invoke(agent, capability: "file-chain", action: "image-pipeline",
                                            input: ["image_png": .string(source.base64EncodedString()),
                                                    "operations": [["op": "crop", "x": 30, "y": 0, "width": 20, "height": 5]]])
            #expect(crop.status == 400)
            #expect(crop.errorCode == "INPUT_SCHEMA_VIOLATION")
            let notPNG = try await hub.invoke(agent, capability: "file-chain", action: "image-pipeline",
                                              input: ["image_png": "aGVsbG8=", "operations": []])
            #expect(notPNG.errorCode == "INPUT_SCHEMA_VIOLATION")
            let huge = PNGHeader.makeHeaderOnly(width: 10_000, height: 10_000)
            let tooLarge = try await hub.invoke(agent, capability: "file-chain", action: "image-pipeline",
                                                input: ["image_png": .string(huge.base64EncodedString()), "operations": []])
            #expect(tooLarge.status == 413)
            #expect(tooLarge.errorCode == "INPUT_TOO_LARGE")
            #expect(try await hub.profile(agent)["total_calls"] == 1)
        }
    }
}

/// Minimal PNG reading and writing for tests, independent of the Hub's codec: stored (uncompressed)
/// deflate blocks, CRC-32 and Adler-32 written out by hand.
struct PNGHeader {
    let width: Int
    let height: Int

    init?(_ data: Data) {
        let bytes = [UInt8](data)
        guard bytes.count > 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR"
        else { return nil }
        func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        width = be32(16)
        height = be32(20)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func chunk(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + payload
        return be(UInt32(payload.count)) + body + be(crc32(body))
    }

    static func be(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

    static func header(width: Int, height: Int) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", be(UInt32(width)) + be(UInt32(height)) + [8, 2, 0, 0, 0])
    }

    /// An RGB gradient, filter type 0 on every row.
    static func makeRGB(width: Int, height: Int) -> Data {
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)
            for x in 0..<width { raw += [UInt8(x * 255 / width), UInt8(y * 255 / height), 128] }
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65_535, raw.count - offset)
            let final: UInt8 = offset + count == raw.count ? 1 : 0
            zlib += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + count)]
            offset += count
        } while offset < raw.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        zlib += be(b << 16 | a)
        return Data(header(width: width, height: height) + chunk("IDAT", zlib) + chunk("IEND", []))
    }

    /// A header that claims a huge image, with a token IDAT: must be refused before allocating.
    static func makeHeaderOnly(width: Int, height: Int) -> Data {
        Data(header(width: width, height: height) + chunk("IDAT", [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", []))
    }
}
