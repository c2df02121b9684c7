import Foundation
import Hummingbird
import JECPModels
import JECPProviderKit
import JECPSchema
import Synchronization

let testSecret = "whsec_test_0123456789abcdef"

var unixNow: Int64 { Int64(Date().timeIntervalSince1970) }

/// A call as the Hub forwards it: the JSON body and its signature headers.
struct SignedCall {
    var body: [UInt8]
    var headers: HTTPFields

    init(id: String = "req-1", action: String, input: JSONValue = [:], secret: String = testSecret,
         timestamp: Int64 = unixNow, accept: String = "application/json", body: [UInt8]? = nil) {
        let envelope: JSONValue = ["jecp": "1.0", "id": .string(id), "capability": "acme/text-tools",
                                   "action": .string(action), "input": input]
        self.body = body ?? envelope.serialized()
        self.headers = [
            .contentType: "application/json",
            .accept: accept,
            .init("X-JECP-Signature")!: HubSignature.sign(secret: secret, timestamp: timestamp, body: self.body),
            .init("X-JECP-Timestamp")!: String(timestamp),
            .init("X-JECP-Namespace")!: "acme",
            .init("X-JECP-Action")!: action,
            .init("X-Request-ID")!: id,
        ]
    }

    var buffer: ByteBuffer { ByteBuffer(bytes: body) }
}

extension ByteBuffer {
    var json: JSONValue? { try? JSONValue(parsing: Array(buffer: self)) }
    var bytes: [UInt8] { Array(buffer: self) }
}

/// A handler that records how often it ran, to prove rejected calls never reach it.
final class RunCounter: Sendable {
    private let runs = Mutex(0)
    func record() { runs.withLock { $0 += 1 } }
    var count: Int { runs.withLock { $0 } }
}

/// One server-sent event of a response body.
struct SSEEvent: Equatable {
    var event: String
    var data: JSONValue
}

/// Parses `event: …\ndata: …\n\n` frames; every `data` line must be one JSON document.
func parseEvents(_ text: String) -> [SSEEvent] {
    text.components(separatedBy: "\n\n").compactMap { block in
        var event: String?
        var data: JSONValue?
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data = try? JSONValue(parsing: String(line.dropFirst(6))) }
        }
        guard let event, let data else { return nil }
        return SSEEvent(event: event, data: data)
    }
}

/// The spec checkout beside the repository: `<repo>/../shared/spec`.
let specDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/spec")

func loadJSON(_ relativePath: String) throws -> JSONValue {
    try JSONValue(parsing: Array(Data(contentsOf: specDirectory.appendingPathComponent(relativePath))))
}

/// The manifest schema, with `format` asserted (uri, email, date-time) for the strictest check.
let manifestSchema: CompiledSchema = {
    do {
        return try CompiledSchema(try loadJSON("schemas/v1/manifest.schema.json"), formatAssertion: true)
    } catch {
        fatalError("cannot load the manifest schema from \(specDirectory.path): \(error)")
    }
}()
