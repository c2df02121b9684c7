import Foundation
import JECPClient

/// The `provider` object of `config.json`, written by `jecp provider register` and `rotate-key`.
/// It is read only by provider commands, so a malformed one never breaks agent commands.
struct ProviderCredentials: Equatable, Sendable {
    /// The Hub the account belongs to.
    var hub: String?
    var providerID: String
    var namespace: String
    var apiKey: String
    /// Only with `register --save-secret`.
    var hmacSecret: String?

    init(hub: String?, providerID: String, namespace: String, apiKey: String, hmacSecret: String? = nil) {
        self.hub = hub
        self.providerID = providerID
        self.namespace = namespace
        self.apiKey = apiKey
        self.hmacSecret = hmacSecret
    }

    init(json: JSONValue) throws(CLIFailure) {
        guard let id = json["provider_id"]?.stringValue, let namespace = json["namespace"]?.stringValue, let key = json["api_key"]?.stringValue else {
            throw CLIFailure.config("provider must be an object with provider_id, namespace and api_key strings")
        }
        self.init(hub: json["hub"]?.stringValue, providerID: id, namespace: namespace, apiKey: key, hmacSecret: json["hmac_secret"]?.stringValue)
    }

    /// These fields written over `existing`, whose other keys (from a newer `jecp`) are kept.
    func json(over existing: JSONValue? = nil) -> JSONValue {
        var fields = existing?.objectValue ?? [:]
        fields["hub"] = hub.map { .string($0) }
        fields["provider_id"] = .string(providerID)
        fields["namespace"] = .string(namespace)
        fields["api_key"] = .string(apiKey)
        fields["hmac_secret"] = hmacSecret.map { .string($0) }
        return .object(fields)
    }
}

extension CLIConfig {
    /// The saved provider credentials, nil when there are none.
    func providerCredentials() throws(CLIFailure) -> ProviderCredentials? {
        guard let provider, !provider.isNull else { return nil }
        return try ProviderCredentials(json: provider)
    }
}

/// Where and as whom one provider command talks to the Hub.
/// Precedence: `--hub` / `JECP_BASE_URL`, then the Hub saved with the provider, then as for agents;
/// `JECP_PROVIDER_KEY`, then the saved key.
struct ProviderAccount: Sendable {
    let hub: String
    let saved: ProviderCredentials?
    let apiKey: String?
    let keySource: Settings.Source

    /// The namespace when known without asking the Hub (saved, for the saved key only).
    var namespace: String? { keySource == .config ? saved?.namespace : nil }
}

extension CLIFailure {
    /// No provider key anywhere.
    static func noProviderCredentials() -> CLIFailure {
        CLIFailure(code: "AUTH_REQUIRED", message: "No provider credentials: run `jecp provider register`, or set JECP_PROVIDER_KEY.", exitCode: .auth)
    }
}

extension CommandContext {
    func providerAccount() throws(CLIFailure) -> ProviderAccount {
        let saved: ProviderCredentials?
        do {
            saved = try config.providerCredentials()
        } catch {
            throw CLIFailure.config("\(store.path): \(error.message)")
        }
        var hub = settings.hub
        if settings.hubSource != .flag, settings.hubSource != .environment, let savedHub = saved?.hub {
            hub = try Settings.normalizeHub(savedHub, source: .config)
        }
        if let key = environment["JECP_PROVIDER_KEY"]?.trimmingCharacters(in: .whitespaces), !key.isEmpty {
            return ProviderAccount(hub: hub, saved: saved, apiKey: key, keySource: .environment)
        }
        return ProviderAccount(hub: hub, saved: saved, apiKey: saved?.apiKey, keySource: saved == nil ? .none : .config)
    }

    /// Runs `body` with a client authenticated as `account` and always shuts the client down.
    func withProviderClient<T: Sendable>(_ account: ProviderAccount, _ body: (JECPProviderClient) async throws(CLIFailure) -> T)
        async throws(CLIFailure) -> T
    {
        guard let key = account.apiKey else { throw CLIFailure.noProviderCredentials() }
        let client = JECPProviderClient(hub: account.hub, apiKey: key, logger: sdkLogger)
        return try await Self.using(client, shutdown: { try await $0.shutdown() }, body)
    }

    /// Saves `config`; when that fails after the Hub issued a key, the failure carries the key
    /// so it is not lost.
    func save(_ config: CLIConfig, issuedKey key: String) throws(CLIFailure) {
        do throws(CLIFailure) {
            try store.save(config)
        } catch {
            var failure = error
            failure.message += ". The new provider key could not be saved; it is: \(key)"
            throw failure
        }
    }
}
