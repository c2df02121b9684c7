import Foundation
import JECPTestProcess
import JECPModels
import Testing

/// A full disk under the embedded store: paid calls answer 503 `SERVICE_DEGRADED` with
/// `Retry-After` and charge nothing, and the Hub recovers by itself once space returns. The
/// database lives on a small tmpfs of its own (mounting needs root: CI runs as root; elsewhere
/// the test says loudly that it skipped).
@Suite("Disk full")
struct DiskFullTests {
    @Test func aFullDiskRefusesPaidCallsCleanlyAndTheHubRecoversWhenSpaceReturns() async throws {
        guard let volume = try SmallVolume(megabytes: 16) else { return }
        defer { volume.remove() }
        try await TestHub.run(["db.sqlitePath": .init(.string(volume.path + "/hub.sqlite"), isSecret: false), "jecp.freeCalls": 0]) { hub in
            let agent = try await hub.register(tier: "platinum")
            try await hub.credit(agent, "1")
            let price = try Money(decimal: "0.01")
            var charged = 0
            let first = try await hub.invoke(agent, action: "echo")
            try #require(first.status == 200, "\(first.text)")
            charged += 1

            let filler = try volume.fill()
            var refused = 0
            for _ in 0..<30 {
                let call = try await hub.invoke(agent, action: "echo")
                if call.status == 200 {
                    charged += 1  // SQLite may still find room in pages it already owns
                    continue
                }
                refused += 1
                #expect(call.status == 503 && call.errorCode == "SERVICE_DEGRADED", "\(call.text)")
                #expect(Int(call.header("Retry-After") ?? "") ?? 0 >= 1)
            }
            #expect(refused > 0, "a full disk refused no paid call")
            #expect(try await hub.balance(agent) == Money(micros: 1_000_000 - price.micros * Int64(charged)))

            try FileManager.default.removeItem(atPath: filler)
            var recovered: HubResponse?
            for _ in 0..<20 {
                let call = try await hub.invoke(agent, action: "echo")
                if call.status == 200 {
                    recovered = call
                    break
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(recovered != nil, "the Hub did not recover once space returned")
            if recovered != nil { charged += 1 }
            #expect(try await hub.balance(agent) == Money(micros: 1_000_000 - price.micros * Int64(charged)))
            try await hub.expectLedgerHolds()
        }
    }
}

/// A tmpfs of a fixed size, mounted for one test.
struct SmallVolume {
    let path: String

    /// Nil (after saying so) when this process may not mount; under CI that is a failure.
    init?(megabytes: Int) throws {
        guard geteuid() == 0 else {
            let message = "DiskFullTests: SKIPPED, mounting a small tmpfs needs root (CI runs as root)"
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record(Comment(rawValue: message)) } else { print(message) }
            return nil
        }
        path = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-full-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
    }

    /// Writes a file until the volume is full; returns its path.
    func fill() throws -> String {
        let filler = path + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        defer { try? handle.close() }
        let block = Data(count: 64 * 1024)
        do {
            while true { try handle.write(contentsOf: block) }
        } catch {
            // ENOSPC: full. Top up byte-sized gaps too, so no page fits anywhere.
            let byte = Data(count: 512)
            while (try? handle.write(contentsOf: byte)) != nil {}
        }
        return filler
    }

    func remove() {
        try? Self.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let result = try ChildProcess.run(tool, arguments)
        guard result.status == 0 else {
            throw ChildProcess.Failure(description: "\(tool) \(arguments.joined(separator: " ")): \(String(decoding: result.errors, as: UTF8.self))")
        }
    }
}
