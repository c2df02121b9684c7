import ArgumentParser
import JECPClient

struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove saved credentials: the agent's (default), the provider's (--provider) or everything (--all).")

    @Flag(help: "Remove the agent credentials (the default when nothing else is named).")
    var agent = false

    @Flag(help: "Remove only the provider credentials.")
    var provider = false

    @Flag(help: "Delete the whole config file.")
    var all = false

    @OptionGroup var global: GlobalOptions

    /// What one `logout` removes: only what it names.
    struct Scope: OptionSet, Sendable {
        let rawValue: Int
        static let agent = Scope(rawValue: 1)
        static let provider = Scope(rawValue: 2)
        static let all = Scope(rawValue: 4)
    }

    var scope: Scope {
        if all { return .all }
        var scope: Scope = []
        if agent { scope.insert(.agent) }
        if provider { scope.insert(.provider) }
        return scope.isEmpty ? .agent : scope
    }

    /// The config after `logout` and the names of the parts it removed.
    static func apply(_ scope: Scope, to config: CLIConfig) -> (config: CLIConfig, removed: [String]) {
        if scope.contains(.all) {
            var removed: [String] = []
            if config.agent != nil { removed.append("agent") }
            if config.provider != nil { removed.append("provider") }
            if config.baseURL != nil { removed.append("base_url") }
            return (CLIConfig(), removed)
        }
        var result = config
        var removed: [String] = []
        if scope.contains(.agent), result.agent != nil {
            result.agent = nil
            removed.append("agent")
        }
        if scope.contains(.provider), result.provider != nil {
            result.provider = nil
            removed.append("provider")
        }
        return (result, removed)
    }

    func run() async throws {
        let scope = scope
        try await CommandRunner.run(global, tolerateBrokenConfig: scope.contains(.all)) { context throws(CLIFailure) in
            let (updated, removed) = Self.apply(scope, to: context.config)
            if scope.contains(.all) {
                try context.store.delete()
            } else if !removed.isEmpty {
                try context.store.save(updated)
            }
            let console = context.console
            if console.json {
                console.out(JSONValue.object([
                    "jecp": "1.0", "status": "completed",
                    "removed": .array(removed.map { .string($0) }),
                    "config_path": .string(context.store.path),
                ]).prettyPrinted())
                return
            }
            if scope.contains(.all) {
                console.out("Deleted \(context.store.path).")
            } else if removed.isEmpty {
                console.out("Nothing to remove: no \(scope.contains(.provider) && !scope.contains(.agent) ? "provider" : "agent") credentials are saved.")
            } else {
                console.out("Removed \(removed.joined(separator: ", ")) from \(context.store.path).")
            }
            if !scope.contains(.provider) || scope.contains(.all), context.environment["JECP_AGENT_ID"] != nil || context.environment["JECP_API_KEY"] != nil {
                console.note("note: JECP_AGENT_ID / JECP_API_KEY are still set in the environment and will keep being used.")
            }
        }
    }
}
