import Foundation

/// A plain invoice/quote/receipt model rendered to PDF with the built-in Helvetica fonts.
/// All amounts arrive preformatted: this type lays out text, it never does money arithmetic.
public struct InvoiceDocument: Sendable {
    public enum Kind: String, Sendable {
        case invoice, quote, receipt
        public var title: String { rawValue.uppercased() }
    }

    public enum PaperSize: String, Sendable { case a4, letter }

    public struct Line: Sendable {
        public var description: String
        public var quantity: String
        public var unitPrice: String
        public var taxRate: String
        public var amount: String

        public init(description: String, quantity: String, unitPrice: String, taxRate: String, amount: String) {
            self.description = description
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.taxRate = taxRate
            self.amount = amount
        }
    }

    /// Why a document cannot be rendered; every case is the caller's input, i.e. a 4xx.
    public enum RenderError: Error, Sendable, Equatable, CustomStringConvertible {
        case tooManyLines(count: Int, limit: Int)
        case fieldTooLong(field: String, length: Int, limit: Int)
        /// The standard PDF fonts only cover WinAnsi (Western European) text.
        case unsupportedCharacters(field: String, characters: [Character])
        case invalidLogo(String)

        public var description: String {
            switch self {
            case .tooManyLines(let count, let limit):
                return "too many line items: \(count) (limit \(limit))"
            case .fieldTooLong(let field, let length, let limit):
                return "\(field) is too long: \(length) characters (limit \(limit))"
            case .unsupportedCharacters(let field, let characters):
                let list = characters.map { ch in
                    let codes = ch.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(4) }
                    return "\"\(ch)\" (\(codes.joined(separator: " ")))"
                }
                return "\(field) contains characters the PDF fonts cannot render: \(list.joined(separator: ", "))"
            case .invalidLogo(let why):
                return "logo: \(why)"
            }
        }
    }

    public static let maxLines = 1000
    public static let maxFieldLength = 2000
    public static let maxLogoBytes = 2_000_000

    public var kind: Kind
    public var documentNumber: String
    public var issueDate: String
    public var dueDate: String?
    public var issuer: String?
    public var clientName: String
    public var clientAddress: String?
    public var currency: String
    public var lines: [Line]
    public var subtotal: String
    public var taxTotal: String
    public var total: String
    public var notes: String?
    public var logoPNG: Data?
    public var paperSize: PaperSize

    public init(
        kind: Kind, documentNumber: String, issueDate: String, dueDate: String? = nil, issuer: String? = nil,
        clientName: String, clientAddress: String? = nil, currency: String, lines: [Line],
        subtotal: String, taxTotal: String, total: String, notes: String? = nil, logoPNG: Data? = nil,
        paperSize: PaperSize = .a4
    ) {
        self.kind = kind
        self.documentNumber = documentNumber
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.issuer = issuer
        self.clientName = clientName
        self.clientAddress = clientAddress
        self.currency = currency
        self.lines = lines
        self.subtotal = subtotal
        self.taxTotal = taxTotal
        self.total = total
        self.notes = notes
        self.logoPNG = logoPNG
        self.paperSize = paperSize
    }

    /// Distinct characters of `text` that the PDF fonts cannot show (e.g. CJK, emoji),
    /// in order of first appearance. Empty means the text renders faithfully.
    public static func unsupportedCharacters(in text: String) -> [Character] {
        WinAnsi.unencodableCharacters(in: text)
    }

    /// Checks the input limits and character repertoire without rendering.
    public func validate() throws(RenderError) {
        guard lines.count <= Self.maxLines else { throw .tooManyLines(count: lines.count, limit: Self.maxLines) }
        for (field, value) in textFields {
            // Scalars, not Characters: one Character can hide unbounded combining marks.
            let length = value.unicodeScalars.count
            guard length <= Self.maxFieldLength else {
                throw .fieldTooLong(field: field, length: length, limit: Self.maxFieldLength)
            }
            let bad = Self.unsupportedCharacters(in: value)
            guard bad.isEmpty else { throw .unsupportedCharacters(field: field, characters: bad) }
        }
        if let logo = logoPNG, logo.count > Self.maxLogoBytes {
            throw .invalidLogo("\(logo.count) bytes (limit \(Self.maxLogoBytes))")
        }
    }

    private var textFields: [(String, String)] {
        var fields: [(String, String)] = [
            ("documentNumber", documentNumber), ("issueDate", issueDate), ("clientName", clientName),
            ("currency", currency), ("subtotal", subtotal), ("taxTotal", taxTotal), ("total", total),
        ]
        for (name, value) in [("dueDate", dueDate), ("issuer", issuer), ("clientAddress", clientAddress), ("notes", notes)] {
            if let value { fields.append((name, value)) }
        }
        for (i, line) in lines.enumerated() {
            fields += [
                ("lines[\(i)].description", line.description), ("lines[\(i)].quantity", line.quantity),
                ("lines[\(i)].unitPrice", line.unitPrice), ("lines[\(i)].taxRate", line.taxRate),
                ("lines[\(i)].amount", line.amount),
            ]
        }
        return fields
    }

    /// Renders the document to PDF bytes. Throws `RenderError` for invalid input.
    public func render() throws(RenderError) -> Data {
        try render(creationDate: Date())
    }

    func render(creationDate: Date) throws(RenderError) -> Data {
        try validate()
        var logo: PNGImage?
        if let logoPNG {
            do { logo = try PNGImage(data: logoPNG) } catch { throw .invalidLogo(error.description) }
        }
        var layout = InvoiceLayout(
            pdf: PDFWriter(
                pageSize: paperSize == .a4 ? .a4 : .letter, title: "\(kind.title) \(documentNumber)",
                producer: "JECP Hub", creationDate: creationDate))
        layout.render(self, logo: logo)
        return layout.pdf.write()
    }
}

