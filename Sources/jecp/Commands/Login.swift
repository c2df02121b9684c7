import ArgumentParser
import Foundation
import JECPClient

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save existing agent credentials after checking them against the Hub.",
        discussion: "Pass --api-key - to read the key from standard input, so it stays out of the shell history and `ps`.")

    @Option(name: .customLong("agent-id"), help: "The agent id (default: $JECP_AGENT_ID).")
    var agentID: String?

    @Option(name: .customLong("api-key"), help: ArgumentHelp("The API key, or - to read it from stdin (default: $JECP_API_KEY).", valueName: "key"))
    var apiKey: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            guard let id = (agentID ?? context.environment["JECP_AGENT_ID"]).flatMap({ $0.isEmpty ? nil : $0 }) else {
                throw CLIFailure.usage("--agent-id is required (or set JECP_AGENT_ID)")
            }
            var key = apiKey ?? context.environment["JECP_API_KEY"]
            if key == "-" {
                key = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let key, !key.isEmpty else { throw CLIFailure.usage("--api-key is required (or set JECP_API_KEY, or pass --api-key - and pipe it)") }
            let credentials = AgentCredentials(id: id, apiKey: key)
            // Verify before saving: a typo must not replace working credentials.
            let profile = try await context.withClient(credentials: credentials) { client throws(CLIFailure) in
                try await context.call("Checking the credentials") { () async throws -> AgentProfile in try await client.me() }
            }
            var config = context.config
            config.agent = credentials
            if context.settings.hubSource == .flag || context.settings.hubSource == .environment { config.baseURL = context.settings.hub }
            try context.store.save(config)
            let console = context.console
            if console.json {
                context.emit(["jecp": "1.0", "status": "completed", "agent_id": .string(profile.agentID), "name": profile.name.map { .string($0) } ?? .null,
                              "hub": .string(context.settings.hub), "config_path": .string(context.store.path)])
                return
            }
            console.out("Logged in as \(profile.name ?? profile.agentID) (\(profile.agentID)) on \(context.settings.hub).")
            console.out("Credentials saved in \(context.store.path).")
        }
    }
}
