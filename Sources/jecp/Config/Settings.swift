import Foundation

/// Where the Hub URL and credentials of one run come from.
/// Precedence: `--hub` flag > environment > config file > default.
struct Settings: Equatable, Sendable {
    enum Source: String, Sendable { case flag, environment, config, none }

    static let defaultHub = "http://127.0.0.1:8080"

    var hub: String
    var hubSource: Source
    var agentID: String?
    var apiKey: String?
    var credentialSource: Source

    var credentials: AgentCredentials? {
        guard let agentID, let apiKey else { return nil }
        return AgentCredentials(id: agentID, apiKey: apiKey)
    }

    static func resolve(hubFlag: String?, environment: [String: String], config: CLIConfig) throws(CLIFailure) -> Settings {
        func env(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let hub: String
        let hubSource: Source
        if let hubFlag {
            (hub, hubSource) = (hubFlag, .flag)
        } else if let value = env("JECP_BASE_URL") {
            (hub, hubSource) = (value, .environment)
        } else if let value = config.baseURL {
            (hub, hubSource) = (value, .config)
        } else {
            (hub, hubSource) = (defaultHub, .none)
        }
        let normalized = try normalizeHub(hub, source: hubSource)
        // Each variable overrides its own half, so JECP_API_KEY alone can test a rotated key.
        let envID = env("JECP_AGENT_ID")
        let envKey = env("JECP_API_KEY")
        let agentID = envID ?? config.agent?.id
        let apiKey = envKey ?? config.agent?.apiKey
        let credentialSource: Source = envID != nil || envKey != nil ? .environment : config.agent != nil ? .config : .none
        return Settings(hub: normalized, hubSource: hubSource, agentID: agentID, apiKey: apiKey, credentialSource: credentialSource)
    }

    /// `http(s)://host[:port][/path]` without a trailing slash.
    static func normalizeHub(_ text: String, source: Source) throws(CLIFailure) -> String {
        var value = text.trimmingCharacters(in: .whitespaces)
        while value.hasSuffix("/") { value.removeLast() }
        let origin: String
        switch source {
        case .flag: origin = "--hub"
        case .environment: origin = "JECP_BASE_URL"
        case .config: origin = "base_url in the config file"
        case .none: origin = "the default Hub URL"
        }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil
        else {
            throw CLIFailure.usage("\(origin) must be an http:// or https:// URL such as \(defaultHub), got '\(text)'")
        }
        return value
    }
}
