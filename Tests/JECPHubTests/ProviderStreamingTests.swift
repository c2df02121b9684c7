import Foundation
import JECPModels
import JECPProviderKit
import JECPTestDNS
import Configuration
import HummingbirdTesting
import Synchronization
import Testing

/// Provider streams relayed to the agent (spec 01 §4.3): `open`, chunks and meters as they come,
/// then exactly one of `completed` (billed), `error` or `cancelled` (not billed).
@Suite("Provider streaming")
struct ProviderStreamingTests {
    /// Counts the `trickle` runs that have ended, so a test can see the Hub hang up on the provider.
    final class TrickleProbe: Sendable {
        private let ended = Mutex(0)
        var endedRuns: Int { ended.withLock { $0 } }
        func end() { ended.withLock { $0 += 1 } }
    }

    static func streamingProvider(secret: String, probe: TrickleProbe = TrickleProbe()) -> JECPProvider {
        var provider = JECPProvider(secret: secret)
        // A chunk every 0.3 s for 30 s: never idle, always past a short total limit.
        provider.streamingAction("trickle") { _, writer in
            defer { probe.end() }
            for index in 0..<100 {
                try await writer.chunk(.number(JSONNumber(index)))
                try await Task.sleep(for: .milliseconds(300))
            }
            return ["words": 100]
        }
        provider.streamingAction("spell-out") { request, writer in
            let words = (request.input["text"]?.stringValue ?? "").split(separator: " ").map(String.init)
            for word in words { try await writer.chunk(.string(word)) }
            try await writer.meter(["words": .number(JSONNumber(words.count))])
            return ["words": .number(JSONNumber(words.count))]
        }
        provider.streamingAction("stall") { _, writer in
            try await writer.chunk("first")
            try await Task.sleep(for: .seconds(6))
            return ["words": 1]
        }
        provider.streamingAction("refuse") { _, writer in
            try await writer.chunk("partial")
            throw ProviderError("QUOTA", "quota exhausted", status: 429)
        }
        provider.streamingAction("hold") { _, writer in
            try await writer.chunk("first")
            try await Task.sleep(for: .seconds(20))
            return ["words": 1]
        }
        provider.action("plain") { _ in .json(["words": 0]) }
        return provider
    }

    static func manifest(endpoint: String) -> JSONValue {
        func action(_ id: String, streaming: Bool) -> JSONValue {
            ["id": .string(id), "description": "test", "streaming": .bool(streaming), "pricing": ["base": "$0.02", "currency": "USDC", "model": "per_call"],
             "input_schema": ["type": "object"], "output_schema": ["type": "object", "required": ["words"], "properties": ["words": ["type": "integer"]]]]
        }
        return ["namespace": "streamco", "display_name": "Stream Co", "capability": "words", "version": "1.0.0", "description": "Streams words.",
                "endpoint": .string(endpoint),
                "actions": [action("spell-out", streaming: true), action("stall", streaming: true), action("refuse", streaming: true),
                            action("hold", streaming: true), action("trickle", streaming: true), action("plain", streaming: false)]]
    }

    /// A Hub with `streamco/words` published and served, and an agent holding 1 USDC.
    static func withStreamingProvider(_ overrides: [String: ConfigValue] = [:], mode: TestingSetup = .router, probe: TrickleProbe = TrickleProbe(),
                                      _ body: @Sendable (TestHub, TestAgent) async throws -> Void) async throws {
        let dns = TestDNSServer()
        _ = try await dns.start()
        try await TestHub.run(await TestHub.providerSettings(dns: dns).merging(overrides) { $1 }, mode: mode) { hub in
            let provider = try await hub.registerProvider("streamco", host: "stream.test", dns: dns)
            try await hub.proveDomain(provider, host: "stream.test", dns: dns)
            try await TestProviders.serve(Self.streamingProvider(secret: provider.secret, probe: probe)) { port in
                #expect(try await hub.publish(provider, manifest: Self.manifest(endpoint: "http://stream.test:\(port)/jecp").serialized()).status == 201)
                let agent = try await hub.register()
                try await hub.credit(agent, "1")
                try await body(hub, agent)
            }
        }
        await dns.stop()
    }

