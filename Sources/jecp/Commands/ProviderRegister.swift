import ArgumentParser
import JECPClient

struct ProviderRegister: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Create a provider account on the Hub and save its credentials.",
        discussion: """
            The API key is saved in the config file (mode 0600). The HMAC secret, which your endpoint needs to verify \
            the Hub's signatures, is printed once and not saved unless --save-secret.
            """)

    @Option(help: "The namespace your capabilities are published under: 3-32 characters of a-z, 0-9 and -.")
    var namespace: String

    @Option(name: .customLong("display-name"), help: "The provider's name in the catalog (2-100 characters).")
    var displayName: String

    @Option(help: ArgumentHelp("The owner's email address.", valueName: "address"))
    var email: String

    @Option(help: ArgumentHelp("Where the Hub forwards calls. Its host is the domain to prove and the host of every manifest's endpoint.",
                               valueName: "url"))
    var endpoint: String

    @Option(help: ArgumentHelp("ISO 3166-1 alpha-2 country code, e.g. US or JP.", valueName: "code"))
    var country: String

    @Option(help: ArgumentHelp("The provider's website.", valueName: "url"))
    var website: String?

    @Flag(name: .customLong("save-secret"), help: "Also save the HMAC secret in the config file.")
    var saveSecret = false

    @Flag(help: "Replace provider credentials that are already saved.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let account = try context.providerAccount()
            if let existing = account.saved, !force {
                throw CLIFailure.usage(
                    "Credentials of provider \(existing.namespace) (\(existing.providerID)) are already saved in \(context.store.path); "
                        + "registering would replace them. Run `jecp logout --provider` first, or pass --force.")
            }
            let hub = account.hub
            let (namespace, displayName, email, endpoint, country, website) = (namespace, displayName, email, endpoint, country.uppercased(), website)
            let registration = try await context.call("Registering \(namespace)") { () async throws -> ProviderRegistration in
                try await JECPProviderClient.register(hub: hub, namespace: namespace, displayName: displayName, ownerEmail: email,
                                                      endpointURL: endpoint, country: country, website: website)
            }
            var config = context.config
            config.provider = ProviderCredentials(hub: hub, providerID: registration.providerID, namespace: registration.namespace,
                                                  apiKey: registration.apiKey, hmacSecret: saveSecret ? registration.hmacSecret : nil).json()
            try context.save(config, issuedKey: registration.apiKey)

            let console = context.console
            if console.json {
                var document = registration.raw.objectValue ?? [:]
                document["hub"] = .string(hub)
                document["config_path"] = .string(context.store.path)
                document["hmac_secret_saved"] = .bool(saveSecret)
                context.emit(.object(document))
                return
            }
            var list = KeyValueList()
            list.append("Provider ID", registration.providerID)
            list.append("Namespace", registration.namespace)
            list.append("API key", registration.apiKey)
            list.append("HMAC secret", registration.hmacSecret)
            list.append("Status", registration.status)
            list.append("Hub", hub)
            console.out(console.styled("Registered provider \(registration.namespace).", .bold, .green))
            console.out(list.render(label: { console.styled($0, .dim) }))
            console.out()
            if saveSecret {
                console.out("The API key and the HMAC secret are saved in \(context.store.path).")
            } else {
                console.out(console.styled("warning:", .bold, .yellow) + " the HMAC secret is shown only this once and was NOT saved. "
                    + "Store it where your endpoint can read it: it verifies the Hub's signature on every call it forwards.")
                console.out("The API key is saved in \(context.store.path).")
            }
            console.out()
            console.out("Prove the domain: publish this TXT record, then run `jecp provider verify-dns`:")
            console.out("  " + registration.dnsRecord.zoneLine)
            console.note("Next: jecp provider init, jecp provider publish")
        }
    }
}
