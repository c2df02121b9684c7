import ArgumentParser
import JECPClient

struct Register: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register a new agent on the Hub and save its credentials.",
        discussion: "The API key is shown once, here, and saved to the config file (mode 0600).")

    @Option(help: "The agent's name: 1 to 100 printable characters, unique on the Hub.")
    var name: String

    @Option(name: .customLong("type"), help: "Agent type, e.g. automation or assistant.")
    var agentType: String?

    @Option(help: "A short description of the agent.")
    var description: String?

    @Flag(help: "Replace agent credentials that are already saved.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            if let existing = context.config.agent, !force {
                throw CLIFailure.usage(
                    "Credentials of agent \(existing.id) are already saved in \(context.store.path); registering would replace them. "
                        + "Run `jecp logout` first, or pass --force.")
            }
            let hub = context.settings.hub
            let (name, agentType, description) = (name, agentType, description)
            let registration = try await context.call("Registering \(name)") { () async throws -> Registration in
                try await JECPClient.register(hub: hub, name: name, agentType: agentType, description: description)
            }
            var config = context.config
            config.agent = AgentCredentials(id: registration.agentID, apiKey: registration.apiKey)
            // Keep the Hub the credentials belong to, unless it is just the default.
            if context.settings.hubSource == .flag || context.settings.hubSource == .environment { config.baseURL = hub }
            try context.store.save(config)

            let console = context.console
            if console.json {
                var document = registration.raw.objectValue ?? [:]
                document["agent_id"] = .string(registration.agentID)
                document["api_key"] = .string(registration.apiKey)
                document["hub"] = .string(hub)
                document["config_path"] = .string(context.store.path)
                context.emit(.object(document))
                return
            }
            var list = KeyValueList()
            list.append("Agent ID", registration.agentID)
            list.append("API key", registration.apiKey)
            if let freeCalls = registration.freeCalls { list.append("Free calls", String(freeCalls)) }
            list.append("Hub", hub)
            console.out(console.styled("Registered agent \(name).", .bold, .green))
            console.out(list.render(label: { console.styled($0, .dim) }))
            console.out()
            console.out("The API key is shown only once; it is saved in \(context.store.path).")
            console.out("Next: jecp whoami, jecp catalog")
        }
    }
}