/// Flow layout: a cursor moves down the page and every block is drawn line by line, so any
/// block (even a 2000-character address) can continue on the next page instead of overflowing.
private struct InvoiceLayout {
    enum Align { case left, right }
    struct Styled { var text: String; var font: PDFFont; var color: PDFWriter.Color = .black }
    struct Cell { var x: Double; var width: Double; var align: Align = .left; var lines: [Styled] }

    var pdf: PDFWriter
    let margin = 50.0
    let bottom = 62.0  // keeps clear of the footer
    var left: Double { margin }
    var right: Double { pdf.pageSize.width - margin }
    var top: Double { pdf.pageSize.height - margin }
    var width: Double { right - left }

    var y = 0.0
    /// Cursor position right after a page's fixed header; a page still there has no body content.
    var freshY = 0.0
    /// While true, every new page starts with the items table header.
    var inTable = false

    static let gray = PDFWriter.Color.gray(0.4)

    init(pdf: PDFWriter) { self.pdf = pdf }

    // Items table columns, left to right; fixed numeric columns, Description takes the rest.
    var columns: [(title: String, x: Double, width: Double, align: Align)] {
        let amount = 85.0, tax = 50.0, unit = 80.0, qty = 45.0
        let desc = width - amount - tax - unit - qty
        return [
            ("Description", left, desc, .left), ("Qty", left + desc, qty, .right),
            ("Unit price", left + desc + qty, unit, .right), ("Tax", left + desc + qty + unit, tax, .right),
            ("Amount", right - amount, amount, .right),
        ]
    }

    mutating func render(_ doc: InvoiceDocument, logo: PNGImage?) {
        newPage()
        header(doc, logo: logo)
        itemsTable(doc)
        totals(doc)
        if let notes = doc.notes, !notes.isEmpty {
            y -= 18
            let body = wrap(notes, .helvetica, 9.5, width).map { Styled(text: $0, font: .helvetica) }
            row([Cell(x: left, width: width, lines: [Styled(text: "Notes", font: .helveticaBold)] + body)], size: 9.5, keepTogether: false)
        }
        footers(doc)
    }

    // MARK: Blocks

