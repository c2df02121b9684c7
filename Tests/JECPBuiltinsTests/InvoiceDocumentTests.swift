import Foundation
import JECPTestProcess
import Testing
@testable import JECPBuiltins

// End-to-end checks go through poppler (pdftotext / pdfinfo / pdftoppm), the same parser
// many real viewers use, so "readable" means readable by an independent implementation.

@Suite("InvoiceDocument PDF rendering")
struct InvoiceDocumentTests {
    // MARK: End to end

    @Test func singleItemInvoiceIsReadable() throws {
        let doc = sample(items: [item("Consulting services", amount: "$1,234.50")])
        let pdf = try doc.render()
        let info = try Poppler.info(pdf)
        #expect(info.pages == 1)
        #expect(info.fields["Title"] == "INVOICE INV-2026-000042")
        #expect(info.fields["Producer"] == "JECP Hub")
        #expect(info.fields["PDF version"] == "1.4")
        let text = try Poppler.text(pdf)
        for needle in ["INVOICE", "INV-2026-000042", "Acme Corporation", "Consulting services", "$1,234.50",
                       "2026-11-24", "2026-12-24", "Bill to".uppercased(), "Subtotal", "Page 1 of 1"] {
            #expect(text.contains(needle), "missing \(needle)")
        }
        #expect(text.contains("$1,357.95"))  // the total string
    }

