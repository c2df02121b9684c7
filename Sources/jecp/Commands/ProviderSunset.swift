import ArgumentParser
import JECPClient

struct ProviderSunset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sunset",
        abstract: "Retire a published manifest version now: calls to it answer CAPABILITY_DEPRECATED (410).")

    @Argument(help: "The capability: name, or namespace/name.")
    var capability: String

    @Argument(help: "The version to retire, e.g. 1.0.0.")
    var version: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let account = try context.providerAccount()
            // A bare name is in the provider's own namespace; the SDK asks the Hub when it is not saved.
            let target = capability.contains("/") ? capability : account.namespace.map { "\($0)/\(capability)" } ?? capability
            let version = version
            let retired = try await context.withProviderClient(account) { client throws(CLIFailure) in
                try await context.call("Retiring \(target) \(version)") { () async throws -> PublishedManifest in
                    try await client.sunset(capability: target, version: version)
                }
            }
            let console = context.console
            if console.json {
                context.emit(retired.raw)
                return
            }
            console.out("\(retired.fullID) \(retired.version) is \(retired.status); calls to it now answer CAPABILITY_DEPRECATED (410).")
        }
    }
}
