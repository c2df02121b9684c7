import Foundation
import HTTPTypes
import Hummingbird
import JECPModels
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// A language model API on 127.0.0.1 (port 0) speaking the real wire format of OpenAI's chat
/// completions or Anthropic's messages. It records every request and answers as the test scripts.
final class FakeLanguageModel: Sendable {
    enum Wire: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case openai, anthropic
        var testDescription: String { rawValue }
        var path: String { self == .openai ? "/v1/chat/completions" : "/v1/messages" }
    }

    /// What the fake answers, rendered in the wire's own format.
    indirect enum Reply: Sendable {
        /// A well-formed success carrying this assistant text.
        case text(String)
        /// The provider's refusal (OpenAI `message.refusal`, Anthropic `stop_reason: refusal`).
        case refusal
        /// Cut off at the token limit (`finish_reason: length` / `stop_reason: max_tokens`).
        case truncated(String)
        /// An error status with the provider's error body.
        case error(status: Int, message: String)
        /// Any status and body, sent as is.
        case raw(status: Int, body: String, contentType: String)
        /// Answers after a pause.
        case slow(seconds: Double, Reply)
    }

    struct Received: Sendable {
        let path: String
        /// Lowercased header names.
        let headers: [String: String]
        let body: JSONValue

        /// OpenAI: the system message; Anthropic: the `system` field.
        var system: String? { body["system"]?.stringValue ?? body["messages"]?.arrayValue?.first { $0["role"] == "system" }?["content"]?.stringValue }
        var user: String? { body["messages"]?.arrayValue?.first { $0["role"] == "user" }?["content"]?.stringValue }
    }

    let wire: Wire
    let reply: @Sendable (Received) -> Reply
    private let log = Mutex<[Received]>([])

    var requests: [Received] { log.withLock { $0 } }

    private init(wire: Wire, reply: @escaping @Sendable (Received) -> Reply) {
        self.wire = wire
        self.reply = reply
    }

    /// Starts the fake, runs `body` with its base URL, then stops it.
    static func run(_ wire: Wire, reply: @escaping @Sendable (Received) -> Reply,
                    _ body: @Sendable (FakeLanguageModel, _ url: String) async throws -> Void) async throws
    {
        let fake = FakeLanguageModel(wire: wire, reply: reply)
        let router = Router()
        router.post(RouterPath(wire.path)) { request, _ in try await fake.handle(request) }
        var logger = Logger(label: "fake-llm")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(services: [application], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let port = try #require(await ports.first { _ in true })
                try await body(fake, "http://127.0.0.1:\(port)")
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private func handle(_ request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let received = Received(path: request.uri.path, headers: headers, body: (try? JSONValue(parsing: bytes.readableBytesView)) ?? .null)
        log.withLock { $0.append(received) }
        return try await render(reply(received), model: received.body["model"]?.stringValue ?? "")
    }

    private func render(_ reply: Reply, model: String) async throws -> Response {
        switch reply {
        case .text(let text):
            return json(200, success(text, model: model, stop: wire == .openai ? "stop" : "end_turn"))
        case .truncated(let text):
            return json(200, success(text, model: model, stop: wire == .openai ? "length" : "max_tokens"))
        case .refusal:
            switch wire {
            case .openai:
                return json(200, ["id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000, "model": .string(model),
                                  "choices": [["index": 0, "message": ["role": "assistant", "content": nil, "refusal": "I can't help with that."],
                                               "finish_reason": "stop"]]])
            case .anthropic:
                return json(200, ["id": "msg_fake", "type": "message", "role": "assistant", "model": .string(model), "content": [],
                                  "stop_reason": "refusal", "stop_sequence": nil, "usage": ["input_tokens": 12, "output_tokens": 0]])
            }
        case .error(let status, let message):
            switch wire {
            case .openai:
                return json(status, ["error": ["message": .string(message), "type": "invalid_request_error", "param": nil, "code": nil]])
            case .anthropic:
                return json(status, ["type": "error", "error": ["type": "api_error", "message": .string(message)]])
            }
        case .raw(let status, let body, let contentType):
            return Response(status: .init(code: status), headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
        case .slow(let seconds, let then):
            try await Task.sleep(for: .seconds(seconds))
            return try await render(then, model: model)
        }
    }

    private func success(_ text: String, model: String, stop: String) -> JSONValue {
        switch wire {
        case .openai:
            ["id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000, "model": .string(model),
             "choices": [["index": 0, "message": ["role": "assistant", "content": .string(text), "refusal": nil], "logprobs": nil,
                          "finish_reason": .string(stop)]],
             "usage": ["prompt_tokens": 12, "completion_tokens": 9, "total_tokens": 21]]
        case .anthropic:
            ["id": "msg_fake", "type": "message", "role": "assistant", "model": .string(model),
             "content": [["type": "text", "text": .string(text)]], "stop_reason": .string(stop), "stop_sequence": nil,
             "usage": ["input_tokens": 12, "output_tokens": 9]]
        }
    }

    private func json(_ status: Int, _ body: JSONValue) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body.serialized())))
    }
}
