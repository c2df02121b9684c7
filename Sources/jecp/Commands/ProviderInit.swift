import ArgumentParser
import Foundation
import JECPClient
import JECPManifest

struct ProviderInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented manifest template (jecp.yaml) to start from.",
        discussion: "The template is checked before it is written, so it validates as is. An existing file is kept unless --force.")

    @Option(help: "The provider namespace (default: the registered one, else \(ManifestTemplate.defaultNamespace)).")
    var namespace: String?

    @Option(help: "The capability name: 3-64 characters of a-z, 0-9 and -.")
    var capability = ManifestTemplate.defaultCapability

    @Option(help: ArgumentHelp("Where the Hub forwards calls (default \(ManifestTemplate.defaultEndpoint)).", valueName: "url"))
    var endpoint = ManifestTemplate.defaultEndpoint

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write.", valueName: "file"))
    var output = ManifestSource.defaultFile

    @Flag(help: "Replace an existing file.")
    var force = false

    @OptionGroup var manifest: ManifestOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global, context: .provider, tolerateBrokenConfig: true) { context throws(CLIFailure) in
            // Only a default: unreadable provider credentials leave the placeholder.
            let registered = namespace == nil ? (try? context.providerAccount())?.namespace : nil
            let text = ManifestTemplate.yaml(namespace: namespace ?? registered ?? ManifestTemplate.defaultNamespace, capability: capability, endpoint: endpoint)
            let checked = try ManifestSource(name: output, bytes: Array(text.utf8), contentType: "application/x-yaml")
                .validate(allowHTTP: manifest.allowHTTP)
            let path = (output as NSString).expandingTildeInPath
            if FileManager.default.fileExists(atPath: path), !force {
                throw CLIFailure.usage("\(path) already exists; pass --force to replace it")
            }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CLIFailure.io("cannot write \(path): \(error.localizedDescription)")
            }
            let console = context.console
            if console.json {
                context.emit(["jecp": "1.0", "status": "completed", "file": .string(path), "full_id": .string(checked.fullID),
                              "version": .string(checked.version.description)])
                return
            }
            console.out("Wrote \(path) (\(checked.fullID) \(checked.version)).")
            let arguments = (output == ManifestSource.defaultFile ? "" : " " + output) + (manifest.allowHTTP ? " --allow-http" : "")
            console.note("Edit it, then: jecp provider validate\(arguments) && jecp provider publish\(arguments)")
        }
    }
}