    @Test func manyItemsSpanPagesWithHeadersAndFooters() throws {
        let items = (1...120).map { item(String(format: "Widget model %03d", $0), amount: "$\($0).00") }
        let pdf = try sample(items: items).render()
        let info = try Poppler.info(pdf)
        #expect(info.pages > 1)
        let text = try Poppler.text(pdf)
        for i in 1...120 { #expect(text.contains(String(format: "Widget model %03d", i))) }
        for page in 1...info.pages { #expect(text.contains("Page \(page) of \(info.pages)")) }
        #expect(!text.contains("Page \(info.pages + 1) of"))
        // Table header repeated on continuation pages (all but possibly a totals-only last page).
        #expect(text.components(separatedBy: "Unit price").count - 1 >= info.pages - 1)
        #expect(text.contains("$1,357.95"))
    }

    @Test func latin1AndWinAnsiTextRoundTrips() throws {
        var doc = sample(items: [item("Crème brûlée (large) \\ “special”", amount: "€12,50"), item("– 5 pcs • ½ price…", amount: "€0,99")])
        doc.clientName = "Müller & Söhne — Café"
        doc.clientAddress = "Königstraße 7\n80331 München"
        doc.notes = "Zahlbar ohne Abzug. Danke schön! ‘Œuvre’ ™ © ®"
        let text = try Poppler.text(try doc.render())
        for needle in ["Müller & Söhne — Café", "Königstraße 7", "80331 München", "Crème brûlée (large) \\ “special”", "– 5 pcs • ½ price…",
                       "€12,50", "Danke schön! ‘Œuvre’ ™ © ®"] {
            #expect(text.contains(needle), "missing \(needle)")
        }
    }

    @Test func rgbLogoIsEmbeddedAndDrawnTopRight() throws {
        var doc = sample(items: [item("Logo test", amount: "$1.00")])
        doc.logoPNG = TestPNG.rgb(width: 40, height: 20) { _, _ in (200, 0, 0) }  // 2:1 fills the 120x60 box
        let pdf = try doc.render()
        #expect(try Poppler.info(pdf).pages == 1)
        let page = try Poppler.rasterize(pdf)  // 72 dpi: one pixel per point
        let logoCenter = page.pixel(x: Int(595.28 - 50 - 60), y: 50 + 30)
        #expect(logoCenter.r > 180 && logoCenter.g < 40 && logoCenter.b < 40, "got \(logoCenter)")
        let blank = page.pixel(x: 300, y: 20)
        #expect(blank.r > 240 && blank.g > 240 && blank.b > 240)
        #expect(try Poppler.text(pdf).contains("Logo test"))
    }

    @Test func transparentLogoIsFlattenedOntoWhite() throws {
        var doc = sample(items: [item("Alpha logo", amount: "$1.00")])
        doc.logoPNG = Data(base64Encoded: TestPNG.rgba16x8)!
        let page = try Poppler.rasterize(try doc.render())
        // Left half opaque (x*16, y*32, 128), top-right quarter fully transparent.
        let opaque = page.pixel(x: Int(595.28 - 50 - 120 + 10), y: 50 + 5)
        #expect(opaque.b > 110 && opaque.b < 150, "got \(opaque)")
        let clear = page.pixel(x: Int(595.28 - 50 - 10), y: 50 + 5)
        #expect(clear.r > 240 && clear.g > 240 && clear.b > 240, "got \(clear)")
    }

    @Test func pathologicalLongFieldsStillProduceAValidPDF() throws {
        let long = String(repeating: "W", count: 2000)
        var doc = sample(items: [InvoiceDocument.Line(description: long, quantity: long, unitPrice: "1", taxRate: "0%", amount: "1")])
        doc.clientAddress = String(repeating: "line\n", count: 400)
        doc.notes = String(repeating: "word ", count: 400)
        doc.total = String(repeating: "9", count: 2000)
        doc.kind = .receipt
        doc.paperSize = .letter
        let pdf = try doc.render()
        let info = try Poppler.info(pdf)
        #expect(info.pages > 2)
        #expect(info.fields["Page size"]?.hasPrefix("612 x 792") == true)
        let text = try Poppler.text(pdf)
        #expect(text.contains("RECEIPT"))
        #expect(text.contains("Page \(info.pages) of \(info.pages)"))
    }

    // MARK: Validation

    @Test func unsupportedCharactersAreReported() {
        #expect(InvoiceDocument.unsupportedCharacters(in: "Tokyo 日本 office, 日本") == ["日", "本"])
        #expect(InvoiceDocument.unsupportedCharacters(in: "Müller — “Café” €5\nnext line").isEmpty)
        #expect(InvoiceDocument.unsupportedCharacters(in: "ok 🎉") == ["🎉"])
        // Decomposed é normalises to the encodable precomposed form.
        #expect(InvoiceDocument.unsupportedCharacters(in: "Cafe\u{301}").isEmpty)

        var doc = sample(items: [item("x", amount: "1")])
        doc.clientName = "株式会社日本"
        do {
            _ = try doc.render()
            Issue.record("expected an error")
        } catch {
            guard case .unsupportedCharacters(let field, let chars) = error else { Issue.record("wrong error \(error)"); return }
            #expect(field == "clientName")
            #expect(chars == ["株", "式", "会", "社", "日", "本"])
            #expect(error.description.contains("\"日\" (U+65E5)"))
        }
    }

    @Test func inputLimitsAreEnforced() {
        let many = sample(items: Array(repeating: item("x", amount: "1"), count: InvoiceDocument.maxLines + 1))
        #expect(throws: InvoiceDocument.RenderError.tooManyLines(count: 1001, limit: 1000)) { try many.render() }
        let tooLong = sample(items: [item(String(repeating: "a", count: 2001), amount: "1")])
        #expect(throws: InvoiceDocument.RenderError.fieldTooLong(field: "lines[0].description", length: 2001, limit: 2000)) {
            try tooLong.render()
        }
        var badLogo = sample(items: [item("x", amount: "1")])
        badLogo.logoPNG = Data("GIF89a".utf8)
        #expect(throws: InvoiceDocument.RenderError.invalidLogo("not a PNG file")) { try badLogo.render() }
    }

    // MARK: Writer internals

    @Test func stringEscapingAndEncoding() {
        let escaped = PDFWriter.literalString(WinAnsi.encode("(a)\\b é€—"))
        #expect(String(decoding: escaped, as: UTF8.self) == "(\\(a\\)\\\\b \\351\\200\\227)")
        #expect(WinAnsi.encode("x\u{202F}y") == [0x78, 0x20, 0x79])
    }

    @Test func helveticaWidthsMatchAFM() {
        #expect(abs(PDFFont.helvetica.width(of: "Hello", size: 10) - 22.78) < 0.0001)  // 722+556+222+222+556
        #expect(abs(PDFFont.helveticaBold.width(of: "Total €", size: 1) - 3.223) < 0.0001)  // 611+611+333+556+278+278+556
    }

    @Test func xrefOffsetsPointAtObjects() throws {
        var doc = sample(items: [item("x", amount: "1")])
        doc.logoPNG = TestPNG.rgb(width: 3, height: 2) { x, y in (UInt8(x * 80), UInt8(y * 100), 7) }
        let bytes = [UInt8](try doc.render())
        let text = String(decoding: bytes, as: UTF8.self)
        let startxref = try #require(text.range(of: "startxref\n", options: .backwards))
        let xrefOffset = try #require(Int(text[startxref.upperBound...].prefix { $0.isNumber }))
        let table = String(decoding: bytes[xrefOffset...], as: UTF8.self).split(separator: "\n")
        #expect(table[0] == "xref")
        let count = try #require(Int(table[1].split(separator: " ")[1]))
        for n in 1..<count {
            let offset = try #require(Int(table[2 + n].prefix(10)))
            let header = Array("\(n) 0 obj".utf8)
            #expect(Array(bytes[offset..<offset + header.count]) == header, "object \(n)")
        }
    }

    @Test func pngDecoderHandlesAlphaPaletteAndRejectsTheRest() throws {
        let rgba = try PNGImage(data: Data(base64Encoded: TestPNG.rgba16x8)!)
        #expect(!rgba.isFlateWithPredictor && rgba.colorSpace == .deviceRGB && rgba.data.count == 16 * 8 * 3)
        for y in 0..<8 {
            for x in 0..<16 {
                let a = x < 8 ? 255 : (y < 4 ? 0 : 128)
                let expected = [x * 16, y * 32, 128].map { UInt8(($0 * a + 255 * (255 - a) + 127) / 255) }
                let p = (y * 16 + x) * 3
                #expect(Array(rgba.data[p..<p + 3]) == expected, "pixel \(x),\(y)")
            }
        }
        let palette = try PNGImage(data: Data(base64Encoded: TestPNG.palette8x2)!)
        let colors: [[UInt8]] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]  // index 3 transparent
        for y in 0..<2 {
            for x in 0..<8 {
                let p = (y * 8 + x) * 3
                #expect(Array(palette.data[p..<p + 3]) == colors[(x + y) % 4])
            }
        }
        let rgb = try PNGImage(data: TestPNG.rgb(width: 2, height: 2) { _, _ in (1, 2, 3) })
        #expect(rgb.isFlateWithPredictor && rgb.components == 3)

        #expect(throws: PNGImage.Error.unsupported("16-bit samples")) {
            try PNGImage(data: TestPNG.make(width: 1, height: 1, bitDepth: 16, colorType: 2, raw: [0, 0, 0, 0, 0, 0, 0]))
        }
        #expect(throws: PNGImage.Error.unsupported("interlaced images")) {
            try PNGImage(data: TestPNG.make(width: 1, height: 1, bitDepth: 8, colorType: 2, raw: [0, 1, 2, 3], interlaced: true))
        }
        #expect(throws: PNGImage.Error.self) {  // corrupt zlib data on the decode path
            try PNGImage(data: TestPNG.make(width: 1, height: 1, bitDepth: 8, colorType: 6, raw: [0, 1, 2, 3, 4], corruptAdler: true))
        }
    }

    // MARK: Fixtures

    private func item(_ name: String, amount: String) -> InvoiceDocument.Line {
        InvoiceDocument.Line(description: name, quantity: "1", unitPrice: amount, taxRate: "10%", amount: amount)
    }

    private func sample(items: [InvoiceDocument.Line]) -> InvoiceDocument {
        InvoiceDocument(
            kind: .invoice, documentNumber: "INV-2026-000042", issueDate: "2026-11-24", dueDate: "2026-12-24",
            issuer: "JECP Payments Ltd", clientName: "Acme Corporation", clientAddress: "1 Infinite Loop\nSpringfield",
            currency: "USD", lines: items, subtotal: "$1,234.50", taxTotal: "$123.45", total: "$1,357.95",
            notes: "Thank you for your business. Payment is due within 30 days.")
    }
}

