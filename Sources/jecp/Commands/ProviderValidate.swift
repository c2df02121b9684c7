import ArgumentParser
import JECPClient
import JECPManifest

struct ProviderValidate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a manifest as the Hub would, without publishing it; lists every problem with its path.",
        discussion: "Exit status 0 when the manifest is valid, 2 when it is not. Namespace ownership, version uniqueness and the endpoint's host are checked by the Hub on publish.")

    @Argument(help: ArgumentHelp("The manifest, YAML or JSON (.json); - reads standard input.", valueName: "file"))
    var file = ManifestSource.defaultFile

    @OptionGroup var manifest: ManifestOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global, context: .provider, tolerateBrokenConfig: true) { context throws(CLIFailure) in
            let source = try ManifestSource.read(file)
            let checked = try source.validate(allowHTTP: manifest.allowHTTP)
            let console = context.console
            if console.json {
                context.emit(["jecp": "1.0", "status": "valid", "file": .string(source.name), "full_id": .string(checked.fullID),
                              "namespace": .string(checked.namespace), "capability": .string(checked.capability),
                              "version": .string(checked.version.description), "endpoint": .string(checked.endpoint),
                              "actions": .array(checked.actions.map { .string($0.id) })])
                return
            }
            let actions = checked.actions.map(\.id)
            console.out(console.styled("✓", .green) + " \(source.name) is valid: \(checked.fullID) \(checked.version), "
                + "\(actions.count) action\(actions.count == 1 ? "" : "s") (\(actions.joined(separator: ", ")))")
        }
    }
}
