import Foundation

/// A minimal PDF 1.4 writer: pages with text (standard Helvetica fonts, WinAnsi), lines,
/// rectangles and PNG images. Coordinates are PDF points with the origin at bottom-left.
///
/// Content streams are written uncompressed: Foundation has no deflate on Linux, and
/// invoice pages are only a few kilobytes of operators.
struct PDFWriter: Sendable {
    enum PageSize: Sendable {
        case a4, letter
        var width: Double { self == .a4 ? 595.28 : 612 }
        var height: Double { self == .a4 ? 841.89 : 792 }
    }

    struct Color: Sendable, Equatable {
        var r: Double, g: Double, b: Double
        static let black = Color(r: 0, g: 0, b: 0)
        static func gray(_ v: Double) -> Color { Color(r: v, g: v, b: v) }
    }

    /// Handle returned by `addImage`; images are stored once and can be drawn on many pages.
    struct ImageID: Sendable, Hashable { fileprivate let index: Int }

    let pageSize: PageSize
    var title: String
    var producer: String
    var creationDate: Date

    private var pages: [[UInt8]] = []
    private var pageImages: [Set<Int>] = []
    private var images: [PNGImage] = []
    /// Index of the page drawing operations go to.
    private(set) var currentPage = -1

    init(pageSize: PageSize = .a4, title: String, producer: String, creationDate: Date = Date()) {
        self.pageSize = pageSize
        self.title = title
        self.producer = producer
        self.creationDate = creationDate
    }

    var pageCount: Int { pages.count }

    mutating func beginPage() {
        pages.append([])
        pageImages.append([])
        currentPage = pages.count - 1
    }

    /// Switches drawing back to an earlier page (used to stamp "Page N of M" footers).
    mutating func selectPage(_ index: Int) {
        precondition(pages.indices.contains(index), "no such page")
        currentPage = index
    }

    mutating func addImage(_ image: PNGImage) -> ImageID {
        images.append(image)
        return ImageID(index: images.count - 1)
    }

    // MARK: Drawing

    /// Draws one line of text with its baseline starting at (x, y). No wrapping or newlines.
    mutating func drawText(_ text: String, x: Double, y: Double, font: PDFFont, size: Double, color: Color = .black) {
        emit("BT \(fill(color)) /\(font.resourceName) \(num(size)) Tf \(num(x)) \(num(y)) Td ")
        emitBytes(Self.literalString(WinAnsi.encode(text)))
        emit(" Tj ET\n")
    }

    mutating func drawLine(x1: Double, y1: Double, x2: Double, y2: Double, width: Double = 0.5, color: Color = .black) {
        emit("q \(stroke(color)) \(num(width)) w \(num(x1)) \(num(y1)) m \(num(x2)) \(num(y2)) l S Q\n")
    }

    mutating func strokeRect(x: Double, y: Double, width: Double, height: Double, lineWidth: Double = 0.5, color: Color = .black) {
        emit("q \(stroke(color)) \(num(lineWidth)) w \(num(x)) \(num(y)) \(num(width)) \(num(height)) re S Q\n")
    }

    mutating func fillRect(x: Double, y: Double, width: Double, height: Double, color: Color) {
        emit("q \(fill(color)) \(num(x)) \(num(y)) \(num(width)) \(num(height)) re f Q\n")
    }

    /// Draws an image stretched to the given box (callers keep the aspect ratio).
    mutating func drawImage(_ id: ImageID, x: Double, y: Double, width: Double, height: Double) {
        pageImages[currentPage].insert(id.index)
        emit("q \(num(width)) 0 0 \(num(height)) \(num(x)) \(num(y)) cm /Im\(id.index + 1) Do Q\n")
    }

    private mutating func emit(_ s: String) {
        precondition(currentPage >= 0, "beginPage() must be called before drawing")
        pages[currentPage].append(contentsOf: s.utf8)
    }
    private mutating func emitBytes(_ b: [UInt8]) {
        precondition(currentPage >= 0, "beginPage() must be called before drawing")
        pages[currentPage].append(contentsOf: b)
    }

    private func fill(_ c: Color) -> String { "\(num(c.r)) \(num(c.g)) \(num(c.b)) rg" }
    private func stroke(_ c: Color) -> String { "\(num(c.r)) \(num(c.g)) \(num(c.b)) RG" }

    // MARK: Serialisation

