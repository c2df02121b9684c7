import Foundation
import JECPTestProcess
import Hummingbird
import HummingbirdTesting
import JECPModels
import JECPSchema
import Synchronization
import Testing

/// The example provider as its users run it: the built `jecp-example-provider` binary, found beside
/// this test bundle in the build products (`swift build --build-tests` builds it).
@Suite struct ExampleProviderTests {
    static let binary: URL? = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("jecp-example-provider")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String { "jecp-example-provider is not built next to the tests; run `swift build --build-tests` first" }
    }

    static func requireBinary() throws -> URL {
        guard let binary else { throw MissingBinary() }
        return binary
    }

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: Data) {
        let child = try ChildProcess(try Self.requireBinary().path, arguments, errors: .null)
        child.waitUntilExit()
        return (child.terminationStatus, Data(child.standardOutput))
    }

    @Test func theManifestCommandPrintsAValidManifest() throws {
        let (status, stdout) = try run(["manifest", "--namespace", "acme-text", "--endpoint", "https://text.acme.dev/jecp",
                                        "--version", "1.2.3"])
        #expect(status == 0)
        let manifest = try JSONValue(parsing: Array(stdout))
        #expect(manifestSchema.validate(manifest) == [])
        #expect(manifest["namespace"] == "acme-text")
        #expect(manifest["capability"] == "text-tools")
        #expect(manifest["version"] == "1.2.3")
        let actions = try #require(manifest["actions"]?.arrayValue)
        #expect(actions.compactMap { $0["id"]?.stringValue } == ["word-count", "reverse-words", "spell-out", "render-label"])
        for action in actions {
            #expect(action["examples"]?.arrayValue?.isEmpty == false)
            #expect(action["pricing"]?["base"]?.stringValue?.hasPrefix("$0.00") == true)
            #expect(action["streaming"] == (action["id"] == "spell-out" ? true : nil))
            // Every action's schemas compile as JSON Schema.
            _ = try CompiledSchema(try #require(action["input_schema"]))
            _ = try CompiledSchema(try #require(action["output_schema"]))
        }
        #expect(try run(["manifest", "--namespace", "acme"]).status == 64)
    }

    /// Starts the server on an ephemeral loopback port and runs `body` against it.
    func withRunningExample(_ body: @escaping @Sendable (TestClient) async throws -> Void) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["JECP_PROVIDER_SECRET"] = testSecret
        environment["PORT"] = "0"
        environment["HOST"] = "127.0.0.1"
        let process = try ChildProcess(try Self.requireBinary().path, [], environment: environment, errors: .null)
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let deadline = ContinuousClock.now + .seconds(20)
        var line = ""
        while !line.hasSuffix("\n"), ContinuousClock.now < deadline, process.isRunning {
            try await Task.sleep(for: .milliseconds(20))
            line = process.outputText
        }
        #expect(line.hasPrefix("jecp-example-provider listening on 127.0.0.1:"))
        let port = try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").last ?? ""))
        #expect(port > 0)
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in try await body(client) }
        #expect(process.isRunning)
    }

    func call(_ client: TestClient, _ action: String, _ input: JSONValue, accept: String = "application/json") async throws -> TestClient.Response {
        let call = SignedCall(id: "req-\(action)", action: action, input: input, accept: accept)
        return try await client.post("/jecp", headers: call.headers, body: call.buffer)
    }

    @Test(.timeLimit(.minutes(1))) func theExampleServesItsActions() async throws {
        try await withRunningExample { client in
            let health = try await client.post("/jecp/health", body: ByteBuffer())
            #expect(health.status == .ok)

            let count = try await call(client, "word-count", ["text": "Hello world. How are you?"])
            #expect(count.body?.json == ["jecp": "1.0", "id": "req-word-count", "status": "success",
                                         "result": ["words": 5, "characters": 25, "sentences": 2]])

            let reversed = try await call(client, "reverse-words", ["text": "one  two three"])
            #expect(reversed.body?.json?["result"] == ["text": "three two one"])

            let spelled = try await call(client, "spell-out", ["text": "stream these words"], accept: "text/event-stream")
            #expect(spelled.headers[.contentType] == "text/event-stream")
            let events = parseEvents(spelled.body.map { String(buffer: $0) } ?? "")
            #expect(events.map(\.event) == ["chunk", "chunk", "chunk", "meter", "completed"])
            #expect(events.prefix(3).map(\.data) == [["delta": "stream", "index": 0], ["delta": "these", "index": 1],
                                                     ["delta": "words", "index": 2]])
            #expect(events.last?.data == ["result": ["text": "stream these words", "words": 3]])

            let label = try await call(client, "render-label", ["width": 3, "height": 2, "color": "#ff8000"])
            #expect(label.status == .ok)
            #expect(label.headers[.contentType] == "image/png")
            let png = try #require(label.body?.bytes)
            #expect(PNGCheck.chunks(png)?.map(\.type) == ["IHDR", "IDAT", "IEND"])
            #expect(PNGCheck.pixels(png) == Array(repeating: [0xFF, 0x80, 0x00], count: 6))

            let nonsense = try await call(client, "render-label", ["color": "orange"])
            #expect(nonsense.status == .unprocessableContent)
            #expect(nonsense.body?.json?["error"]?["code"] == "INVALID_COLOR")

            let forged = SignedCall(action: "word-count", input: ["text": "x"], secret: "guess")
            #expect(try await client.post("/jecp", headers: forged.headers, body: forged.buffer).status == .unauthorized)
        }
    }
}

/// Reads back the PNG the example writes: chunk framing with CRCs, and the pixels of its stored deflate blocks.
enum PNGCheck {
    static func chunks(_ png: [UInt8]) -> [(type: String, data: [UInt8])]? {
        guard png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
        var chunks: [(String, [UInt8])] = []
        var offset = 8
        while offset + 12 <= png.count {
            let length = Int(uint32(png, offset))
            guard offset + 12 + length <= png.count else { return nil }
            let typeAndData = Array(png[offset + 4..<offset + 8 + length])
            guard crc32(typeAndData) == uint32(png, offset + 8 + length) else { return nil }
            chunks.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4))))
            offset += 12 + length
        }
        return offset == png.count ? chunks : nil
    }

    /// RGB triples, for an 8-bit RGB image whose zlib stream holds only stored blocks.
    static func pixels(_ png: [UInt8]) -> [[UInt8]]? {
        guard let chunks = chunks(png), let header = chunks.first, header.type == "IHDR",
              let idat = chunks.first(where: { $0.type == "IDAT" })?.data else { return nil }
        let width = Int(uint32(header.data, 0))
        guard header.data[8...9] == [8, 2] else { return nil }
        var raw: [UInt8] = []
        var offset = 2
        while offset < idat.count - 4 {
            let final = idat[offset] & 1 == 1
            let length = Int(idat[offset + 1]) | Int(idat[offset + 2]) << 8
            raw += idat[offset + 5..<offset + 5 + length]
            offset += 5 + length
            if final { break }
        }
        var pixels: [[UInt8]] = []
        for row in stride(from: 0, to: raw.count, by: 1 + 3 * width) {
            guard raw[row] == 0 else { return nil }
            for column in 0..<width { pixels.append(Array(raw[row + 1 + 3 * column..<row + 4 + 3 * column])) }
        }
        return pixels
    }

    static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
