import ArgumentParser
import Foundation
import JECPClient

struct ProviderMe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "me", abstract: "Show the provider account: status, domain proof, endpoint and calls.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let account = try context.providerAccount()
            let profile = try await context.withProviderClient(account) { client throws(CLIFailure) in
                try await context.call("Fetching the provider") { () async throws -> ProviderProfile in try await client.me() }
            }
            let console = context.console
            if console.json {
                var document = profile.raw.objectValue ?? [:]
                document["hub"] = .string(account.hub)
                context.emit(.object(document))
                return
            }
            let formatter = ISO8601DateFormatter()
            var list = KeyValueList()
            list.append("Provider", profile.providerID)
            list.append("Namespace", profile.namespace)
            list.append("Name", profile.displayName)
            list.append("Status", profile.status == "suspended" ? console.styled(profile.status, .red) : profile.status)
            list.append("Domain", profile.dnsVerified
                ? "verified" + (profile.dnsVerifiedAt.map { " " + formatter.string(from: $0) } ?? "")
                : console.styled("not verified", .yellow))
            list.append("Endpoint", profile.endpointURL)
            list.append("Country", profile.country)
            if let website = profile.website { list.append("Website", website) }
            list.append("Calls", String(profile.totalCalls))
            if let created = profile.createdAt { list.append("Created", formatter.string(from: created)) }
            list.append("Hub", account.hub)
            list.append("Credentials", account.keySource == .environment ? "environment (JECP_PROVIDER_KEY)" : context.store.path)
            console.out(list.render(label: { console.styled($0, .dim) }))
            if !profile.dnsVerified, let record = profile.dnsRecord {
                console.out()
                console.out("Prove the domain: publish this TXT record, then run `jecp provider verify-dns`:")
                console.out("  " + record.zoneLine)
            }
        }
    }
}
