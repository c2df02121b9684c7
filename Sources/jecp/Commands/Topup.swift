import ArgumentParser
import JECPClient

struct Topup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a wallet top-up (USD, credited 1:1 in USDC) and print the payment URL.")

    @Argument(help: "Whole US dollars, e.g. 5.")
    var amount: Int

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard amount > 0 else { throw ValidationError("the amount must be a positive whole number of dollars") }
    }

    func run() async throws {
        let amount = amount
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            _ = try context.requireCredentials()
            let session = try await context.withClient { client throws(CLIFailure) in
                try await context.call("Starting a top-up") { () async throws -> TopupSession in try await client.topup(amount: amount) }
            }
            let console = context.console
            if console.json {
                context.emit(["jecp": "1.0", "status": "pending", "amount_usd": .number(JSONNumber(amount)), "url": .string(session.url),
                              "session_id": session.sessionID.map { .string($0) } ?? .null])
                return
            }
            console.out("Open this page to pay \(amount) USD:")
            console.out(console.styled(session.url, .bold))
            console.note("The balance updates once the payment completes: jecp whoami")
        }
    }
}