    @Test("a stream relays chunks and meters, ends in one completed event with billing, and replays it for the same id")
    func relay() async throws {
        try await Self.withStreamingProvider { hub, agent in
            let accept = ["Accept": "text/event-stream"]
            let response = try await hub.invoke(agent, capability: "streamco/words", action: "spell-out", input: ["text": "one two three"],
                                                id: "stream-1", headers: accept)
            #expect(response.status == 200 && response.header("Content-Type")?.hasPrefix("text/event-stream") == true)
            let events = StreamingTests.events(response.text)
            #expect(events.map(\.name) == ["open", "chunk", "chunk", "chunk", "meter", "completed"], "\(response.text)")
            #expect(events.first?.data == ["request_id": "stream-1", "capability": "streamco/words", "action": "spell-out"])
            #expect(events.dropFirst().prefix(3).map { $0.data["delta"] } == ["one", "two", "three"])
            let completed = try #require(events.last?.data)
            #expect(completed["result"] == ["words": 3])
            let price = try Money(decimal: "0.02")
            #expect(completed["billing"]?["charged"] == true && completed["billing"]?["amount_usdc"]?.money == price)
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.98")))

            let replay = try await hub.invoke(agent, capability: "streamco/words", action: "spell-out", input: ["text": "one two three"],
                                              id: "stream-1", headers: accept)
            #expect(StreamingTests.events(replay.text).map(\.name) == ["completed"])
            #expect(StreamingTests.events(replay.text).last?.data["billing"] == completed["billing"])
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.98")))

            let notStreamable = try await hub.invoke(agent, capability: "streamco/words", action: "plain", input: [:], headers: accept)
            #expect(notStreamable.status == 406 && notStreamable.errorCode == "NOT_STREAMABLE")
            let synchronous = try await hub.invoke(agent, capability: "streamco/words", action: "spell-out", input: ["text": "a b"])
            #expect(synchronous.status == 200 && synchronous.json["result"]?["output"] == ["words": 2], "\(synchronous.text)")
        }
    }

    @Test("a provider error ends the stream with error, silence past the idle limit with cancelled; neither is billed")
    func failures() async throws {
        try await Self.withStreamingProvider { hub, agent in
            let accept = ["Accept": "text/event-stream"]
            let refused = StreamingTests.events(try await hub.invoke(agent, capability: "streamco/words", action: "refuse", input: [:], headers: accept).text)
            #expect(refused.map(\.name) == ["open", "chunk", "error"])
            #expect(refused.last?.data["code"] == "PROVIDER_ERROR" && refused.last?.data["details"]?["upstream_error"]?["code"] == "QUOTA")

            let started = ContinuousClock.now
            let stalled = StreamingTests.events(try await hub.invoke(agent, capability: "streamco/words", action: "stall", input: [:], headers: accept).text)
            #expect(stalled.map(\.name) == ["open", "chunk", "cancelled"])
            #expect(stalled.last?.data["code"] == "PROVIDER_TIMEOUT")
            #expect(ContinuousClock.now - started < .seconds(20))  // the 1.5 s idle limit, not the 300 s cap (generous: CI is loaded)
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "1")))
        }
    }

    @Test("a stream that outlives the total limit ends in cancelled STREAM_TIMEOUT, unbilled, and the Hub hangs up on the provider")
    func totalLimit() async throws {
        let probe = TrickleProbe()
        // An idle limit far beyond the total one, so only the total limit can end this stream.
        try await Self.withStreamingProvider(["jecp.streamTotalTimeoutSeconds": 3.0, "jecp.streamIdleTimeoutSeconds": 60.0], probe: probe) { hub, agent in
            let started = ContinuousClock.now
            let response = try await hub.invoke(agent, capability: "streamco/words", action: "trickle", input: [:],
                                                headers: ["Accept": "text/event-stream"])
            let events = StreamingTests.events(response.text)
            #expect(events.first?.name == "open" && events.last?.name == "cancelled", "\(response.text)")
            #expect(events.last?.data["code"] == "STREAM_TIMEOUT")
            #expect(ContinuousClock.now - started < .seconds(25))  // the 3 s total limit, not the provider's 30 s
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "1")))
            // The provider's handler stops once its writes meet the closed connection.
            for _ in 0..<100 where probe.endedRuns == 0 {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(probe.endedRuns == 1)
        }
    }

    @Test("while a stream is open its id answers 409 STREAM_IN_PROGRESS; a client that leaves after output pays the flat price once")
    func disconnectAfterOutput() async throws {
        try await Self.withStreamingProvider(["jecp.streamIdleTimeoutSeconds": 30], mode: .live) { hub, agent in
            try await hub.streamThenHangUp(agent, body: ["jecp": "1.0", "id": "hold-1", "capability": "streamco/words", "action": "hold", "input": [:]],
                                           until: "event: chunk") { received in
                #expect(received.contains("event: open"))
                let busy = try await hub.invoke(agent, capability: "streamco/words", action: "hold", input: [:], id: "hold-1",
                                                headers: ["Accept": "text/event-stream"])
                #expect(busy.status == 409 && busy.errorCode == "STREAM_IN_PROGRESS" && busy.header("Retry-After") == "1", "\(busy.text)")
            }
            // The Hub notices the hang-up, stops the provider and settles what was delivered.
            var balance: Money?
            for _ in 0..<200 {
                balance = try await hub.profile(agent)["balance_usdc"]?.money
                if balance != (try Money(decimal: "1")) { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(balance == (try Money(decimal: "0.98")))
            let replay = try await hub.invoke(agent, capability: "streamco/words", action: "hold", input: [:], id: "hold-1")
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.json["result"]?["output"]?["partial"] == true && replay.json["result"]?["output"]?["chunks_delivered"] == 1)
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.98")))
        }
    }
}
