import ArgumentParser
import Foundation
import JECPClient

/// `jecp refund …`: ask for a charge back and follow the request.
struct RefundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refund",
        abstract: "Ask for a charge back when a provider failed you, and follow the request.",
        discussion: """
            jecp refund request <transaction-id> --reason "the output was empty" [--evidence-url https://…]
            jecp refund list [--status requested|approved|denied]
            jecp refund get <refund-id>

            The transaction id is billing.transaction_id of the call (see jecp transactions). The provider
            (or the operator) approves or denies; a request nobody answers is approved after the Hub's window.
            """,
        subcommands: [RefundRequestCommand.self, RefundList.self, RefundGet.self])
}

/// Lines every refund command prints about one refund.
extension Refund {
    func describe(_ console: Console) {
        console.out("Refund \(id): \(console.styled(status, .bold)), \(amount.decimalString) USDC for \(capability.map { "\($0) \(action ?? "")" } ?? transactionID)")
        console.out("Reason: \(reason)")
        if let evidenceURL { console.out("Evidence: \(evidenceURL)") }
        if let decidedBy { console.out("Decided by \(decidedBy)" + (decisionNote.map { ": \($0)" } ?? "")) }
        if let refundTransactionID { console.out("Refunded in transaction \(refundTransactionID)") }
        if status == "requested", let autoApproveAt {
            console.note("Approved by itself at \(ISO8601DateFormatter().string(from: autoApproveAt)) unless the provider answers first.")
        }
    }
}

struct RefundRequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request", abstract: "Ask for the charge of a call back.")

    @Argument(help: "The charge's transaction id (billing.transaction_id).")
    var transactionID: String

    @Option(help: "What went wrong (1-1000 characters).")
    var reason: String

    @Option(name: .customLong("evidence-url"), help: "An https URL showing the problem (the Hub does not fetch it).")
    var evidenceURL: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("--reason must say what went wrong") }
    }

    func run() async throws {
        let (transactionID, reason, evidenceURL) = (transactionID, reason, evidenceURL)
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            _ = try context.requireCredentials()
            // Never retried: a lost answer shows in jecp refund list (a repeat answers REFUND_ALREADY_REQUESTED).
            let refund = try await context.withClient(retryPolicy: .none) { client throws(CLIFailure) in
                try await context.call("Requesting the refund") { () async throws -> Refund in
                    try await client.requestRefund(transactionID: transactionID, reason: reason, evidenceURL: evidenceURL)
                }
            }
            if context.console.json {
                context.emit(refund.raw)
                return
            }
            refund.describe(context.console)
            context.console.note("Follow it: jecp refund get \(refund.id)")
        }
    }
}

struct RefundList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List your refund requests, newest first.")

    @Option(help: "Only requested, approved or denied.")
    var status: String?

    @Option(help: "How many to show (1-100).")
    var limit: Int = 20

    @Option(help: "Continue from a previous page's next cursor.")
    var cursor: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...100).contains(limit) else { throw ValidationError("--limit must be from 1 to 100") }
        if let status, !["requested", "approved", "denied"].contains(status) { throw ValidationError("--status must be requested, approved or denied") }
    }

    func run() async throws {
        let (status, limit, cursor) = (status, limit, cursor)
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            _ = try context.requireCredentials()
            let page = try await context.withClient(retryPolicy: .none) { client throws(CLIFailure) in
                try await context.call("Loading refunds") { () async throws -> RefundPage in
                    try await client.refunds(status: status, cursor: cursor, limit: limit)
                }
            }
            RefundTable.print(page, context: context, more: "jecp refund list")
        }
    }
}

struct RefundGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show one refund request and its decision.")

    @Argument(help: "The refund id.")
    var id: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let id = id
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            _ = try context.requireCredentials()
            let refund = try await context.withClient(retryPolicy: .none) { client throws(CLIFailure) in
                try await context.call("Loading the refund") { () async throws -> Refund in try await client.refund(id: id) }
            }
            if context.console.json {
                context.emit(refund.raw)
                return
            }
            refund.describe(context.console)
        }
    }
}

/// A page of refunds as a table (or JSON), for agents and providers.
enum RefundTable {
    static func print(_ page: RefundPage, context: CommandContext, more: String) {
        let console = context.console
        if console.json {
            context.emit(["refunds": .array(page.refunds.map(\.raw)), "next_cursor": page.nextCursor.map { .string($0) } ?? .null])
            return
        }
        guard !page.refunds.isEmpty else {
            console.out("No refunds.")
            return
        }
        var table = Table(["DATE", "ID", "STATUS", "AMOUNT (USDC)", "FOR", "TRANSACTION", "DECIDED BY"], rightAligned: [3])
        for refund in page.refunds {
            table.append([refund.createdAt.map { ISO8601DateFormatter().string(from: $0) } ?? "", refund.id, refund.status,
                          refund.amount.decimalString, [refund.capability, refund.action].compactMap { $0 }.joined(separator: " "),
                          refund.transactionID, refund.decidedBy ?? ""])
        }
        console.out(table.render(header: { console.styled($0, .bold) }))
        if let next = page.nextCursor { console.note("\nMore: \(more) --cursor \(next)") }
    }
}
