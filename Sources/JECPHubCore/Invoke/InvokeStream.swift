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

/// The client end of a stream, as the HTTP layer sees it.
public struct StreamChannel: Sendable {
    /// Queues an event for the client; never blocks on it.
    public let send: @Sendable (ServerSentEvent) async -> Void
    public let isConnected: @Sendable () -> Bool
    /// Returns true once the client has gone; false if the waiting task is cancelled first.
    public let disconnected: @Sendable () async -> Bool
    /// How many `chunk` events were written to the connection (not merely queued): what a client
    /// that leaves mid-stream demonstrably received.
    public let chunksWritten: @Sendable () -> Int

    public init(send: @escaping @Sendable (ServerSentEvent) async -> Void, isConnected: @escaping @Sendable () -> Bool,
                disconnected: @escaping @Sendable () async -> Bool, chunksWritten: @escaping @Sendable () -> Int) {
        self.send = send
        self.isConnected = isConnected
        self.disconnected = disconnected
        self.chunksWritten = chunksWritten
    }
}

/// A streamed invocation, in one of two wire formats:
/// - Hub-operated actions (spec 01 §4.2): `status`, `progress`…, then `result` and `done` (billing
///   inside), or `error`;
/// - provider relays (spec 01 §4.3): `open`, the provider's `chunk` and `meter` events as they
///   arrive, then exactly one of `completed` (billing attached), `error` or `cancelled`.
/// Terminal events are rendered from the same envelope a synchronous call returns, so a stream and
/// a later replay of the same request agree byte for byte on output and billing.
public struct InvokeStream: Sendable {
    /// Runs and settles the invocation; failures come back as error envelopes.
    public typealias Execute = @Sendable (StreamChannel, ProgressReporter) async -> InvokeOutcome

    enum Style: Sendable {
        case progress
        /// `open` carries the request id, capability and action.
        case relay(open: JSONValue)
    }

    /// Headers for the 200 that opens the stream (rate limits, deprecation notices, replay marker).
    public let headers: [(name: String, value: String)]
    let style: Style
    private let execute: Execute?
    private let stored: InvokeOutcome?

    init(headers: [(name: String, value: String)], style: Style = .progress, execute: @escaping Execute) {
        self.headers = headers
        self.style = style
        self.execute = execute
        self.stored = nil
    }

    /// A completed stream returns its terminal events again (spec 01 §4.3).
    init(replaying outcome: InvokeOutcome, relay: Bool) {
        self.headers = outcome.headers
        self.style = relay ? .relay(open: .null) : .progress
        self.execute = nil
        self.stored = outcome
    }

    /// A relay notices a disconnect itself, stops the provider and settles what was delivered
    /// (spec 01 §4.3 charges for it), so the HTTP layer lets it finish instead of cancelling it.
    public var finishesAfterDisconnect: Bool {
        if case .relay = style, execute != nil { return true }
        return false
    }

    /// Runs the invocation, handing each event to the channel. Returns the final envelope, for metrics.
    @discardableResult
    public func run(_ channel: StreamChannel) async -> InvokeOutcome {
        guard let execute, stored == nil else {
            let outcome = stored ?? InvokeOutcome(status: 500, body: [], headers: [], errorCode: .internalError)
            await emitTerminal(outcome.body, send: channel.send)
            return outcome
        }
        let progress: ProgressReporter
        switch style {
        case .progress:
            await channel.send(ServerSentEvent("status", ["state": "working", "step": "executing", "progress": 0]))
            progress = ProgressReporter { step, fraction in
                // Leave room on both ends: 0 is "started", 1 belongs to `done`.
                let scaled = ((0.05 + fraction * 0.9) * 1000).rounded() / 1000
                await channel.send(ServerSentEvent("progress", ["state": "working", "step": .string(step), "progress": .finite(scaled)]))
            }
        case .relay(let open):
            await channel.send(ServerSentEvent("open", open))
            progress = .silent
        }
        let outcome = await execute(channel, progress)
        await emitTerminal(outcome.body, send: channel.send)
        return outcome
    }

    func emitTerminal(_ body: [UInt8], send: @Sendable (ServerSentEvent) async -> Void) async {
        guard let envelope = try? JSONValue(parsing: body) else { return }
        switch style {
        case .progress: await Self.emitProgressTerminal(envelope, send: send)
        case .relay: await Self.emitRelayTerminal(envelope, send: send)
        }
    }

    /// `result` and `done` from a completed envelope, or `error` from a failed one.
    static func emitProgressTerminal(_ envelope: JSONValue, send: @Sendable (ServerSentEvent) async -> Void) async {
        if envelope["status"] == "completed" {
            await send(ServerSentEvent("result", ["output": envelope["result"]?["output"] ?? .null]))
            await send(ServerSentEvent("done", ["status": "completed", "id": envelope["id"] ?? .null,
                                                "billing": envelope["billing"] ?? .null, "execution": envelope["execution"] ?? .null]))
        } else {
            await send(ServerSentEvent("error", errorObject(envelope)))
        }
    }

    /// `completed` with billing attached; `cancelled` when the Hub or the client cut the stream
    /// short (timeouts, disconnect); `error` otherwise.
    static func emitRelayTerminal(_ envelope: JSONValue, send: @Sendable (ServerSentEvent) async -> Void) async {
        guard envelope["status"] == "completed" else {
            let error = errorObject(envelope)
            let cancelled = ["PROVIDER_TIMEOUT", "STREAM_TIMEOUT"].contains(error["code"]?.stringValue ?? "")
                || error["details"]?["reason"] == "client_disconnected"
            await send(ServerSentEvent(cancelled ? "cancelled" : "error", error))
            return
        }
        let billing = envelope["billing"] ?? .null
        let cost = billing["cost_usdc"] ?? "0"
        await send(ServerSentEvent("completed", [
            "id": envelope["id"] ?? .null,
            "result": envelope["result"]?["output"] ?? .null,
            "billing": ["charged": .bool(billing["transaction_id"].map { !$0.isNull } ?? false), "amount_usdc": cost,
                        "method": billing["method"] ?? .null, "transaction_id": billing["transaction_id"] ?? .null,
                        "balance_after": billing["balance_after"] ?? .null,
                        "free_calls_remaining": billing["free_calls_remaining"] ?? .null],
            "provider": ["namespace": envelope["execution"]?["provider"] ?? .null,
                         "capability": envelope["result"]?["capability"] ?? .null, "action": envelope["result"]?["action"] ?? .null],
            "execution": envelope["execution"] ?? .null,
        ]))
    }

    static func errorObject(_ envelope: JSONValue) -> JSONValue {
        var error = envelope["error"] ?? .null
        if case .object(var object) = error, let next = envelope["next_action"] {
            object["next_action"] = next
            error = .object(object)
        }
        return error
    }
}
