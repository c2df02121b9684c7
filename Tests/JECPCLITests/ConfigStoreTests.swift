import Foundation
import JECPModels
import Testing

@testable import jecp

@Suite struct ConfigStoreTests {
    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-cli-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require((attributes[.posixPermissions] as? NSNumber)?.intValue)
    }

    @Test func pathRespectsXDGConfigHomeAndFallsBackToHome() {
        #expect(ConfigStore.defaultPath(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/a"]) == "/x/cfg/jecp/config.json")
        #expect(ConfigStore.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.config/jecp/config.json")
        // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
        #expect(ConfigStore.defaultPath(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/home/a"]) == "/home/a/.config/jecp/config.json")
    }

    @Test func savesWithPrivatePermissionsAndReadsBack() throws {
        let base = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let store = ConfigStore(environment: ["XDG_CONFIG_HOME": base])
        var config = CLIConfig(baseURL: "http://127.0.0.1:9", agent: AgentCredentials(id: "agt_1", apiKey: "key_1"))
        config.provider = ["id": "prv_1", "secret": "s"]
        try store.save(config)
        #expect(try Self.permissions(base + "/jecp") == 0o700)
        #expect(try Self.permissions(store.path) == 0o600)
        #expect(try store.load() == config)
        let json = try JSONValue(parsing: try #require(FileManager.default.contents(atPath: store.path)))
        #expect(json["agent"]?["id"] == "agt_1")
        #expect(json["agent"]?["api_key"] == "key_1")
        #expect(json["provider"]?["id"] == "prv_1")
        #expect(json["base_url"] == "http://127.0.0.1:9")
    }

    @Test func tightensAnExistingLooseDirectoryAndFile() throws {
        let base = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/jecp", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        _ = FileManager.default.createFile(atPath: base + "/jecp/config.json", contents: Data("{}".utf8), attributes: [.posixPermissions: 0o644])
        let store = ConfigStore(environment: ["XDG_CONFIG_HOME": base])
        try store.save(CLIConfig(agent: AgentCredentials(id: "agt_1", apiKey: "k")))
        #expect(try Self.permissions(base + "/jecp") == 0o700)
        #expect(try Self.permissions(store.path) == 0o600)
    }

    @Test func writesAtomicallyLeavingNoTemporaryFiles() throws {
        let base = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let store = ConfigStore(environment: ["XDG_CONFIG_HOME": base])
        try store.save(CLIConfig(agent: AgentCredentials(id: "agt_old", apiKey: "old")))
        let before = try FileManager.default.attributesOfItem(atPath: store.path)[.systemFileNumber] as? NSNumber
        try store.save(CLIConfig(agent: AgentCredentials(id: "agt_new", apiKey: "new")))
        let after = try FileManager.default.attributesOfItem(atPath: store.path)[.systemFileNumber] as? NSNumber
        // rename(2) puts a new inode in place: readers see the old file or the new one, never a mix.
        #expect(before != after)
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/jecp") == ["config.json"])
        #expect(try store.load().agent == AgentCredentials(id: "agt_new", apiKey: "new"))
    }

    @Test func aFailedWriteKeepsTheOldFile() throws {
        let base = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let store = ConfigStore(environment: ["XDG_CONFIG_HOME": base])
        try store.save(CLIConfig(agent: AgentCredentials(id: "agt_old", apiKey: "old")))
        // Tests run as root, which ignores permissions: a file squatting on the directory name
        // makes the write fail instead.
        let blocked = ConfigStore(path: store.path + "/nested/config.json")
        #expect(throws: CLIFailure.self) { try blocked.save(CLIConfig()) }
        #expect(try store.load().agent?.id == "agt_old")
    }

    @Test func missingFileIsAnEmptyConfigAndGarbageIsAClearError() throws {
        let base = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let store = ConfigStore(environment: ["XDG_CONFIG_HOME": base])
        #expect(try store.load() == CLIConfig())
        try FileManager.default.createDirectory(atPath: base + "/jecp", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: store.path, contents: Data("{not json".utf8))
        let error = #expect(throws: CLIFailure.self) { try store.load() }
        #expect(error?.code == "CONFIG_ERROR")
        #expect(error?.message.contains(store.path) == true)
    }

    @Test func unknownKeysSurviveARoundTrip() throws {
        let json: JSONValue = ["agent": ["id": "a", "api_key": "k"], "future_setting": ["x": 1], "provider": ["id": "p"]]
        let config = try CLIConfig(json: json)
        #expect(config.json == json)
    }
}
