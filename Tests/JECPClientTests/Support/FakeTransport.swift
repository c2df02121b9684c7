import Foundation
@testable import JECPClient
import JECPModels
import Synchronization

/// A scripted transport: answers requests in order and records them.
final class FakeTransport: JECPTransport {
    enum Reply: Sendable {
        case response(TransportResponse)
        case failure(TransportError)
        /// A streamed 2xx or error: the body arrives in `chunks`, then ends (or fails with `failure`).
        case stream(status: Int, headers: [(String, String)], chunks: [[UInt8]], failure: TransportError?)
    }

    private let state: Mutex<(replies: [Reply], requests: [TransportRequest])>

    init(_ replies: [Reply]) {
        state = Mutex((replies, []))
    }

    var requests: [TransportRequest] { state.withLock { $0.requests } }

    /// The JSON bodies sent, in order.
    var bodies: [JSONValue] { requests.compactMap { $0.body.flatMap { try? JSONValue(parsing: $0) } } }

    private func next(_ request: TransportRequest) -> Reply {
        state.withLock { state in
            state.requests.append(request)
            return state.replies.isEmpty ? .failure(TransportError(.network, "no scripted reply left")) : state.replies.removeFirst()
        }
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        switch next(request) {
        case .response(let response): return response
        case .failure(let error): throw error
        case .stream(let status, let headers, let chunks, _):
            return TransportResponse(status: status, headers: headers, body: chunks.flatMap { $0 })
        }
    }

    func stream(_ request: TransportRequest) async throws -> TransportStreamResponse {
        switch next(request) {
        case .response(let response):
            return TransportStreamResponse(status: response.status, headers: response.headers, body: Self.body([response.body], failure: nil))
        case .failure(let error): throw error
        case .stream(let status, let headers, let chunks, let failure):
            return TransportStreamResponse(status: status, headers: headers, body: Self.body(chunks, failure: failure))
        }
    }

    static func body(_ chunks: [[UInt8]], failure: TransportError?) -> AsyncThrowingStream<[UInt8], any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        for chunk in chunks { continuation.yield(chunk) }
        continuation.finish(throwing: failure)
        return stream
    }
}

/// Records sleeps instead of waiting; jitter always takes the upper bound so delays are exact.
final class SleepRecorder: Sendable {
    let sleeps = DurationLog()
    let now: Date

    init(now: Date = Date(timeIntervalSince1970: 1_900_000_000)) { self.now = now }

    var recorded: [Duration] { sleeps.values }

    var environment: ClientEnvironment {
        ClientEnvironment(sleep: { [sleeps] duration in sleeps.append(duration) }, now: { [now] in now }, jitter: { $0 })
    }
}

/// Durations appended from any task.
final class DurationLog: Sendable {
    private let storage = Mutex<[Duration]>([])
    func append(_ duration: Duration) { storage.withLock { $0.append(duration) } }
    var values: [Duration] { storage.withLock { $0 } }
}

enum Fixtures {
    static let agentID = "jecp_ag_0123456789abcdef0123"
    static let apiKey = "jecp_ak_0123456789abcdef0123456789abcdef"

    static func client(_ transport: FakeTransport, sleeper: SleepRecorder = SleepRecorder(), retry: RetryPolicy = .default,
                       credentials: Bool = true) -> JECPClient {
        JECPClient(configuration: JECPClientConfiguration(baseURL: "http://hub.test/", agentID: credentials ? agentID : nil,
                                                          apiKey: credentials ? apiKey : nil, retryPolicy: retry),
                   transport: transport, environment: sleeper.environment)
    }

    static func json(_ status: Int, _ body: JSONValue, headers: [(String, String)] = []) -> FakeTransport.Reply {
        .response(TransportResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body.serialized()))
    }

    static func errorEnvelope(_ code: String, message: String = "something failed", details: JSONValue = ["k": "v"],
                              next: JSONValue? = nil, id: String? = nil) -> JSONValue {
        var envelope: [String: JSONValue] = [
            "jecp": "1.0", "status": "failed",
            "error": ["code": .string(code), "message": .string(message), "details": details,
                      "documentation_url": .string("https://hub.test/errors/\(code.lowercased())")],
        ]
        if let next { envelope["next_action"] = next }
        if let id { envelope["id"] = .string(id) }
        return .object(envelope)
    }

    static func error(_ status: Int, _ code: String, next: JSONValue? = nil, headers: [(String, String)] = []) -> FakeTransport.Reply {
        json(status, errorEnvelope(code, next: next), headers: headers)
    }

    static func success(output: JSONValue = ["ok": true], id: String = "req_1", headers: [(String, String)] = []) -> FakeTransport.Reply {
        json(200, [
            "jecp": "1.0", "id": .string(id), "status": "completed", "result": ["output": output],
            "billing": ["cost_usdc": .number(JSONNumber(decimalText: "0.005")), "method": "wallet",
                        "balance_after": .number(JSONNumber(decimalText: "4.995")), "transaction_id": "tx_1", "free_calls_remaining": 0],
            "execution": ["duration_ms": 3, "engine": "builtin", "provider": "jecp", "trust_tier": "bronze"],
        ], headers: headers)
    }

    static let profile: JSONValue = [
        "agent_id": .string(agentID), "name": "a", "tier": "bronze", "total_calls": 1, "free_calls_remaining": 0,
        "balance_usdc": .number(JSONNumber(decimalText: "1.5")),
    ]
}

/// The error `body` throws, or `nil` when it succeeds (`#require(throws:)` cannot type long closures).
func failure<T>(_ body: () async throws -> T) async -> JECPError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? JECPError
    }
}
