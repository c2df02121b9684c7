import Foundation
import JECPTestProcess
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `jecp-hub` executable: start on a free port, serve over loopback, verify the
/// ledger from the command line, stop cleanly on SIGTERM, refuse bad configuration.
@Suite struct HubProcessTests {
    static var executable: URL? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("jecp-hub") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// What a started Hub printed (standard output and error together).
    struct Output: Sendable {
        let child: ChildProcess
        var value: String { child.outputText }
    }

    static func run(_ arguments: [String], environment: [String: String], executable: URL? = nil) throws -> (ChildProcess, Output) {
        let path = try #require(executable ?? Self.executable, "jecp-hub is not built next to the test bundle")
        let child = try ChildProcess(path.path, arguments, environment: environment.merging(["PATH": "/usr/bin:/bin"]) { $1 }, errors: .toOutput)
        return (child, Output(child: child))
    }

    static func waitForExit(_ process: ChildProcess, seconds: Double = 20) async -> Bool {
        await process.waitForExit(seconds: seconds)
    }

    @Test func servesVerifiesAndShutsDownGracefully() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-process-\(UUID().uuidString)").path
        let environment = ["HTTP_PORT": "0", "DB_SQLITE_PATH": directory + "/hub.sqlite", "LOG_LEVEL": "info"]
        let (process, output) = try Self.run([], environment: environment)
        var port: Int?
        for _ in 0..<400 where port == nil {
            try await Task.sleep(for: .milliseconds(50))
            if let line = output.value.split(separator: "\n").first(where: { $0.contains("JECP Hub listening on http://127.0.0.1:") }) {
                port = Int(line.split(separator: ":").last ?? "")
            }
        }
        let bound = try #require(port, "no listening line in: \(output.value)")
        #expect(bound > 0)
        #expect(output.value.contains("admin token: \(directory)/admin-token"))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/admin-token")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(bound)/api/agent/register")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"name":"process-test"}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)
        #expect(String(decoding: data, as: UTF8.self).contains("\"api_key\""))

        process.terminate()  // SIGTERM
        #expect(await Self.waitForExit(process))
        #expect(process.terminationStatus == 0)
        #expect(output.value.contains("database closed"))

        let (verify, verifyOutput) = try Self.run(["ledger", "verify"], environment: ["DB_SQLITE_PATH": directory + "/hub.sqlite"])
        #expect(await Self.waitForExit(verify))
        #expect(verify.terminationStatus == 0)
        #expect(verifyOutput.value.contains("all invariants hold"))
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test(arguments: [
        (["HTTP_PORT": "70000"], "HTTP_PORT"),
        (["DB_KIND": "oracle"], "DB_KIND"),
        (["JECP_VENDOR_PREFIX": "Not-Valid"], "JECP_VENDOR_PREFIX"),
        (["JECP_PUBLIC_URL": "ftp://x"], "JECP_PUBLIC_URL"),
        (["LOG_LEVEL": "loud"], "LOG_LEVEL"),
        (["JECP_FREE_CALLS": "-1"], "JECP_FREE_CALLS"),
    ])
    func badConfigurationStopsWithOneClearMessage(environment: [String: String], key: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-badconf-\(UUID().uuidString)").path
        let (process, output) = try Self.run([], environment: environment.merging(["DB_SQLITE_PATH": directory + "/hub.sqlite"]) { $1 })
        #expect(await Self.waitForExit(process))
        #expect(process.terminationStatus == 2)
        let lines = output.value.split(separator: "\n")
        #expect(lines.count == 1, "\(output.value)")
        #expect(output.value.contains("jecp-hub: configuration: \(key)"))
    }
}
