import ArgumentParser
import Foundation
import JECPClient

struct ProviderRotateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Replace the provider API key and save the new one.",
        discussion: """
            The new key goes straight into the config file and is not printed (unless it cannot be saved there). The old \
            key keeps working for the grace period unless --revoke-old. At most 3 rotations per 24 hours.
            """)

    @Option(name: .customLong("grace-seconds"), help: "How long the old key keeps working (0-86400, Hub default 3600).")
    var graceSeconds: Int?

    @Flag(name: .customLong("revoke-old"), help: "Stop the old key at once.")
    var revokeOld = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let graceSeconds, !(0...86_400).contains(graceSeconds) { throw ValidationError("--grace-seconds must be from 0 to 86400") }
    }

    func run() async throws {
        let (grace, revoke) = (graceSeconds, revokeOld)
        try await CommandRunner.run(global, context: .provider) { context throws(CLIFailure) in
            let account = try context.providerAccount()
            let rotation = try await context.withProviderClient(account) { client throws(CLIFailure) in
                try await context.call("Rotating the provider key") { () async throws -> ProviderKeyRotation in
                    try await client.rotateKey(graceSeconds: grace, revokeOld: revoke)
                }
            }
            // Saved over this provider's own section only: a JECP_PROVIDER_KEY of another provider
            // must not replace the saved credentials.
            let saved = account.saved
            let savable = saved == nil || saved?.providerID == rotation.providerID
            if savable {
                var credentials = saved ?? ProviderCredentials(hub: account.hub, providerID: rotation.providerID, namespace: rotation.namespace,
                                                               apiKey: rotation.apiKey)
                credentials.apiKey = rotation.apiKey
                var config = context.config
                config.provider = credentials.json(over: config.provider)
                try context.save(config, issuedKey: rotation.apiKey)
            }
            let until = rotation.previousKeyValidUntil.map { ISO8601DateFormatter().string(from: $0) }
            let console = context.console
            if console.json {
                var document: [String: JSONValue] = [
                    "jecp": "1.0", "status": "completed", "provider_id": .string(rotation.providerID), "namespace": .string(rotation.namespace),
                    "api_key_prefix": .string(rotation.apiKeyPrefix), "previous_key_valid_until": until.map { .string($0) } ?? .null,
                    "previous_key_revoked": .bool(revoke), "saved": .bool(savable), "config_path": .string(context.store.path),
                ]
                if !savable { document["api_key"] = .string(rotation.apiKey) }
                context.emit(.object(document))
                return
            }
            if savable {
                console.out("New provider key saved in \(context.store.path).")
            } else {
                console.out("New provider key (shown only once; the saved credentials belong to another provider): \(rotation.apiKey)")
            }
            console.out(revoke ? "The old key no longer works." : "The old key works until \(until ?? "the grace period ends").")
            if account.keySource == .environment {
                console.note("note: JECP_PROVIDER_KEY is set in the environment and still holds the old key; update or unset it.")
            }
        }
    }
}
