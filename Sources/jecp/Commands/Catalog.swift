import ArgumentParser
import JECPClient

struct Catalog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the Hub's capabilities with their actions, prices and trust tiers.")

    @Option(help: "Only capabilities with this tag.")
    var tag: String?

    @Option(help: "Only capabilities of this provider (namespace), e.g. hub.")
    var provider: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let (tag, provider) = (tag, provider)
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            let capabilities = try await context.withClient { client throws(CLIFailure) in
                try await context.call("Loading the catalog") { () async throws -> [JSONValue] in
                    var all: [JSONValue] = []
                    for try await capability in client.catalog(tag: tag, provider: provider) { all.append(capability) }
                    return all
                }
            }
            let console = context.console
            if console.json {
                context.emit(["jecp": "1.0", "capabilities": .array(capabilities), "total": .number(JSONNumber(capabilities.count))])
                return
            }
            guard !capabilities.isEmpty else {
                console.out("No capabilities" + (tag.map { " tagged '\($0)'" } ?? "") + (provider.map { " from provider '\($0)'" } ?? "") + ".")
                return
            }
            var table = Table(["CAPABILITY", "ACTIONS", "PRICE (USDC)", "TIER", "TAGS"], rightAligned: [2])
            for capability in capabilities {
                let actions = capability["actions"]?.arrayValue ?? []
                table.append([
                    capability["id"]?.stringValue ?? "?",
                    actions.compactMap { $0["id"]?.stringValue ?? $0["name"]?.stringValue }.joined(separator: ", "),
                    Self.priceRange(actions),
                    capability["trust_tier_required"]?.stringValue ?? "",
                    capability["tags"]?.cellText ?? "",
                ])
            }
            console.out(table.render(header: { console.styled($0, .bold) }))
            console.note("\n\(capabilities.count) capabilities. Details: jecp describe <capability>")
        }
    }

    /// `0.005` or `0.001–0.05`, exact as the Hub sent the prices.
    static func priceRange(_ actions: [JSONValue]) -> String {
        let prices = actions.compactMap { action -> Money? in action["price_usdc"].flatMap { try? Money(json: $0) } }
        guard let low = prices.min(), let high = prices.max() else { return "" }
        return low == high ? low.decimalString : "\(low.decimalString)–\(high.decimalString)"
    }
}
