import Crypto
import Foundation
import JECPHubCore
import JECPModels

/// `document-pipeline`: business documents rendered as real PDFs by the pure-Swift writer.
public struct DocumentPipeline: HubCapability {
    public init() {}

    public var descriptor: CapabilityDescriptor {
        CapabilityDescriptor(
            name: "document-pipeline", displayName: "Document Pipeline",
            description: "Business documents (invoices, quotes, receipts) as PDF, with exact decimal totals and per-line tax.",
            version: "1.0.0", tags: ["pdf", "documents", "invoice"],
            actions: [
                ActionDescriptor(
                    name: "generate-invoice",
                    description: "Render an invoice PDF from line items; totals and tax are computed exactly per line in the currency's minor units.",
                    price: Money(micros: 5_000), trustTierRequired: .bronze, rateLimitPerMinute: nil,
                    inputSchema: Self.invoiceInputSchema, outputSchema: Self.invoiceOutputSchema,
                    examples: [Self.invoiceExample]),
                ActionDescriptor(
                    name: "generate-quote", description: "Render a quote (estimate) PDF; same line items and exact totals as an invoice, with an optional valid-until date.",
                    price: Money(micros: 5_000), trustTierRequired: .silver, rateLimitPerMinute: 60,
                    inputSchema: Self.documentInputSchema(dateField: "valid_until"), outputSchema: Self.documentOutputSchema(prefix: "QUO"),
                    examples: [Self.example(dateField: "valid_until")]),
                ActionDescriptor(
                    name: "generate-receipt", description: "Render a receipt PDF for a payment already made, with an optional payment date.",
                    price: Money(micros: 5_000), trustTierRequired: .silver, rateLimitPerMinute: 60,
                    inputSchema: Self.documentInputSchema(dateField: "paid_date"), outputSchema: Self.documentOutputSchema(prefix: "RCT"),
                    examples: [Self.example(dateField: "paid_date")]),
            ])
    }

    public func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue {
        switch action {
        case "generate-invoice": return try generate(.invoice, input, context: context)
        case "generate-quote": return try generate(.quote, input, context: context)
        case "generate-receipt": return try generate(.receipt, input, context: context)
        default: throw JECPError(.actionNotFound, "document-pipeline has no action '\(action)'.")
        }
    }

    static let numberPrefixes: [InvoiceDocument.Kind: String] = [.invoice: "INV", .quote: "QUO", .receipt: "RCT"]