    private mutating func header(_ doc: InvoiceDocument, logo: PNGImage?) {
        var textWidth = width
        var logoBottom = top
        if let logo {
            let id = pdf.addImage(logo)
            // Fit into 120x60 pt keeping the aspect ratio, anchored top-right.
            let scale = min(120 / Double(logo.width), 60 / Double(logo.height))
            let w = Double(logo.width) * scale, h = Double(logo.height) * scale
            pdf.drawImage(id, x: right - w, y: top - h, width: w, height: h)
            logoBottom = top - h
            textWidth -= 135
        }
        row([Cell(x: left, width: textWidth, lines: [Styled(text: doc.kind.title, font: .helveticaBold)])], size: 22)
        y -= 2
        let number = wrap(doc.documentNumber, .helvetica, 12, textWidth).map { Styled(text: $0, font: .helvetica, color: Self.gray) }
        row([Cell(x: left, width: textWidth, lines: number)], size: 12)
        y = min(y, logoBottom) - 24

        // Left: who it is from and for. Right: dates, with labels padded to wrapped values.
        let leftWidth = width - 230
        var parties: [Styled] = []
        if let issuer = doc.issuer, !issuer.isEmpty {
            parties.append(Styled(text: "FROM", font: .helveticaBold, color: Self.gray))
            parties += wrap(issuer, .helvetica, 10, leftWidth).map { Styled(text: $0, font: .helvetica) }
            parties.append(Styled(text: "", font: .helvetica))
        }
        parties.append(Styled(text: "BILL TO", font: .helveticaBold, color: Self.gray))
        parties += wrap(doc.clientName, .helveticaBold, 10, leftWidth).map { Styled(text: $0, font: .helveticaBold) }
        parties += wrap(doc.clientAddress ?? "", .helvetica, 10, leftWidth).filter { !$0.isEmpty }.map { Styled(text: $0, font: .helvetica) }

        var labels: [Styled] = [], values: [Styled] = []
        var details = [("Issue date", doc.issueDate)]
        if let due = doc.dueDate { details.append(("Due date", due)) }
        details.append(("Currency", doc.currency))
        for (label, value) in details {
            let wrapped = wrap(value, .helvetica, 10, 120)
            labels.append(Styled(text: label, font: .helveticaBold, color: Self.gray))
            labels += Array(repeating: Styled(text: "", font: .helvetica), count: max(0, wrapped.count - 1))
            values += wrapped.map { Styled(text: $0, font: .helvetica) }
        }
        row([
            Cell(x: left, width: leftWidth, lines: parties),
            Cell(x: right - 210, width: 80, lines: labels),
            Cell(x: right - 120, width: 120, align: .right, lines: values),
        ], size: 10, keepTogether: false)
        y -= 24
    }

    private mutating func itemsTable(_ doc: InvoiceDocument) {
        // Start on a new page unless the header plus one row fits.
        if y - 60 < bottom { newPage() }
        tableHeader()
        inTable = true
        let cols = columns
        for line in doc.lines {
            let values = [line.description, line.quantity, line.unitPrice, line.taxRate, line.amount]
            let cells = zip(cols, values).map { col, value in
                Cell(x: col.x + 4, width: col.width - 8, align: col.align,
                     lines: wrap(value, .helvetica, 9.5, col.width - 8).map { Styled(text: $0, font: .helvetica) })
            }
            row(cells, size: 9.5, padTop: 5, padBottom: 4)
            pdf.drawLine(x1: left, y1: y, x2: right, y2: y, width: 0.25, color: .gray(0.7))
        }
        inTable = false
    }

    private mutating func tableHeader() {
        let height = 20.0
        pdf.fillRect(x: left, y: y - height, width: width, height: height, color: .gray(0.92))
        for col in columns {
            let w = PDFFont.helveticaBold.width(of: col.title, size: 9)
            let x = col.align == .left ? col.x + 4 : col.x + col.width - 4 - w
            pdf.drawText(col.title, x: x, y: y - 13.5, font: .helveticaBold, size: 9)
        }
        y -= height
        pdf.drawLine(x1: left, y1: y, x2: right, y2: y, width: 0.75)
    }

