import JECPModels

extension Workflow {
    static func object(required: [String], properties: [String: JSONValue]) -> JSONValue {
        ["$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "additionalProperties": false,
         "required": .array(required.map { .string($0) }), "properties": .object(properties)]
    }

    static let invoiceAndSummaryInput: JSONValue = {
        let invoice = DocumentPipeline.invoiceInputSchema["properties"] ?? [:]
        return object(required: ["client_name", "items", "currency", "due_date", "project_notes"], properties: [
            "client_name": invoice["client_name"] ?? [:], "items": invoice["items"] ?? [:],
            "currency": invoice["currency"] ?? [:], "due_date": invoice["due_date"] ?? [:],
            "project_notes": ["type": "string", "minLength": 1, "maxLength": 20_000, "description": "Free text; its two most central sentences become the invoice's notes."],
        ])
    }()

    static let invoiceAndSummaryOutput: JSONValue = [
        "type": "object", "required": ["summary", "invoice"],
        "properties": ["summary": ContentFactory.summarizeOutput, "invoice": DocumentPipeline.invoiceOutputSchema],
    ]

    static let csvReportInput: JSONValue = object(required: ["csv", "column", "horizon"], properties: [
        "csv": DataInsight.csvField, "column": DataInsight.columnField,
        "horizon": ["type": "integer", "minimum": 1, "maximum": 365],
    ])

    static let csvReportOutput: JSONValue = [
        "type": "object", "required": ["profile", "anomalies", "forecast"],
        "properties": ["profile": DataInsight.analyzeOutput, "anomalies": DataInsight.anomaliesOutput, "forecast": DataInsight.forecastOutput],
    ]

    static let invoiceAndSummaryExample: JSONValue = [
        "input": [
            "client_name": "ABC Corp", "currency": "USD", "due_date": "2026-12-31",
            "items": [["name": "Web Design", "quantity": 1, "unit_price": 500, "tax_rate": 10]],
            "project_notes": "We redesigned the landing page and the checkout. The new checkout cut abandoned carts by a third. Hosting moved to a cheaper plan. The team also fixed twelve accessibility issues.",
        ],
    ]

    static let csvReportExample: JSONValue = [
        "input": [
            "csv": "month,visits\n1,120\n2,132\n3,128\n4,141\n5,150\n6,149\n7,380\n8,165\n9,171\n10,169\n11,180\n12,188\n",
            "column": "visits", "horizon": 3,
        ],
    ]
}
