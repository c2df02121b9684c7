import Foundation
import JECPTestProcess
import JECPModels
import Testing

/// Runs the built `jecp` binary with a private config directory, the way a person would.
struct CLIProcess: Sendable {
    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String

        var json: JSONValue { (try? JSONValue(parsing: stdout)) ?? .null }
    }

    /// `XDG_CONFIG_HOME` (and `HOME`) of this "user".
    let home: String
    let hub: String?

    init(hub: String?) {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-cli-home-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        self.hub = hub
    }

    var configPath: String { home + "/jecp/config.json" }

    var config: JSONValue? {
        FileManager.default.contents(atPath: configPath).flatMap { try? JSONValue(parsing: $0) }
    }

    static var executable: URL? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("jecp") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) && !$0.hasDirectoryPath }
    }

    /// Runs `jecp arguments` (with `--hub` when this user has one) and waits for it to exit.
    func run(_ arguments: [String], hubFlag: Bool = true, environment: [String: String] = [:], stdin: String? = nil) async throws -> Result {
        let path = try #require(Self.executable, "jecp is not built next to the test bundle")
        let child = try ChildProcess(path.path, arguments + (hubFlag && hub != nil ? ["--hub", hub!] : []),
                                     environment: ["XDG_CONFIG_HOME": home, "HOME": home, "PATH": "/usr/bin:/bin", "TERM": "dumb"].merging(environment) { $1 },
                                     input: .bytes(Array((stdin ?? "").utf8)))
        // Wait without blocking a cooperative thread, which could starve the in-process Hub.
        if !(await child.waitForExit(seconds: 120)) {
            child.terminate()
            Issue.record("jecp \(arguments.joined(separator: " ")) did not finish in 120 s")
            _ = await child.waitForExit()
        }
        return Result(status: child.terminationStatus, stdout: child.outputText, stderr: child.errorText)
    }

    /// Registers an agent and returns its id and key.
    func register(_ name: String = "cli-agent-\(UUID().uuidString.prefix(8))") async throws -> (id: String, key: String) {
        let result = try await run(["register", "--name", name, "--json"])
        try #require(result.status == 0, "register failed: \(result.stdout) \(result.stderr)")
        return (try #require(result.json["agent_id"]?.stringValue), try #require(result.json["api_key"]?.stringValue))
    }

    func remove() { try? FileManager.default.removeItem(atPath: home) }
}
