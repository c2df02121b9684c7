import JECPModels

/// One Server-Sent Event: `event: <name>` and a single-line JSON `data`.
public struct ServerSentEvent: Sendable {
    public let name: String
    public let data: JSONValue

    public init(_ name: String, _ data: JSONValue) {
        self.name = name
        self.data = data
    }

    public var bytes: [UInt8] {
        var out = Array("event: \(name)\ndata: ".utf8)
        data.write(into: &out)  // our writer never emits a newline, so one data line suffices
        out.append(contentsOf: "\n\n".utf8)
        return out
    }
}

/// A streamed invocation (spec 01 §4.2): `status`, `progress`…, then `result` and `done` (billing
/// inside), or `error`. Events are exactly the parts of the synchronous envelope, so a stream
/// and a later replay of the same request agree byte for byte on output and billing.
public struct InvokeStream: Sendable {
    /// Runs and settles the invocation; failures come back as error envelopes.
    public typealias Execute = @Sendable (ProgressReporter, @escaping @Sendable () -> Bool) async -> InvokeOutcome

    /// Headers for the 200 that opens the stream (rate limits, deprecation notices, replay marker).
    public let headers: [(name: String, value: String)]
    private let execute: Execute?
    private let stored: InvokeOutcome?

    init(headers: [(name: String, value: String)], execute: @escaping Execute) {
        self.headers = headers
        self.execute = execute
        self.stored = nil
    }

    /// A completed stream returns its terminal events again (spec 01 §4.3).
    init(replaying outcome: InvokeOutcome) {
        self.headers = outcome.headers
        self.execute = nil
        self.stored = outcome
    }

    /// Runs the invocation, handing each event to `send` (which must not block on the client).
    /// `isConnected` is asked just before money moves. Returns the final envelope, for metrics.
    @discardableResult
    public func run(send: @escaping @Sendable (ServerSentEvent) async -> Void, isConnected: @escaping @Sendable () -> Bool) async -> InvokeOutcome {
        guard let execute, stored == nil else {
            let outcome = stored ?? InvokeOutcome(status: 500, body: [], headers: [], errorCode: .internalError)
            await Self.emitTerminal(outcome.body, send: send)
            return outcome
        }
        await send(ServerSentEvent("status", ["state": "working", "step": "executing", "progress": 0]))
        let progress = ProgressReporter { step, fraction in
            // Leave room on both ends: 0 is "started", 1 belongs to `done`.
            let scaled = ((0.05 + fraction * 0.9) * 1000).rounded() / 1000
            await send(ServerSentEvent("progress", ["state": "working", "step": .string(step), "progress": .finite(scaled)]))
        }
        let outcome = await execute(progress, isConnected)
        await Self.emitTerminal(outcome.body, send: send)
        return outcome
    }

    /// `result` and `done` from a completed envelope, or `error` from a failed one.
    static func emitTerminal(_ body: [UInt8], send: @Sendable (ServerSentEvent) async -> Void) async {
        guard let envelope = try? JSONValue(parsing: body) else { return }
        if envelope["status"] == "completed" {
            await send(ServerSentEvent("result", ["output": envelope["result"]?["output"] ?? .null]))
            await send(ServerSentEvent("done", ["status": "completed", "id": envelope["id"] ?? .null,
                                                "billing": envelope["billing"] ?? .null, "execution": envelope["execution"] ?? .null]))
        } else {
            var error = envelope["error"] ?? .null
            if case .object(var object) = error, let next = envelope["next_action"] {
                object["next_action"] = next
                error = .object(object)
            }
            await send(ServerSentEvent("error", error))
        }
    }
}
