import ArgumentParser

extension JECPCommand {
    /// In the order `jecp --help` lists them.
    static var commands: [any ParsableCommand.Type] {
        [Logout.self]
    }
}
