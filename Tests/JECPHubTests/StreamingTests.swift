import Foundation
import JECPModels
import JECPSchema
import NIOCore
import NIOPosix
import Testing

/// `delivery.mode = stream` (spec 01 §4.2): progress as Server-Sent Events, billing in `done`, and
/// no charge for a client that leaves before it.
@Suite struct StreamingTests {
    struct Event: Equatable {
        let name: String
        let data: JSONValue
    }

    static func events(_ text: String) -> [Event] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var name: String?
            var data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            guard let name, let data, let json = try? JSONValue(parsing: Array(data.utf8)) else { return nil }
            return Event(name: name, data: json)
        }
    }

    func stream(_ hub: TestHub, _ agent: TestAgent, capability: String = "test-kit", action: String, input: JSONValue,
                id: String = "req-stream-\(UUID().uuidString.prefix(8))") async throws -> HubResponse {
        try await hub.invoke(agent, capability: capability, action: action, input: input, id: id, extra: ["delivery": ["mode": "stream"]],
                             headers: ["Accept": "text/event-stream"])
    }

    @Test func forecastStreamsProgressThenResultThenDoneWithBilling() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "silver")
            let series: JSONValue = .array((0..<48).map { .number(JSONNumber(100 + Double($0 % 12) * 4 + Double($0))) })
            let response = try await stream(hub, agent, capability: "data-insight", action: "forecast",
                                            input: ["series": series, "horizon": 6, "chart": true], id: "req-stream-forecast")
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/event-stream") == true)
            #expect(response.header("X-RateLimit-Limit") != nil)
            let events = Self.events(response.text)
            #expect(events.map(\.name) == ["status", "progress", "progress", "progress", "result", "done"])
            #expect(events.first?.data["state"] == "working")
            #expect(events.dropFirst().prefix(3).map { $0.data["step"] } == ["parsing", "forecasting", "charting"])
            let fractions = events.compactMap { $0.data["progress"]?.numberValue?.double }
            #expect(fractions == fractions.sorted() && fractions.allSatisfy { (0..<1).contains($0) })

            let output = try #require(events.first { $0.name == "result" }?.data["output"])
            let schema = try CompiledSchema(try #require(try await hub.catalogOutputSchema("data-insight", "forecast")))
            #expect(schema.validate(output).isEmpty)
            #expect(output["predictions"]?.arrayValue?.count == 6)
            let done = try #require(events.last?.data)
            #expect(done["status"] == "completed")
            #expect(done["billing"]?["method"] == "free_call")
            #expect(done["billing"]?["free_calls_remaining"] == 99)
            #expect(try await hub.profile(agent)["free_calls_remaining"] == 99)

            // The same request again: the stored terminal events, nothing charged.
            let replay = try await stream(hub, agent, capability: "data-insight", action: "forecast",
                                          input: ["series": series, "horizon": 6, "chart": true], id: "req-stream-forecast")
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(Self.events(replay.text) == Array(events.suffix(2)))
            // And as a synchronous replay: the same output in the JSON envelope.
            let sync = try await hub.invoke(agent, capability: "data-insight", action: "forecast",
                                            input: ["series": series, "horizon": 6, "chart": true], id: "req-stream-forecast")
            #expect(sync.json["result"]?["output"] == output)
            #expect(try await hub.profile(agent)["free_calls_remaining"] == 99)
        }
    }

    @Test func compositesReportEachStep() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let response = try await stream(hub, agent, action: "compose-echo", input: ["text": "streamed"], id: "req-stream-composite")
            let events = Self.events(response.text)
            #expect(events.map(\.name) == ["status", "progress", "progress", "progress", "progress", "progress", "result", "done"])
            #expect(events.compactMap { $0.data["step"]?.stringValue }.dropFirst() == ["step 1/4: first", "step 2/4: second", "step 3/4: third", "step 4/4: fourth", "composing"])
            #expect(events.last?.data["billing"]?["method"] == "free_call")
            #expect(events.last?.data["id"] == "req-stream-composite")
        }
    }

    @Test func failuresAfterTheStreamOpensAreErrorEventsAndCostNothing() async throws {
        try await TestHub.run(["jecp.freeCalls": 0]) { hub in
            let agent = try await hub.register(tier: "gold")
            try await hub.credit(agent, "1")
            let response = try await stream(hub, agent, capability: "file-chain", action: "image-pipeline",
                                            input: ["image_png": "aGVsbG8gd29ybGQ=", "operations": [["op": "grayscale"]]])
            #expect(response.status == 200)
            let events = Self.events(response.text)
            #expect(events.first?.name == "status")
            let error = try #require(events.last)
            #expect(error.name == "error")
            #expect(error.data["code"]?.stringValue?.isEmpty == false)
            #expect(error.data["message"]?.stringValue?.isEmpty == false)
            #expect(!events.contains { $0.name == "done" })
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 1_000_000))
        }
    }

    @Test func refusalsBeforeTheStreamOpensAreOrdinaryErrors() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let notStreamable = try await stream(hub, agent, action: "echo", input: ["text": "x"])
            #expect(notStreamable.status == 406)
            #expect(notStreamable.errorCode == "NOT_STREAMABLE")
            #expect(notStreamable.details["streaming_actions"]?.arrayValue?.contains("data-insight/forecast") == true)
            let noAccept = try await hub.invoke(agent, action: "compose-echo", input: ["text": "x"], extra: ["delivery": ["mode": "stream"]])
            #expect(noAccept.status == 406)
            #expect(noAccept.details["expected_accept"] == "text/event-stream")
            let unauthenticated = try await stream(hub, TestAgent(id: agent.id, key: "wrong"), action: "compose-echo", input: ["text": "x"])
            #expect(unauthenticated.status == 401)
            #expect(unauthenticated.errorCode == "INVALID_API_KEY")
            // Accept alone does not make a sync request stream.
            let sync = try await hub.invoke(agent, input: ["text": "plain"], headers: ["Accept": "text/event-stream, application/json"])
            #expect(sync.json["result"]?["output"] == ["text": "plain"])
        }
    }

    @Test func aClientThatLeavesBeforeDoneIsNotCharged() async throws {
        try await TestHub.run(mode: .live) { hub in
            let agent = try await hub.register()
            let gate = "disconnect-\(UUID().uuidString.prefix(8))"
            // Read until the action reports it is running, then hang up.
            try await hub.streamThenHangUp(agent, body: [
                "jecp": "1.0", "id": "req-leaves-early", "capability": "test-kit", "action": "hold-stream",
                "input": ["text": .string(gate)], "delivery": ["mode": "stream"],
            ], until: "\"step\":\"holding\"")
            // Once the Hub has seen the hang-up, let the action finish: it must not be settled.
            var seen = false
            for _ in 0..<200 where !seen {
                seen = try await hub.get("/metrics").text.contains("jecp_stream_disconnects_total 1")
                if !seen { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(seen)
            await Gate.shared.open(gate)
            // The key stays free: the same id runs again (no replay) and is charged exactly once.
            let retry = try await hub.invoke(agent, action: "hold-stream", input: ["text": .string(gate)], id: "req-leaves-early")
            #expect(retry.status == 200)
            #expect(retry.header("Idempotent-Replayed") == nil)
            #expect(try await hub.profile(agent)["free_calls_remaining"] == 99)
        }
    }
}
