import ArgumentParser
import JECPClient

/// `jecp provider refunds [list|approve|deny]`: refunds requested for the provider's capabilities.
struct ProviderRefunds: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refunds", abstract: "See and decide refund requests for your capabilities.",
        discussion: "Approving reverses the charge exactly, your share included; unanswered requests are approved after the Hub's window.",
        subcommands: [ProviderRefundList.self, ProviderRefundDecision.Approve.self, ProviderRefundDecision.Deny.self],
        defaultSubcommand: ProviderRefundList.self)
}

struct ProviderRefundList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List refund requests, newest first.")

    @Option(help: "Only requested, approved or denied.")
    var status: String?

    @Option(help: "Continue from a previous page's next cursor.")
    var cursor: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let status, !["requested", "approved", "denied"].contains(status) { throw ValidationError("--status must be requested, approved or denied") }
    }

    func run() async throws {
        let (status, cursor) = (status, cursor)
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let account = try context.providerAccount()
            let page = try await context.withProviderClient(account) { client throws(CLIFailure) in
                try await context.call("Loading refunds") { () async throws -> RefundPage in try await client.refunds(status: status, cursor: cursor) }
            }
            RefundTable.print(page, context: context, more: "jecp provider refunds list")
        }
    }
}

enum ProviderRefundDecision {
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a refund: the agent gets the charge back.")
        @Argument(help: "The refund id.") var id: String
        @Option(help: "A note for the agent.") var note: String?
        @OptionGroup var global: GlobalOptions
        func run() async throws { try await ProviderRefundDecision.run(id: id, approve: true, note: note, global: global) }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "deny", abstract: "Deny a refund: the money stays where it is.")
        @Argument(help: "The refund id.") var id: String
        @Option(help: "Why, for the agent.") var note: String?
        @OptionGroup var global: GlobalOptions
        func run() async throws { try await ProviderRefundDecision.run(id: id, approve: false, note: note, global: global) }
    }

    static func run(id: String, approve: Bool, note: String?, global: GlobalOptions) async throws {
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let account = try context.providerAccount()
            let refund = try await context.withProviderClient(account) { client throws(CLIFailure) in
                try await context.call(approve ? "Approving" : "Denying") { () async throws -> Refund in
                    approve ? try await client.approveRefund(id: id, note: note) : try await client.denyRefund(id: id, note: note)
                }
            }
            if context.console.json {
                context.emit(refund.raw)
                return
            }
            refund.describe(context.console)
        }
    }
}