// MARK: - Poppler helpers

private enum Poppler {
    struct Info { var pages: Int; var fields: [String: String] }
    struct Image {
        var width: Int, height: Int, rgb: [UInt8]
        func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
            let p = (y * width + x) * 3
            return (rgb[p], rgb[p + 1], rgb[p + 2])
        }
    }

    /// Finds a poppler tool; fails the calling test with a clear message when it is missing.
    static func tool(_ name: String) throws -> URL {
        let dirs = ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        let found = dirs.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "\(name) not found in \(dirs): install poppler-utils (apt-get install -y poppler-utils / brew install poppler)")
    }

    /// Runs a tool on the PDF and returns stdout; any stderr output (syntax errors, warnings) fails.
    static func run(_ name: String, _ pdf: Data, args: [String], output: String? = nil) throws -> Data {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("invoice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("doc.pdf")
        try pdf.write(to: input)
        let result = try ChildProcess.run(try tool(name).path, args + [input.path] + (output.map { [dir.appendingPathComponent($0).path] } ?? []))
        let err = String(decoding: result.errors, as: UTF8.self)
        #expect(result.status == 0, "\(name) exited with \(result.status): \(err)")
        #expect(err.isEmpty, "\(name) reported: \(err)")
        if let output { return try Data(contentsOf: dir.appendingPathComponent(output)) }
        return Data(result.output)
    }

    static func info(_ pdf: Data) throws -> Info {
        let raw = String(decoding: try run("pdfinfo", pdf, args: []), as: UTF8.self)
        var fields: [String: String] = [:]
        for line in raw.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Info(pages: try #require(fields["Pages"].flatMap { Int($0) }, "no Pages in pdfinfo output"), fields: fields)
    }

    static func text(_ pdf: Data) throws -> String {
        String(decoding: try run("pdftotext", pdf, args: ["-enc", "UTF-8", "-layout"], output: "out.txt"), as: UTF8.self)
    }

    /// First page at 72 dpi as raw RGB (PPM), so one pixel is one PDF point.
    static func rasterize(_ pdf: Data) throws -> Image {
        let bytes = [UInt8](try run("pdftoppm", pdf, args: ["-r", "72", "-f", "1", "-l", "1"]))
        // P6 header: "P6\n<w> <h>\n255\n" then binary RGB.
        var fields: [String] = [], current = "", index = 0
        while fields.count < 4, index < bytes.count {
            let c = bytes[index]; index += 1
            if c == 0x20 || c == 0x0A { if !current.isEmpty { fields.append(current); current = "" } } else { current.append(Character(UnicodeScalar(c))) }
        }
        guard fields.count == 4, fields[0] == "P6", let w = Int(fields[1]), let h = Int(fields[2]) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return Image(width: w, height: h, rgb: Array(bytes[index..<index + w * h * 3]))
    }
}

// MARK: - PNG fixtures

private enum TestPNG {
    /// 16x8 RGBA, zlib level 9 (dynamic Huffman), all five filter types; pixel (x, y) is
    /// (x*16, y*32, 128) with alpha 255 for x < 8, else 0 (y < 4) or 128.
    static let rgba16x8 = "iVBORw0KGgoAAAANSUhEUgAAABAAAAAICAYAAADwdn+XAAAAe0lEQVR42rXQMRGAMBBE0Q1QUCIhEpAQCUhAAhIOB0iIBCREAhKQgAP4IOAoGG7mXbMzW6wkOztE9EgYMGKCybQgY0XBhh0HguJdIDmCl1eK/A9qpWQtVY7Zy5unyT/z48wGiOiRMGDEBMtmCzJWFGzYcSCovI44/zriBbSGSschZF8jAAAAAElFTkSuQmCC"
    /// 8x2, 2-bit palette (red, green, blue, black) with index 3 fully transparent via tRNS;
    /// pixel (x, y) has index (x + y) % 4. Fixed-Huffman deflate block.
    static let palette8x2 = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAACAgMAAAAY+nV+AAAADFBMVEX/AAAA/wAAAP8AAAD7vkbkAAAABHRSTlP///8AQCqp9AAAAA5JREFUeNpjkJZmyMkBAAI9AQ+UMlI5AAAAAElFTkSuQmCC"

    static func rgb(width: Int, height: Int, _ color: (Int, Int) -> (UInt8, UInt8, UInt8)) -> Data {
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)  // filter: None
            for x in 0..<width { let c = color(x, y); raw += [c.0, c.1, c.2] }
        }
        return make(width: width, height: height, bitDepth: 8, colorType: 2, raw: raw)
    }

    /// A valid PNG whose zlib stream uses uncompressed "stored" deflate blocks, because
    /// Foundation has no zlib encoder on Linux.
    static func make(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, raw: [UInt8],
                     interlaced: Bool = false, corruptAdler: Bool = false) -> Data {
        var zlib: [UInt8] = [0x78, 0x01]
        var blocks = stride(from: 0, to: raw.count, by: 65535).map { Array(raw[$0..<min($0 + 65535, raw.count)]) }
        if blocks.isEmpty { blocks = [[]] }
        for (i, block) in blocks.enumerated() {
            let len = UInt16(block.count)
            zlib += [i == blocks.count - 1 ? 1 : 0, UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)] + block
        }
        var adler = Inflater.adler32(raw)
        if corruptAdler { adler ^= 1 }
        zlib += be32(adler)
        let ihdr = be32(UInt32(width)) + be32(UInt32(height)) + [bitDepth, colorType, 0, 0, interlaced ? 1 : 0]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", zlib) + chunk("IEND", []))
    }

    private static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return be32(UInt32(body.count)) + typed + be32(crc32(typed))
    }

    private static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }
}
