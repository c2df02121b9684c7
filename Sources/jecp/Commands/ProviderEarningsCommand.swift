import ArgumentParser
import Foundation
import JECPClient

struct ProviderEarningsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "earnings", abstract: "Show what the provider earned, per day, capability and action, and what is payable.")

    @Option(help: "How many days back, today included (1-366, Hub default 30).")
    var days: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let days, !(1...366).contains(days) { throw ValidationError("--days must be from 1 to 366") }
    }

    func run() async throws {
        let days = days
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let account = try context.providerAccount()
            let earnings = try await context.withProviderClient(account) { client throws(CLIFailure) in
                try await context.call("Loading earnings") { () async throws -> ProviderEarnings in try await client.earnings(days: days) }
            }
            let console = context.console
            if console.json {
                context.emit(earnings.raw)
                return
            }
            let since = earnings.since.map { String(ISO8601DateFormatter().string(from: $0).prefix(10)) } ?? "the start of the window"
            if earnings.lines.isEmpty {
                console.out("No paid calls since \(since).")
            } else {
                var table = Table(["DAY", "CAPABILITY", "ACTION", "CALLS", "REFUNDS", "EARNED (\(earnings.currency))"], rightAligned: [3, 4, 5])
                for line in earnings.lines {
                    table.append([line.day, line.capability, line.action, String(line.calls), String(line.refunds), line.earned.decimalString])
                }
                console.out(table.render(header: { console.styled($0, .bold) }))
                console.out()
            }
            let count = earnings.refundsInWindow
            let refunds = count > 0 ? ", net of \(count) refund\(count == 1 ? "" : "s")" : ""
            console.out("Earned since \(since): \(earnings.earnedInWindow.decimalString) \(earnings.currency) from \(earnings.callsInWindow) calls\(refunds).")
            console.out("Payable now: \(earnings.payable.decimalString) \(earnings.currency).")
        }
    }
}
