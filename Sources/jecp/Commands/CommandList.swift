import ArgumentParser

extension JECPCommand {
    /// In the order `jecp --help` lists them.
    static var commands: [any ParsableCommand.Type] {
        [Register.self, Login.self, Logout.self, Whoami.self, Catalog.self, Describe.self, Invoke.self, Transactions.self, Topup.self,
         RotateKey.self, RefundCommand.self, WebhookCommand.self, ProviderCommand.self, Doctor.self]
    }
}
