import Logging

extension JECPClient {
    /// Invokes a streaming action with `delivery.mode = stream` and yields its Server-Sent Events.
    ///
    /// Opening the stream is retried like ``invoke(_:_:input:options:)``; a non-2xx answer is thrown
    /// as a ``JECPError``. The stream ends after a terminal event (`done`, `completed`, `error`,
    /// `cancelled`); when the connection ends without one, a `cancelled` event is synthesized.
    public func invokeStream(_ capability: String, _ action: String, input: JSONValue, options: InvokeOptions = .init())
        -> AsyncThrowingStream<StreamEvent, any Error>
    {
        var options = options
        options.requestID = options.requestID ?? Self.freshRequestID()
        let state = StreamState(client: self, capability: capability, action: action, input: input, options: options)
        return AsyncThrowingStream(unfolding: { try await state.next() })
    }

    func openStream(_ capability: String, _ action: String, input: JSONValue, options: InvokeOptions) async throws(JECPError)
        -> TransportStreamResponse
    {
        let requestID = options.requestID ?? Self.freshRequestID()
        return try await requester.withRetries(retry: true, requestID: requestID) { () async throws(JECPError) -> TransportStreamResponse in
            let body = try invokeBody(capability, action, input: input, requestID: requestID, mandate: options.mandate, options: options,
                                      delivery: DeliveryOptions(mode: .stream, format: options.delivery?.format ?? .base64))
            let outbound = request("POST", "/v1/invoke", body: body, extraHeaders: [("Accept", "text/event-stream")]
                + (options.idempotencyKey.map { [("X-Idempotency-Key", $0)] } ?? []))
            let response: TransportStreamResponse
            do {
                response = try await requester.transport.stream(outbound)
            } catch {
                throw JECPError.transport(error, requestID: requestID)
            }
            guard (200..<300).contains(response.status) else {
                var bytes: [UInt8] = []
                do {
                    for try await chunk in response.body where bytes.count < 1 << 20 { bytes += chunk }
                } catch {
                    throw JECPError.transport(error, requestID: requestID)
                }
                throw JECPError.from(status: response.status, headers: response.headers, body: bytes, now: environment.now(),
                                     requestID: requestID)
                    ?? JECPError(code: .invalidResponse, status: response.status, message: "Unexpected status \(response.status).")
            }
            if let notice = deprecation(from: response.headers) {
                logDeprecationOnce(capability: capability, action: action, notice: notice)
            }
            return response
        }
    }
}

/// The state of one `invokeStream`, advanced by `AsyncThrowingStream(unfolding:)`, which calls
/// `next()` once at a time and never concurrently: that serial use makes the plain vars safe.
final class StreamState: @unchecked Sendable {
    let client: JECPClient
    let capability: String
    let action: String
    let input: JSONValue
    let options: InvokeOptions

    private var body: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator?
    private var parser = SSEParser()
    private var pending: [StreamEvent] = []
    private var finished = false

    init(client: JECPClient, capability: String, action: String, input: JSONValue, options: InvokeOptions) {
        self.client = client
        self.capability = capability
        self.action = action
        self.input = input
        self.options = options
    }

    func next() async throws -> StreamEvent? {
        while true {
            if !pending.isEmpty {
                let event = pending.removeFirst()
                if event.isTerminal {
                    finished = true
                    pending = []
                }
                return event
            }
            if finished { return nil }
            if body == nil {
                body = try await client.openStream(capability, action, input: input, options: options).body.makeAsyncIterator()
            }
            let chunk: [UInt8]?
            do {
                chunk = try await body?.next()
            } catch {
                if Task.isCancelled || error is CancellationError { throw JECPError.cancelledError }
                finished = true
                return .cancelled(reason: "The connection failed before a terminal event: \(JECPError.transport(error).message)")
            }
            guard let chunk else {
                if Task.isCancelled { throw JECPError.cancelledError }
                parser.finish()
                finished = true
                return .cancelled(reason: "The connection closed before a terminal event.")
            }
            pending += parser.feed(chunk).map { StreamEvent(sse: $0, requestID: options.requestID) }
        }
    }
}

extension StreamEvent {
    init(sse event: SSEParser.Event, requestID: String?) {
        guard let json = try? JSONValue(parsing: Array(event.data.utf8)) else {
            self = .other(name: event.name, data: event.data)
            return
        }
        func fields(_ json: JSONValue) -> (String, String?, Double?) {
            (json["state"]?.stringValue ?? "", json["step"]?.stringValue, json["progress"]?.numberValue?.double)
        }
        switch event.name {
        case "status":
            let (state, step, fraction) = fields(json)
            self = .status(state: state, step: step, progress: fraction)
        case "progress":
            let (state, step, fraction) = fields(json)
            self = .progress(state: state, step: step, progress: fraction)
        case "result":
            self = .result(output: json["output"] ?? .null)
        case "done":
            self = .done(billing: Billing(json: json["billing"] ?? .null), execution: Execution(json: json["execution"] ?? .null), raw: json)
        case "error":
            let code = json["code"]?.stringValue.flatMap(ErrorCode.init(rawValue:))
            self = .error(JECPError(envelopeError: json, nextAction: nil, status: code?.httpStatus, retryAfter: nil,
                                    requestID: json["request_id"]?.stringValue ?? requestID))
        case "open": self = .open(json)
        case "chunk": self = .chunk(delta: json["delta"]?.stringValue ?? "", index: json["index"]?.numberValue?.integerValue.map { Int($0) })
        case "meter": self = .meter(json)
        case "completed": self = .completed(json)
        case "cancelled":
            self = .cancelled(reason: json["reason"]?.stringValue ?? json["code"]?.stringValue ?? json["message"]?.stringValue ?? event.data)
        default: self = .other(name: event.name, data: event.data)
        }
    }
}
