import JECPHubCore
import JECPModels

/// `workflow`: composites of the other built-ins, declared in the `composes` format of spec 04 §5.2
/// and run by the Hub's composite engine (this type only describes them). Billed once at the
/// composite's price; platinum per spec 02 §6.2.
public struct Workflow: HubCapability {
    public init() {}

    public var descriptor: CapabilityDescriptor {
        CapabilityDescriptor(
            name: "workflow", displayName: "Workflows",
            description: "Multi-step jobs over the built-in capabilities, billed once: an invoice with a work summary, a CSV report with anomalies and a charted forecast.",
            version: "1.0.0", tags: ["workflow", "composite"],
            actions: [
                ActionDescriptor(
                    name: "invoice-and-summary",
                    description: "Summarizes project notes extractively, then renders an invoice PDF that carries the summary in its notes.",
                    price: Money(micros: 20_000), trustTierRequired: .platinum, rateLimitPerMinute: 30,
                    inputSchema: Self.invoiceAndSummaryInput, outputSchema: Self.invoiceAndSummaryOutput, examples: [Self.invoiceAndSummaryExample],
                    streaming: true, composes: Self.invoiceAndSummary),
                ActionDescriptor(
                    name: "csv-report",
                    description: "Profiles a CSV, finds anomalies in one column and forecasts it with a PNG chart, in one call.",
                    price: Money(micros: 60_000), trustTierRequired: .platinum, rateLimitPerMinute: 30,
                    inputSchema: Self.csvReportInput, outputSchema: Self.csvReportOutput, examples: [Self.csvReportExample],
                    streaming: true, composes: Self.csvReport),
            ])
    }

    public func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue {
        // Every action here is a composite; the Hub runs its steps and never calls this.
        throw JECPError(.actionNotFound, "workflow/\(action) is a composite and runs through the Hub's composite engine.")
    }

    // Both definitions are literals checked by the catalog at start-up, so `try!` cannot fail at run time.
    static let invoiceAndSummary = try! CompositeDefinition(steps: [
        .init(id: "summary", call: "content-factory", action: "summarize",
              input: ["text": "${input.project_notes}", "max_sentences": 2, "max_words": 80, "max_key_points": 3]),
        .init(id: "invoice", call: "document-pipeline", action: "generate-invoice",
              input: ["client_name": "${input.client_name}", "items": "${input.items}", "currency": "${input.currency}",
                      "due_date": "${input.due_date}", "notes": "Work summary: ${summary.summary}"]),
    ])

    static let csvReport = try! CompositeDefinition(steps: [
        .init(id: "profile", call: "data-insight", action: "analyze-csv", input: ["csv": "${input.csv}"]),
        .init(id: "anomalies", call: "data-insight", action: "detect-anomalies", input: ["csv": "${input.csv}", "column": "${input.column}"]),
        .init(id: "forecast", call: "data-insight", action: "forecast",
              input: ["csv": "${input.csv}", "column": "${input.column}", "horizon": "${input.horizon}", "chart": true]),
    ], timeoutTotalMilliseconds: 120_000)
}
