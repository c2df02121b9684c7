import ArgumentParser
import JECPClient

struct Transactions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the wallet's transactions, newest first.")

    @Option(help: "How many to show (1-200).")
    var limit: Int = 20

    @Option(help: "Continue from a previous page's next cursor.")
    var cursor: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...200).contains(limit) else { throw ValidationError("--limit must be from 1 to 200") }
    }

    func run() async throws {
        let (limit, cursor) = (limit, cursor)
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            _ = try context.requireCredentials()
            let page = try await context.withClient { client throws(CLIFailure) in
                try await context.call("Loading transactions") { () async throws -> TransactionPage in
                    try await client.transactions(cursor: cursor, limit: limit)
                }
            }
            let console = context.console
            if console.json {
                context.emit(["jecp": "1.0", "transactions": .array(page.transactions), "next_cursor": page.nextCursor.map { .string($0) } ?? .null])
                return
            }
            guard !page.transactions.isEmpty else {
                console.out("No transactions yet.")
                return
            }
            var table = Table(["DATE", "TYPE", "AMOUNT (USDC)", "BALANCE", "FOR", "TRANSACTION"], rightAligned: [2, 3])
            for transaction in page.transactions {
                let target = [transaction["capability"]?.stringValue, transaction["action"]?.stringValue].compactMap { $0 }.joined(separator: " ")
                table.append([
                    transaction["created_at"]?.cellText ?? "",
                    transaction["type"]?.cellText ?? "",
                    transaction["amount_usdc"]?.cellText ?? "",
                    transaction["balance_after"]?.cellText ?? "",
                    target.isEmpty ? transaction["memo"]?.cellText ?? "" : target,
                    transaction["transaction_id"]?.cellText ?? "",
                ])
            }
            console.out(table.render(header: { console.styled($0, .bold) }))
            if let next = page.nextCursor { console.note("\nMore: jecp transactions --cursor \(next)") }
        }
    }
}
