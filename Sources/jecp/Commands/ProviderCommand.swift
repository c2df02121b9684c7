import ArgumentParser

/// `jecp provider …`: the provider side of the Hub.
struct ProviderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provider",
        abstract: "Sell capabilities through the Hub: register a provider, prove its domain, publish manifests, see earnings.",
        discussion: """
            Getting started:
              jecp provider register --namespace acme --display-name ACME \\
                --email ops@acme.example --country US \\
                --endpoint https://api.acme.example/jecp
              jecp provider verify-dns   (once the TXT record it printed is published)
              jecp provider init --endpoint https://api.acme.example/jecp
              jecp provider validate && jecp provider publish

            Credentials: the config file's provider section (written by register),
            or JECP_PROVIDER_KEY.
            """,
        subcommands: [ProviderInit.self, ProviderValidate.self, ProviderRegister.self, ProviderVerifyDNS.self, ProviderPublish.self,
                      ProviderManifests.self, ProviderSunset.self, ProviderMe.self, ProviderRotateKey.self, ProviderEarningsCommand.self,
                      ProviderRefunds.self]
    )
}
