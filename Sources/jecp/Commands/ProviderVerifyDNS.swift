import ArgumentParser
import JECPClient

struct ProviderVerifyDNS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-dns",
        abstract: "Have the Hub check the _jecp TXT record that proves you control the endpoint's domain.",
        discussion: "Until the domain is proven, published manifests stay submitted (stored, not served). On failure the record to publish is printed.")

    @Option(help: ArgumentHelp("The domain to check; must be the host of the registered endpoint (the default).", valueName: "host"))
    var domain: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let domain = domain
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let account = try context.providerAccount()
            let verification = try await context.withProviderClient(account) { client throws(CLIFailure) in
                do throws(CLIFailure) {
                    return try await context.call("Checking the TXT record") { () async throws -> DNSVerification in
                        try await client.verifyDNS(domain: domain)
                    }
                } catch {
                    guard error.code == JECPError.Code.dnsVerificationFailed.rawValue else { throw error }
                    // The failure names the record but not the whole token; the profile has the record to publish.
                    var failure = error
                    let profile = try? await context.call("Loading the record to publish") { () async throws -> ProviderProfile in
                        try await client.me()
                    }
                    if let record = profile?.raw["dns_record"], case .object(var details) = failure.details {
                        details["dns_record"] = record
                        failure.details = .object(details)
                    }
                    throw failure
                }
            }
            let console = context.console
            if console.json {
                context.emit(verification.raw)
                return
            }
            console.out(console.styled("✓", .green) + " " + verification.message)
            console.out("Provider status: \(verification.status)."
                + (verification.status == "verified" ? " Submitted manifests are served now; new ones go active when published." : ""))
        }
    }
}