    /// Produces the complete file. Object layout: 1 catalog, 2 page tree, 3 info, 4-5 fonts,
    /// then one object per image, then a page object and a content stream per page.
    func write() -> Data {
        var out: [UInt8] = []
        var offsets: [Int] = [0]  // index 0 is the free-list head; offsets[n] is object n
        // The binary comment marks the file as 8-bit so transfer tools do not mangle it.
        out += Array("%PDF-1.4\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]

        func object(_ body: [UInt8]) {
            offsets.append(out.count)
            out += Array("\(offsets.count - 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        func object(_ body: String) { object(Array(body.utf8)) }
        func stream(dict: String, _ data: [UInt8]) -> [UInt8] {
            Array("<< \(dict) /Length \(data.count) >>\nstream\n".utf8) + data + Array("\nendstream".utf8)
        }

        let firstImage = 6
        let firstPage = firstImage + images.count
        let kids = pages.indices.map { "\(firstPage + 2 * $0) 0 R" }.joined(separator: " ")

        object("<< /Type /Catalog /Pages 2 0 R >>")
        object("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
        object(Array("<< /Producer ".utf8) + Self.textString(producer) + Array(" /Title ".utf8) + Self.textString(title)
            + Array(" /CreationDate (\(Self.pdfDate(creationDate))) >>".utf8))
        for font in PDFFont.allCases {
            object("<< /Type /Font /Subtype /Type1 /BaseFont /\(font.baseFont) /Encoding /WinAnsiEncoding >>")
        }
        for image in images {
            var dict = "/Type /XObject /Subtype /Image /Width \(image.width) /Height \(image.height) "
                + "/ColorSpace /\(image.colorSpace.rawValue) /BitsPerComponent 8"
            if image.isFlateWithPredictor {
                dict += " /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors \(image.components)"
                    + " /BitsPerComponent 8 /Columns \(image.width) >>"
            }
            object(stream(dict: dict, image.data))
        }
        let fonts = PDFFont.allCases.enumerated().map { "/\($1.resourceName) \(4 + $0) 0 R" }.joined(separator: " ")
        for (i, content) in pages.enumerated() {
            let xobjects = pageImages[i].sorted().map { "/Im\($0 + 1) \(firstImage + $0) 0 R" }.joined(separator: " ")
            let resources = "<< /Font << \(fonts) >>" + (xobjects.isEmpty ? "" : " /XObject << \(xobjects) >>") + " >>"
            object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(num(pageSize.width)) \(num(pageSize.height))]"
                + " /Resources \(resources) /Contents \(firstPage + 2 * i + 1) 0 R >>")
            object(stream(dict: "", content))
        }

        // Each xref entry must be exactly 20 bytes, hence the space before "\n".
        let xrefOffset = out.count
        var xref = "xref\n0 \(offsets.count)\n0000000000 65535 f \n"
        for offset in offsets.dropFirst() {
            let digits = String(offset)
            xref += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        xref += "trailer\n<< /Size \(offsets.count) /Root 1 0 R /Info 3 0 R >>\nstartxref\n\(xrefOffset)\n%%EOF\n"
        out += Array(xref.utf8)
        return Data(out)
    }

    // MARK: Encoding helpers

    /// A PDF literal string from WinAnsi bytes. Delimiters and the escape character are
    /// backslash-escaped; everything outside printable ASCII becomes `\ooo` so the content
    /// stream stays 7-bit clean and unambiguous.
    static func literalString(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x28]
        for b in bytes {
            switch b {
            case 0x28, 0x29, 0x5C: out += [0x5C, b]
            case 0x20...0x7E: out.append(b)
            default: out += [0x5C, 0x30 + (b >> 6), 0x30 + (b >> 3 & 7), 0x30 + (b & 7)]
            }
        }
        out.append(0x29)
        return out
    }

    /// A document-information text string: plain literal when ASCII, otherwise UTF-16BE
    /// with a byte-order mark (PDF's way of storing Unicode in metadata).
    static func textString(_ s: String) -> [UInt8] {
        if s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return literalString(Array(s.utf8))
        }
        let hex = ([0xFEFF] + Array(s.utf16)).map { String($0, radix: 16, uppercase: true) }
            .map { String(repeating: "0", count: 4 - $0.count) + $0 }.joined()
        return Array("<\(hex)>".utf8)
    }

    /// `D:YYYYMMDDHHmmSSZ` in UTC.
    static func pdfDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "D:\(c.year ?? 1970)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }
}

/// Formats a coordinate with at most two decimals and no exponent or locale separators,
/// as PDF numbers require.
fileprivate func num(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let hundredths = Int((v * 100).rounded())
    let sign = hundredths < 0 ? "-" : ""
    let whole = abs(hundredths) / 100, frac = abs(hundredths) % 100
    if frac == 0 { return sign + String(whole) }
    return sign + String(whole) + (frac % 10 == 0 ? ".\(frac / 10)" : (frac < 10 ? ".0\(frac)" : ".\(frac)"))
}