    private mutating func totals(_ doc: InvoiceDocument) {
        let labelCol = (x: right - 260, width: 130.0), valueCol = (x: right - 122, width: 118.0)
        let entries: [(String, String, PDFFont, Double)] = [
            ("Subtotal", doc.subtotal, .helvetica, 10), ("Tax", doc.taxTotal, .helvetica, 10),
            ("Total", doc.total, .helveticaBold, 12),
        ]
        let wrapped = entries.map { wrap($0.1, $0.2, $0.3, valueCol.width) }
        // Keep the block together: move it to a fresh page if it does not fit here.
        let height = 12 + zip(entries, wrapped).reduce(0) { $0 + Double($1.1.count) * $1.0.3 * 1.25 + 6 }
        if y - height < bottom && y != freshY && height <= freshY - bottom { newPage() }
        y -= 12
        for ((label, _, font, size), values) in zip(entries, wrapped) {
            if label == "Total" {
                if y - 8 < bottom { newPage() }
                pdf.drawLine(x1: labelCol.x, y1: y, x2: right, y2: y, width: 0.75)
                y -= 6
            }
            row([
                Cell(x: labelCol.x, width: labelCol.width, align: .right, lines: [Styled(text: label, font: font)]),
                Cell(x: valueCol.x, width: valueCol.width, align: .right, lines: values.map { Styled(text: $0, font: font) }),
            ], size: size, padBottom: 6)
        }
    }

    private mutating func footers(_ doc: InvoiceDocument) {
        let count = pdf.pageCount
        let number = doc.documentNumber
        let showNumber = PDFFont.helvetica.width(of: number, size: 8) <= width - 100 && !number.contains(where: \.isNewline)
        for page in 0..<count {
            pdf.selectPage(page)
            pdf.drawLine(x1: left, y1: 44, x2: right, y2: 44, width: 0.25, color: .gray(0.7))
            let text = "Page \(page + 1) of \(count)"
            let w = PDFFont.helvetica.width(of: text, size: 8)
            pdf.drawText(text, x: right - w, y: 32, font: .helvetica, size: 8, color: Self.gray)
            if showNumber { pdf.drawText(number, x: left, y: 32, font: .helvetica, size: 8, color: Self.gray) }
        }
    }

    // MARK: Flow primitives

    private mutating func newPage() {
        pdf.beginPage()
        y = top
        if inTable { tableHeader() }
        freshY = y
    }

    /// Draws cells side by side, line by line, breaking pages between lines as needed.
    /// With `keepTogether`, a row that would fit on an empty page is moved there whole.
    private mutating func row(_ cells: [Cell], size: Double, padTop: Double = 0, padBottom: Double = 0, keepTogether: Bool = true) {
        let lineHeight = size * 1.25
        let count = cells.map(\.lines.count).max() ?? 0
        let height = padTop + Double(count) * lineHeight + padBottom
        if keepTogether && y - height < bottom && y != freshY && height <= freshY - bottom { newPage() }
        y -= padTop
        for i in 0..<count {
            if y - lineHeight < bottom { newPage() }
            let baseline = y - size * 0.92
            for cell in cells where i < cell.lines.count && !cell.lines[i].text.isEmpty {
                let s = cell.lines[i]
                let x = cell.align == .left ? cell.x : cell.x + cell.width - s.font.width(of: s.text, size: size)
                pdf.drawText(s.text, x: x, y: baseline, font: s.font, size: size, color: s.color)
            }
            y -= lineHeight
        }
        y -= padBottom
    }
}

/// Greedy word wrap by Helvetica metrics. Newlines start new lines (blank lines are kept);
/// words wider than `width` are broken between characters.
fileprivate func wrap(_ text: String, _ font: PDFFont, _ size: Double, _ width: Double) -> [String] {
    var result: [String] = []
    let space = font.width(of: " ", size: size)
    for paragraph in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
        var line = "", lineWidth = 0.0
        for wordSlice in paragraph.split(separator: " ") {
            var word = String(wordSlice)
            var wordWidth = font.width(of: word, size: size)
            if line.isEmpty ? wordWidth <= width : lineWidth + space + wordWidth <= width {
                if !line.isEmpty { line += " "; lineWidth += space }
                line += word; lineWidth += wordWidth
                continue
            }
            if !line.isEmpty { result.append(line) }
            while wordWidth > width {
                var piece = "", pieceWidth = 0.0
                for ch in word {
                    let w = font.width(of: String(ch), size: size)
                    if pieceWidth + w > width && !piece.isEmpty { break }
                    piece.append(ch); pieceWidth += w
                }
                result.append(piece)
                word = String(word.dropFirst(piece.count))
                wordWidth = font.width(of: word, size: size)
            }
            line = word; lineWidth = wordWidth
        }
        result.append(line)
    }
    return result
}

private extension String {
    func leftPadded(_ length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
