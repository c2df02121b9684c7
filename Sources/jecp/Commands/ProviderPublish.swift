import ArgumentParser
import JECPClient
import JECPManifest

struct ProviderPublish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Validate a manifest locally, then publish it on the Hub.",
        discussion: """
            YAML is sent as application/x-yaml, .json files as application/json. The manifest is active at once when \
            the provider's domain is proven, otherwise submitted until `jecp provider verify-dns` succeeds.
            """)

    @Argument(help: ArgumentHelp("The manifest, YAML or JSON (.json); - reads standard input.", valueName: "file"))
    var file = ManifestSource.defaultFile

    @OptionGroup var manifest: ManifestOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let source = try ManifestSource.read(file)
            let checked = try source.validate(allowHTTP: manifest.allowHTTP)
            let account = try context.providerAccount()
            let published = try await context.withProviderClient(account) { client throws(CLIFailure) in
                try await context.call("Publishing \(checked.fullID) \(checked.version)") { () async throws -> PublishedManifest in
                    try await client.publish(manifest: source.bytes, contentType: source.contentType)
                }
            }
            let console = context.console
            if console.json {
                context.emit(published.raw)
                return
            }
            let status = published.status == .active ? console.styled(published.status.rawValue, .green) : console.styled(published.status.rawValue, .yellow)
            console.out("Published \(published.fullID) \(published.version): \(status)")
            if let message = published.message { console.out(message) }
            console.out(console.styled("manifest: ", .dim) + published.manifestURL)
            if published.status == .submitted { console.note("Next: jecp provider verify-dns") }
        }
    }
}
