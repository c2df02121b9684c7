import ArgumentParser
import Foundation
import JECPClient

struct RotateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Replace the agent's API key and save the new one.",
        discussion: "The new key goes straight into the config file and is not printed. The old key keeps working for the grace period unless --revoke-old.")

    @Option(name: .customLong("grace-seconds"), help: "How long the old key keeps working (60-604800, Hub default 3600).")
    var graceSeconds: Int?

    @Flag(name: .customLong("revoke-old"), help: "Stop the old key at once.")
    var revokeOld = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let (grace, revoke) = (graceSeconds, revokeOld)
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            let credentials = try context.requireCredentials()
            let rotation = try await context.withClient { client throws(CLIFailure) in
                try await context.call("Rotating the key") { () async throws -> KeyRotation in
                    try await client.rotateKey(graceSeconds: grace, revokeOld: revoke)
                }
            }
            var config = context.config
            config.agent = AgentCredentials(id: credentials.id, apiKey: rotation.apiKey)
            do throws(CLIFailure) {
                try context.store.save(config)
            } catch {
                // The Hub already switched keys: losing the new one would lock the agent out.
                var failure = error
                failure.message += ". The new key could not be saved; it is: \(rotation.apiKey)"
                throw failure
            }
            let until = rotation.previousKeyValidUntil.map { ISO8601DateFormatter().string(from: $0) }
            let console = context.console
            if console.json {
                context.emit(["jecp": "1.0", "status": "completed", "agent_id": .string(credentials.id), "config_path": .string(context.store.path),
                              "previous_key_valid_until": until.map { .string($0) } ?? .null, "previous_key_revoked": .bool(revoke)])
                return
            }
            console.out("New API key saved in \(context.store.path).")
            console.out(revoke ? "The old key no longer works." : "The old key works until \(until ?? "the grace period ends").")
            if context.settings.credentialSource == .environment {
                console.note("note: JECP_API_KEY is set in the environment and still holds the old key; update or unset it.")
            }
        }
    }
}
