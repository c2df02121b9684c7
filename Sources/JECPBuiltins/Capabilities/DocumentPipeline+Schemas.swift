import JECPModels

extension DocumentPipeline {
    static let money: JSONValue = ["type": "number", "minimum": 0, "maximum": 1_000_000_000_000]

    static let invoiceInputSchema = documentInputSchema(dateField: "due_date")
    static let invoiceOutputSchema = documentOutputSchema(prefix: "INV")

    /// Shared by invoices, quotes and receipts; only the second date field differs.
    static func documentInputSchema(dateField: String) -> JSONValue {
        var schema = baseInputSchema
        guard case .object(var object) = schema, case .object(var properties)? = object["properties"] else { return schema }
        properties.removeValue(forKey: "due_date")
        properties[dateField] = ["type": "string", "format": "date"]
        object["properties"] = .object(properties)
        schema = .object(object)
        return schema
    }

    static func documentOutputSchema(prefix: String) -> JSONValue {
        var metadataProperties: [String: JSONValue] = [
            "document_number": ["type": "string", "pattern": .string("^\(prefix)-[0-9]{8}-[0-9A-F]{8}$")],
            "subtotal": money, "tax_amount": money, "total_amount": money,
            "currency": ["type": "string"],
            "pages": ["type": "integer", "minimum": 1],
            "issue_date": ["type": "string", "format": "date"],
        ]
        var required: [JSONValue] = ["document_number", "subtotal", "tax_amount", "total_amount", "currency", "pages"]
        if prefix == "INV" {
            metadataProperties["invoice_number"] = metadataProperties["document_number"]
            required.append("invoice_number")
        }
        return [
            "type": "object",
            "required": ["pdf", "metadata"],
            "properties": [
                "pdf": ["type": "string", "contentEncoding": "base64", "contentMediaType": "application/pdf", "minLength": 100],
                "metadata": ["type": "object", "required": .array(required), "properties": .object(metadataProperties)],
            ],
        ]
    }

    static let baseInputSchema: JSONValue = [
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": false,
        "required": ["client_name", "items"],
        "properties": [
            "client_name": ["type": "string", "minLength": 1, "maxLength": 200, "description": "Latin-1 text."],
            "client_address": ["type": "string", "maxLength": 1000],
            "issuer": ["type": "string", "maxLength": 200, "description": "Your business name, printed as 'From'."],
            "due_date": ["type": "string", "format": "date"],
            "currency": ["type": "string", "enum": ["USD", "EUR", "GBP", "JPY"], "default": "USD"],
            "notes": ["type": "string", "maxLength": 2000],
            "logo_png": ["type": "string", "contentEncoding": "base64", "contentMediaType": "image/png", "maxLength": 2_700_000,
                         "description": "PNG logo, at most 2 MB and 4 megapixels, placed top-right."],
            "items": [
                "type": "array", "minItems": 1, "maxItems": 1000,
                "items": [
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "quantity", "unit_price", "tax_rate"],
                    "properties": [
                        "name": ["type": "string", "minLength": 1, "maxLength": 500],
                        "quantity": ["type": "number", "exclusiveMinimum": 0, "maximum": 1_000_000_000],
                        "unit_price": money,
                        "tax_rate": ["type": "number", "minimum": 0, "maximum": 100, "description": "Percent, e.g. 10 for 10%."],
                    ],
                ],
            ],
        ],
    ]

    static let invoiceExample = example(dateField: "due_date")

    static func example(dateField: String) -> JSONValue {
        [
            "input": [
                "client_name": "ABC Corp",
                "items": [["name": "Web Design", "quantity": 1, "unit_price": 500, "tax_rate": 10]],
                .init(stringLiteral: dateField): "2026-12-31",
                "currency": "USD",
            ],
            "output_summary": ["metadata": ["subtotal": 500, "tax_amount": 50, "total_amount": 550, "currency": "USD", "pages": 1]],
        ]
    }
}
