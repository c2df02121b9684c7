import Hummingbird
import HummingbirdTesting
import JECPModels
import JECPProviderKit
import Synchronization
import Testing

@Suite struct JECPProviderStreamingTests {
    struct Boom: Error {}

    func makeApp(_ configure: (inout JECPProvider) -> Void) -> some ApplicationProtocol {
        var provider = JECPProvider(secret: testSecret)
        configure(&provider)
        let router = Router()
        provider.register(on: router)
        return Application(router: router)
    }

    func stream(_ app: some ApplicationProtocol, action: String, input: JSONValue = [:]) async throws -> (TestResponse, [SSEEvent]) {
        let call = SignedCall(id: "req-s", action: action, input: input, accept: "text/event-stream")
        return try await app.test(.router) { client in
            let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            return (response, parseEvents(String(buffer: response.body)))
        }
    }

    @Test func chunksMetersThenCompletedInOrder() async throws {
        let app = makeApp { provider in
            provider.streamingAction("spell") { request, stream in
                let words = request.input["text"]?.stringValue?.split(separator: " ").map(String.init) ?? []
                for word in words { try await stream.chunk(.string(word)) }
                try await stream.chunk(["structured": true])
                try await stream.meter(["words": .number(JSONNumber(words.count))])
                return ["words": .number(JSONNumber(words.count))]
            }
        }
        let (response, events) = try await stream(app, action: "spell", input: ["text": "one two"])
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/event-stream")
        #expect(events == [
            SSEEvent(event: "chunk", data: ["delta": "one", "index": 0]),
            SSEEvent(event: "chunk", data: ["delta": "two", "index": 1]),
            SSEEvent(event: "chunk", data: ["delta": ["structured": true], "index": 2]),
            SSEEvent(event: "meter", data: ["words": 2]),
            SSEEvent(event: "completed", data: ["result": ["words": 2]]),
        ])
        // Every frame is exactly `event:` + one `data:` line.
        let frames = String(buffer: response.body).components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(frames.allSatisfy { $0.split(separator: "\n").count == 2 })
    }

    @Test func aProviderErrorMidStreamIsTheTerminalErrorEvent() async throws {
        let app = makeApp { provider in
            provider.streamingAction("spell") { _, stream in
                try await stream.chunk("partial")
                throw ProviderError("UPSTREAM_DOWN", "The dictionary is unavailable.", status: 503)
            }
        }
        let (response, events) = try await stream(app, action: "spell")
        #expect(response.status == .ok)
        #expect(events == [
            SSEEvent(event: "chunk", data: ["delta": "partial", "index": 0]),
            SSEEvent(event: "error", data: ["code": "UPSTREAM_DOWN", "message": "The dictionary is unavailable."]),
        ])
    }

    @Test func anyOtherErrorMidStreamIsAGenericErrorEvent() async throws {
        let app = makeApp { provider in
            provider.streamingAction("spell") { _, _ in throw Boom() }
        }
        let (_, events) = try await stream(app, action: "spell")
        #expect(events.count == 1)
        #expect(events.first?.event == "error")
        #expect(events.first?.data["code"] == "EXECUTION_FAILED")
    }

    @Test func withoutAnEventStreamAcceptTheResultComesAsJSON() async throws {
        let app = makeApp { provider in
            provider.streamingAction("spell") { _, stream in
                try await stream.chunk("dropped")
                try await stream.meter(["words": 1])
                return ["text": "dropped"]
            }
        }
        let call = SignedCall(id: "req-j", action: "spell")
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.body.json == ["jecp": "1.0", "id": "req-j", "status": "success", "result": ["text": "dropped"]])
        }
    }

    @Test func signatureAndActionAreCheckedBeforeAnyStreamStarts() async throws {
        let app = makeApp { provider in provider.streamingAction("spell") { _, _ in "never" } }
        try await app.test(.router) { client in
            let forged = SignedCall(action: "spell", secret: "forged", accept: "text/event-stream")
            let unsigned = try await client.execute(uri: "/jecp", method: .post, headers: forged.headers, body: forged.buffer)
            #expect(unsigned.status == .unauthorized)
            #expect(unsigned.headers[.contentType] == "application/json")
        }
    }

    /// The first chunk must reach the Hub while the handler is still working on the second, proving
    /// events are written as they are produced rather than collected until the end.
    @Test(.timeLimit(.minutes(1))) func eventsReachTheWireAsTheyAreProduced() async throws {
        let (gate, open) = AsyncStream<Void>.makeStream()
        let app = makeApp { provider in
            provider.streamingAction("slow") { _, stream in
                try await stream.chunk("first")
                for await _ in gate { break }
                try await stream.chunk("second")
                return "done"
            }
        }
        try await app.test(.live) { client in
            let connection = try RawHTTPConnection(port: try #require(client.port))
            defer { connection.close() }
            try connection.send(SignedCall(action: "slow", accept: "text/event-stream"))
            let head = try await connection.read(until: { $0.contains(#""delta":"first""#) })
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(!head.contains("second"))
            open.yield()
            let rest = try await connection.read(until: { $0.contains("event: completed") })
            #expect(rest.contains(#""delta":"second","index":1"#))
        }
    }

    /// When the Hub hangs up, the handler's next write throws and the handler ends; nothing outlives the response.
    @Test(.timeLimit(.minutes(1))) func aDisconnectStopsTheHandler() async throws {
        let (ended, finish) = AsyncStream<Int>.makeStream()
        let app = makeApp { provider in
            provider.streamingAction("endless") { _, stream in
                var sent = 0
                do {
                    while sent < 10_000 {
                        try await stream.chunk(.string("word \(sent)"))
                        sent += 1
                        try await Task.sleep(for: .milliseconds(5))
                    }
                } catch {
                    finish.yield(sent)
                    throw error
                }
                finish.yield(sent)
                return "finished"
            }
        }
        try await app.test(.live) { client in
            let connection = try RawHTTPConnection(port: try #require(client.port))
            try connection.send(SignedCall(action: "endless", accept: "text/event-stream"))
            _ = try await connection.read(until: { $0.contains("event: chunk") })
            connection.close()
            var iterator = ended.makeAsyncIterator()
            let sent = try #require(await iterator.next())
            #expect(sent < 10_000)
        }
    }
}
