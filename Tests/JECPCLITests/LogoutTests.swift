import ArgumentParser
import Foundation
import JECPModels
import Testing

@testable import jecp

@Suite struct LogoutTests {
    let full: CLIConfig = {
        var config = CLIConfig(baseURL: "http://127.0.0.1:9", agent: AgentCredentials(id: "agt_1", apiKey: "k"))
        config.provider = ["id": "prv_1", "secret": "s"]
        return config
    }()

    @Test func plainLogoutRemovesOnlyTheAgent() {
        let (config, removed) = Logout.apply(.agent, to: full)
        #expect(removed == ["agent"])
        #expect(config.agent == nil)
        #expect(config.provider == full.provider)
        #expect(config.baseURL == full.baseURL)
    }

    @Test func providerLogoutRemovesOnlyTheProvider() {
        let (config, removed) = Logout.apply(.provider, to: full)
        #expect(removed == ["provider"])
        #expect(config.provider == nil)
        #expect(config.agent == full.agent)
    }

    @Test func allRemovesEverything() {
        let (config, removed) = Logout.apply(.all, to: full)
        #expect(Set(removed) == ["agent", "provider", "base_url"])
        #expect(config.isEmpty)
    }

    @Test func flagsSelectTheScope() throws {
        #expect(try Logout.parse([]).scope == .agent)
        #expect(try Logout.parse(["--provider"]).scope == .provider)
        #expect(try Logout.parse(["--agent", "--provider"]).scope == [.agent, .provider])
        #expect(try Logout.parse(["--all", "--provider"]).scope == .all)
    }

    @Test func nothingSavedRemovesNothing() {
        let (config, removed) = Logout.apply(.agent, to: CLIConfig())
        #expect(removed.isEmpty)
        #expect(config.isEmpty)
    }
}
