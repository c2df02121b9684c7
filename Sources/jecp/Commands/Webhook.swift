import ArgumentParser
import Foundation
import JECPClient

/// `jecp webhook …`: webhook subscriptions of the agent (or, with `--provider`, of the provider).
struct WebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Hear about invocations, top-ups, low balances and refunds: manage webhook subscriptions.",
        discussion: """
            jecp webhook subscribe https://example.com/hooks --event invocation.completed --event wallet.low_balance
            jecp webhook list
            jecp webhook test <id>
            jecp webhook delete <id>

            Agent credentials by default; --provider uses the provider key (JECP_PROVIDER_KEY or the saved one).
            Receivers verify X-JECP-Webhook-Signature with the secret printed once by subscribe.
            """,
        subcommands: [WebhookSubscribe.self, WebhookList.self, WebhookTest.self, WebhookDelete.self])
}

struct WebhookAccountOptions: ParsableArguments {
    @Flag(name: .long, help: "Use the provider key instead of the agent's credentials.")
    var provider = false
}

/// The subscription calls, the same for the agent and the provider client.
protocol SubscriptionClient: Sendable {
    func createSubscription(endpointURL: String, events: [String]) async throws(JECPError) -> WebhookSubscription
    func subscriptions() async throws(JECPError) -> [WebhookSubscription]
    func deleteSubscription(id: String) async throws(JECPError)
    func testSubscription(id: String) async throws(JECPError) -> WebhookTestEvent
}

extension JECPClient: SubscriptionClient {}
extension JECPProviderClient: SubscriptionClient {}

extension CommandContext {
    /// Runs `body` with the agent's client, or the provider's with `--provider`.
    func withSubscriptionClient<T: Sendable>(_ options: WebhookAccountOptions, _ body: (any SubscriptionClient) async throws(CLIFailure) -> T)
        async throws(CLIFailure) -> T
    {
        if options.provider {
            return try await withProviderClient(try providerAccount()) { client throws(CLIFailure) in try await body(client) }
        }
        _ = try requireCredentials()
        // Never retried: a create whose answer was lost must not make a second subscription.
        return try await withClient(retryPolicy: .none) { client throws(CLIFailure) in try await body(client) }
    }
}

struct WebhookSubscribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe", abstract: "Subscribe a URL to events; prints the signing secret once.")

    @Argument(help: "The receiver's https URL.")
    var url: String

    @Option(name: .customLong("event"), help: "An event type (repeat for several): invocation.completed, invocation.failed, wallet.topped_up, …")
    var events: [String] = []

    @OptionGroup var account: WebhookAccountOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard !events.isEmpty else { throw ValidationError("name at least one --event") }
    }

    func run() async throws {
        let (url, events, account) = (url, events, account)
        try await CommandRunner.run(global, context: account.provider ? .provider : .init()) { context throws(CLIFailure) in
            let subscription = try await context.withSubscriptionClient(account) { client throws(CLIFailure) in
                try await context.call("Subscribing") { () async throws -> WebhookSubscription in
                    try await client.createSubscription(endpointURL: url, events: events)
                }
            }
            let console = context.console
            if console.json {
                context.emit(subscription.raw)
                return
            }
            console.out("Subscribed \(subscription.endpointURL) to \(subscription.events.joined(separator: ", ")).")
            console.out("Subscription: \(subscription.id)")
            if let secret = subscription.secret {
                console.out("Signing secret (shown only now; store it): " + console.styled(secret, .bold))
            }
            console.note("Try it: jecp webhook test \(subscription.id)")
        }
    }
}

struct WebhookList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the webhook subscriptions and their health.")

    @OptionGroup var account: WebhookAccountOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let account = account
        try await CommandRunner.run(global, context: account.provider ? .provider : .init()) { context throws(CLIFailure) in
            let subscriptions = try await context.withSubscriptionClient(account) { client throws(CLIFailure) in
                try await context.call("Fetching subscriptions") { () async throws -> [WebhookSubscription] in try await client.subscriptions() }
            }
            let console = context.console
            if console.json {
                context.emit(["subscriptions": .array(subscriptions.map(\.raw))])
                return
            }
            guard !subscriptions.isEmpty else {
                console.out("No webhook subscriptions. Add one: jecp webhook subscribe <url> --event invocation.completed")
                return
            }
            var table = Table(["ID", "STATUS", "FAILURES", "URL", "EVENTS", "LAST ERROR"], rightAligned: [2])
            for subscription in subscriptions {
                table.append([subscription.id, subscription.status, String(subscription.consecutiveFailures), subscription.endpointURL,
                              subscription.events.joined(separator: ","), subscription.pausedReason ?? subscription.lastError ?? ""])
            }
            console.out(table.render(header: { console.styled($0, .dim) }))
        }
    }
}

struct WebhookTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Send a webhook.test event to one subscription.")

    @Argument(help: "The subscription id.")
    var id: String

    @OptionGroup var account: WebhookAccountOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let (id, account) = (id, account)
        try await CommandRunner.run(global, context: account.provider ? .provider : .init()) { context throws(CLIFailure) in
            let event = try await context.withSubscriptionClient(account) { client throws(CLIFailure) in
                try await context.call("Queueing a test event") { () async throws -> WebhookTestEvent in try await client.testSubscription(id: id) }
            }
            if context.console.json {
                context.emit(event.raw)
                return
            }
            context.console.out("Queued test event \(event.eventID); see its delivery with jecp webhook list.")
        }
    }
}

struct WebhookDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a subscription (pending deliveries are dropped).")

    @Argument(help: "The subscription id.")
    var id: String

    @OptionGroup var account: WebhookAccountOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let (id, account) = (id, account)
        try await CommandRunner.run(global, context: account.provider ? .provider : .init()) { context throws(CLIFailure) in
            try await context.withSubscriptionClient(account) { client throws(CLIFailure) in
                try await context.call("Deleting") { () async throws -> Void in try await client.deleteSubscription(id: id) }
            }
            if context.console.json {
                context.emit(["id": .string(id), "deleted": true])
                return
            }
            context.console.out("Deleted \(id).")
        }
    }
}
