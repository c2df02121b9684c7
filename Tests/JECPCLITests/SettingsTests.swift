import Testing

@testable import jecp

@Suite struct SettingsTests {
    let config = CLIConfig(baseURL: "http://config.local:1", agent: AgentCredentials(id: "agt_config", apiKey: "key_config"))
    let environment = ["JECP_BASE_URL": "http://env.local:2", "JECP_AGENT_ID": "agt_env", "JECP_API_KEY": "key_env"]

    @Test func flagBeatsEnvironmentBeatsConfigBeatsDefault() throws {
        #expect(try Settings.resolve(hubFlag: "http://flag.local:3/", environment: environment, config: config).hub == "http://flag.local:3")
        #expect(try Settings.resolve(hubFlag: "http://flag.local:3", environment: environment, config: config).hubSource == .flag)
        #expect(try Settings.resolve(hubFlag: nil, environment: environment, config: config).hub == "http://env.local:2")
        #expect(try Settings.resolve(hubFlag: nil, environment: [:], config: config).hub == "http://config.local:1")
        #expect(try Settings.resolve(hubFlag: nil, environment: [:], config: CLIConfig()).hub == "http://127.0.0.1:8080")
        #expect(try Settings.resolve(hubFlag: nil, environment: [:], config: CLIConfig()).hubSource == .none)
    }

    @Test func environmentCredentialsOverrideConfigOneByOne() throws {
        let both = try Settings.resolve(hubFlag: nil, environment: environment, config: config)
        #expect(both.credentials == AgentCredentials(id: "agt_env", apiKey: "key_env"))
        #expect(both.credentialSource == .environment)
        let keyOnly = try Settings.resolve(hubFlag: nil, environment: ["JECP_API_KEY": "key_env"], config: config)
        #expect(keyOnly.credentials == AgentCredentials(id: "agt_config", apiKey: "key_env"))
        let configOnly = try Settings.resolve(hubFlag: nil, environment: ["JECP_API_KEY": ""], config: config)
        #expect(configOnly.credentials == config.agent)
        #expect(configOnly.credentialSource == .config)
        #expect(try Settings.resolve(hubFlag: nil, environment: [:], config: CLIConfig()).credentials == nil)
    }

    @Test(arguments: ["ftp://hub", "127.0.0.1:8080", "http://", "http://h/?q=1", ""])
    func badHubURLsAreUsageErrors(url: String) {
        let error = #expect(throws: CLIFailure.self) { try Settings.resolve(hubFlag: url, environment: [:], config: CLIConfig()) }
        #expect(error?.exitCode == .usage)
        #expect(error?.message.contains("--hub") == true)
    }
}
