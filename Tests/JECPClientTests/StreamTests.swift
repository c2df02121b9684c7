import Foundation
@testable import JECPClient
import JECPModels
import Testing

/// `invokeStream`: typed events from SSE, terminal handling, errors.
@Suite struct StreamTests {
    static func collect(_ client: JECPClient) async throws -> [StreamEvent] {
        var events: [StreamEvent] = []
        for try await event in client.invokeStream("data-insight", "forecast", input: ["series": [1, 2, 3]]) { events.append(event) }
        return events
    }

    static func names(_ events: [StreamEvent]) -> [String] {
        events.map { event in
            switch event {
            case .status: "status"
            case .progress: "progress"
            case .result: "result"
            case .done: "done"
            case .error: "error"
            case .open: "open"
            case .chunk: "chunk"
            case .meter: "meter"
            case .completed: "completed"
            case .cancelled: "cancelled"
            case .other(let name, _): "other:\(name)"
            }
        }
    }

    static func sse(_ chunks: [String], failure: TransportError? = nil) -> FakeTransport.Reply {
        .stream(status: 200, headers: [("Content-Type", "text/event-stream")], chunks: chunks.map { Array($0.utf8) }, failure: failure)
    }

    @Test func hubEventsAreTyped() async throws {
        let transport = FakeTransport([Self.sse([
            "event: status\ndata: {\"state\":\"working\",\"step\":\"executing\",\"progress\":0}\n\n",
            "event: progress\r\ndata: {\"state\":\"working\",\"step\":\"parsing\",\"progress\":0.05}\r\n\r\n: keep-alive\n\n",
            "event: result\ndata: {\"output\":{\"predictions\":[1,2]}}\n\nevent: do", "ne\ndata: {\"status\":\"completed\",\"id\":\"r\",",
            "\"billing\":{\"cost_usdc\":0.01,\"method\":\"wallet\"},\"execution\":{\"engine\":\"builtin\",\"trust_tier\":\"silver\"}}\n\n",
        ])])
        let events = try await Self.collect(Fixtures.client(transport))
        #expect(Self.names(events) == ["status", "progress", "result", "done"])
        guard case .progress(let state, let step, let progress) = events[1] else { Issue.record("no progress"); return }
        #expect(state == "working" && step == "parsing" && progress == 0.05)
        guard case .result(let output) = events[2] else { Issue.record("no result"); return }
        #expect(output == ["predictions": [1, 2]])
        guard case .done(let billing, let execution, let raw) = events[3] else { Issue.record("no done"); return }
        #expect(billing.cost == Money(micros: 10_000))
        #expect(execution.trustTier == .silver)
        #expect(raw["id"] == "r")

        let request = try #require(transport.requests.first)
        #expect(request.header("Accept") == "text/event-stream")
        #expect(transport.bodies.first?["delivery"]?["mode"] == "stream")
    }

    @Test func providerStreamingEventsAreTyped() async throws {
        let transport = FakeTransport([Self.sse([
            "event: open\ndata: {\"request_id\":\"req-1\",\"capability\":\"llm/chat\",\"action\":\"complete\"}\n\n",
            "event: chunk\ndata: {\"delta\":\"Hel\",\"index\":0}\n\nevent: chunk\ndata: {\"delta\":\"lo\"}\n\n",
            "event: meter\ndata: {\"tokens\":12,\"elapsed_ms\":340}\n\nevent: mystery\ndata: not json\n\n",
            "event: completed\ndata: {\"result\":{\"text\":\"Hello\"},\"billing\":{\"charged\":true}}\n\n",
            "event: chunk\ndata: {\"delta\":\"after the end\"}\n\n",
        ])])
        let events = try await Self.collect(Fixtures.client(transport))
        #expect(Self.names(events) == ["open", "chunk", "chunk", "meter", "other:mystery", "completed"])
        guard case .chunk(let delta, let index) = events[1], case .chunk(_, let noIndex) = events[2] else { Issue.record("no chunks"); return }
        #expect(delta == "Hel" && index == 0 && noIndex == nil)
        guard case .completed(let completed) = events[5] else { Issue.record("no completed"); return }
        #expect(completed["result"]?["text"] == "Hello")
    }

    @Test func cancelledEventEndsTheStream() async throws {
        let transport = FakeTransport([Self.sse(["event: open\ndata: {}\n\nevent: cancelled\ndata: {\"reason\":\"stream_timeout\"}\n\n"])])
        let events = try await Self.collect(Fixtures.client(transport))
        guard case .cancelled(let reason) = events.last else { Issue.record("no cancelled"); return }
        #expect(reason == "stream_timeout")
    }

