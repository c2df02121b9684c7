import ArgumentParser
import JECPClient

struct Whoami: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the agent: trust tier, calls, free calls left and wallet balance.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            _ = try context.requireCredentials()
            let profile = try await context.withClient { client throws(CLIFailure) in
                try await context.call("Fetching the profile") { () async throws -> AgentProfile in try await client.me() }
            }
            let console = context.console
            if console.json {
                var document = profile.raw.objectValue ?? [:]
                document["hub"] = .string(context.settings.hub)
                context.emit(.object(document))
                return
            }
            var list = KeyValueList()
            list.append("Agent", profile.agentID)
            if let name = profile.name { list.append("Name", name) }
            list.append("Tier", profile.tier?.rawValue ?? profile.raw["tier"]?.stringValue ?? "unknown")
            list.append("Calls", String(profile.totalCalls))
            list.append("Free calls", "\(profile.freeCallsRemaining) left")
            list.append("Balance", "\(profile.balance.decimalString) USDC")
            if let limit = profile.raw["rate_limit_rpm"]?.numberValue?.text { list.append("Rate limit", "\(limit) requests/min") }
            if profile.raw["suspended"]?.boolValue == true { list.append("Status", console.styled("suspended", .red)) }
            list.append("Hub", context.settings.hub)
            list.append("Credentials", context.settings.credentialSource == .environment ? "environment" : context.store.path)
            console.out(list.render(label: { console.styled($0, .dim) }))
        }
    }
}
