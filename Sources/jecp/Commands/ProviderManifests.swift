import ArgumentParser
import Foundation
import JECPClient

struct ProviderManifests: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests", abstract: "List every manifest version the provider published, newest first.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let account = try context.providerAccount()
            let list = try await context.withProviderClient(account) { client throws(CLIFailure) in
                try await context.call("Loading manifests") { () async throws -> ProviderManifestList in try await client.manifests() }
            }
            let console = context.console
            if console.json {
                context.emit(["namespace": .string(list.namespace), "manifests": .array(list.manifests.map(\.raw))])
                return
            }
            guard !list.manifests.isEmpty else {
                console.out("No manifests published in \(list.namespace) yet.")
                console.note("Start one: jecp provider init")
                return
            }
            let formatter = ISO8601DateFormatter()
            var table = Table(["CAPABILITY", "VERSION", "STATUS", "UPDATED", "ID"])
            for manifest in list.manifests {
                table.append([manifest.fullID, manifest.version, manifest.status.rawValue,
                              manifest.updatedAt.map { formatter.string(from: $0) } ?? "", manifest.id])
            }
            console.out(table.render(header: { console.styled($0, .bold) }))
        }
    }
}