    @Test func errorEventIsATypedError() async throws {
        let transport = FakeTransport([Self.sse([
            "event: status\ndata: {\"state\":\"working\"}\n\n",
            "event: error\ndata: {\"code\":\"PAYMENT_REQUIRED\",\"message\":\"pay\",\"details\":{},\"next_action\":{\"type\":\"topup\",\"api\":\"https://hub.test/api/agent/topup\"}}\n\n",
        ])])
        let events = try await Self.collect(Fixtures.client(transport))
        guard case .error(let error) = events.last else { Issue.record("no error"); return }
        #expect(error.code == .paymentRequired)
        #expect(error.status == 402)
        #expect(error.topupURL == "https://hub.test/api/agent/topup")
    }

    @Test(arguments: [nil, TransportError(.network, "reset")])
    func missingTerminalEventSynthesizesCancelled(_ failure: TransportError?) async throws {
        let transport = FakeTransport([Self.sse(["event: status\ndata: {\"state\":\"working\"}\n\nevent: progress\ndata: {\"sta"], failure: failure)])
        let events = try await Self.collect(Fixtures.client(transport))
        #expect(Self.names(events) == ["status", "cancelled"])
    }

    @Test func nonSuccessStatusThrowsTheEnvelopeError() async throws {
        let envelope = Fixtures.errorEnvelope("NOT_STREAMABLE").serialized()
        let transport = FakeTransport([.stream(status: 406, headers: [], chunks: [Array(envelope.prefix(10)), Array(envelope.dropFirst(10))], failure: nil)])
        let error = try #require(await failure { try await Self.collect(Fixtures.client(transport)) })
        #expect(error.code == .notStreamable)
        #expect(error.status == 406)
        #expect(transport.requests.count == 1)
    }

    @Test func openingIsRetriedOnServerErrors() async throws {
        let transport = FakeTransport([Fixtures.error(503, "SERVICE_DEGRADED"), Self.sse(["event: done\ndata: {\"status\":\"completed\"}\n\n"])])
        let events = try await Self.collect(Fixtures.client(transport))
        #expect(Self.names(events) == ["done"])
        #expect(transport.requests.count == 2)
        #expect(transport.bodies[0]["id"] == transport.bodies[1]["id"])
    }
}

extension StreamTests {
    @Test func errorEventsCarryTheRequestID() async throws {
        let transport = FakeTransport([Self.sse(["event: error\ndata: {\"code\":\"EXECUTION_FAILED\",\"message\":\"boom\"}\n\n"])])
        var events: [StreamEvent] = []
        let stream = Fixtures.client(transport).invokeStream("a", "b", input: [:], options: InvokeOptions(requestID: "req-stream-1", idempotencyKey: "idem-1"))
        for try await event in stream { events.append(event) }
        guard case .error(let error) = events.first else { Issue.record("no error"); return }
        #expect(error.requestID == "req-stream-1")
        #expect(error.status == 500)
        #expect(transport.requests.first?.header("X-Idempotency-Key") == "idem-1")
    }

    @Test func consumerCancellationThrowsCancelled() async throws {
        // A body that never ends: the consumer's cancellation must still end the iteration.
        let (body, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        continuation.yield(Array("event: status\ndata: {\"state\":\"working\"}\n\n".utf8))
        let transport = HangingTransport(body: body)
        let client = JECPClient(configuration: .init(baseURL: "http://hub.test", agentID: Fixtures.agentID, apiKey: Fixtures.apiKey), transport: transport)
        let outcome = await withTaskGroup(of: (Int, JECPError?).self) { group in
            group.addTask {
                var count = 0
                do {
                    for try await _ in client.invokeStream("a", "b", input: [:]) { count += 1 }
                    return (count, nil)
                } catch {
                    return (count, error as? JECPError)
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
            group.cancelAll()
            return await group.next() ?? (0, nil)
        }
        continuation.finish()
        #expect(outcome.0 == 1)
        #expect(outcome.1?.code == .cancelled)
    }
}

/// Streams a body the test controls; `AsyncThrowingStream` ends its iteration on cancellation.
struct HangingTransport: JECPTransport {
    let body: AsyncThrowingStream<[UInt8], any Error>
    func send(_ request: TransportRequest) async throws -> TransportResponse { TransportResponse(status: 500) }
    func stream(_ request: TransportRequest) async throws -> TransportStreamResponse {
        TransportStreamResponse(status: 200, headers: [], body: body)
    }
}