    func generate(_ kind: InvoiceDocument.Kind, _ input: JSONValue, context: ExecutionContext) throws -> JSONValue {
        let currency = DocumentCurrency.supported[input["currency"]?.stringValue ?? "USD"]!
        let items = input["items"]?.arrayValue ?? []
        var lines: [InvoiceDocument.Line] = []
        var subtotal = Decimal(0)
        var taxTotal = Decimal(0)
        var unsupported: [JSONValue] = []
        func checkText(_ text: String?, path: String) {
            guard let text else { return }
            let characters = InvoiceDocument.unsupportedCharacters(in: text)
            if !characters.isEmpty {
                let list = characters.map { String($0) }.joined(separator: " ")
                unsupported.append(["instance_path": .string(path), "schema_path": "/x-jecp-charset",
                                    "reason": .string("contains characters the PDF fonts cannot render (Latin-1/WinAnsi only): \(list)")])
            }
        }
        checkText(input["client_name"]?.stringValue, path: "/client_name")
        checkText(input["client_address"]?.stringValue, path: "/client_address")
        checkText(input["notes"]?.stringValue, path: "/notes")
        for (index, item) in items.enumerated() {
            let name = item["name"]?.stringValue ?? ""
            checkText(name, path: "/items/\(index)/name")
            guard let quantity = item["quantity"].flatMap(DecimalAmount.parse), let unitPrice = item["unit_price"].flatMap(DecimalAmount.parse),
                let rate = item["tax_rate"].flatMap(DecimalAmount.parse)
            else { continue }  // the input schema already guarantees numbers
            let amount = DecimalAmount.round(quantity * unitPrice, scale: currency.scale)
            let tax = DecimalAmount.round(amount * rate / 100, scale: currency.scale)
            subtotal += amount
            taxTotal += tax
            lines.append(.init(description: name, quantity: DecimalAmount.plain(quantity, scale: Self.scale(of: quantity)),
                               unitPrice: currency.format(unitPrice), taxRate: DecimalAmount.plain(rate, scale: Self.scale(of: rate)) + "%",
                               amount: currency.format(amount)))
        }
        guard unsupported.isEmpty else {
            throw JECPError(.inputSchemaViolation, "Some text cannot be rendered with the PDF's Latin-1 fonts.",
                            details: ["errors": .array(unsupported)])
        }
        var logo: Data?
        if let encoded = input["logo_png"]?.stringValue {
            guard let decoded = Data(base64Encoded: encoded) else {
                throw JECPError(.inputSchemaViolation, "logo_png is not valid base64.",
                                details: ["errors": [["instance_path": "/logo_png", "schema_path": "/properties/logo_png/contentEncoding", "reason": "must be base64"]]])
            }
            logo = decoded
        }
        let total = subtotal + taxTotal
        let issueDate = String(Timestamps.rfc3339(context.now).prefix(10))
        let number = Self.documentNumber(prefix: Self.numberPrefixes[kind]!, date: issueDate, agentID: context.agentID, requestID: context.requestID)
        // The second date line: due (invoice), valid until (quote) or paid on (receipt).
        let secondDate = input["due_date"]?.stringValue ?? input["valid_until"]?.stringValue ?? input["paid_date"]?.stringValue
        let document = InvoiceDocument(
            kind: kind, documentNumber: number, issueDate: issueDate, dueDate: secondDate,
            issuer: input["issuer"]?.stringValue, clientName: input["client_name"]?.stringValue ?? "",
            clientAddress: input["client_address"]?.stringValue, currency: currency.code, lines: lines,
            subtotal: currency.format(subtotal), taxTotal: currency.format(taxTotal), total: currency.format(total),
            notes: input["notes"]?.stringValue, logoPNG: logo)
        let pdf: Data
        do {
            pdf = try document.render()
        } catch {
            throw JECPError(.executionFailed, "The invoice could not be rendered: \(error.description).",
                            details: ["reason": .string(error.description)])
        }
        var metadata: [String: JSONValue] = [
            "document_number": .string(number),
            "subtotal": DecimalAmount.json(subtotal, scale: currency.scale),
            "tax_amount": DecimalAmount.json(taxTotal, scale: currency.scale),
            "total_amount": DecimalAmount.json(total, scale: currency.scale),
            "currency": .string(currency.code),
            "pages": .number(JSONNumber(Self.pageCount(pdf))),
            "issue_date": .string(issueDate),
        ]
        if kind == .invoice { metadata["invoice_number"] = .string(number) }
        return ["pdf": .string(pdf.base64EncodedString()), "metadata": .object(metadata)]
    }

    /// Deterministic per request, so an idempotent retry renders the same number.
    static func documentNumber(prefix: String, date: String, agentID: String, requestID: String) -> String {
        let digest = SHA256.hash(data: Array("\(agentID)|\(requestID)".utf8))
        return "\(prefix)-\(date.replacingOccurrences(of: "-", with: ""))-\(Array(digest).prefix(4).hexString.uppercased())"
    }

    static func scale(of value: Decimal) -> Int { max(-value.exponent, 0) }

    static func pageCount(_ pdf: Data) -> Int {
        guard let text = String(data: pdf.prefix(1 << 20), encoding: .isoLatin1) ?? String(data: pdf, encoding: .isoLatin1),
            let range = text.range(of: "/Type /Pages")
        else { return 1 }
        let after = text[range.upperBound...]
        guard let count = after.range(of: "/Count ") else { return 1 }
        return Int(after[count.upperBound...].prefix { $0.isNumber }) ?? 1
    }
}
