import JECPModels
import NIOCore
import Synchronization

/// Hands a streaming action's events to the Hub as they happen: `chunk` for incremental output,
/// `meter` for usage. The final result is what the handler returns (sent as `completed`).
///
/// Each call returns once its event has been written to the connection, so a fast producer is held
/// back by a slow Hub instead of piling events up in memory. After the Hub has gone away the calls
/// throw `CancellationError`.
public struct StreamWriter: Sendable {
    /// nil: the caller did not ask for a stream; events are dropped and only the result is sent.
    let sink: EventSink?

    init(sink: EventSink?) {
        self.sink = sink
    }

    /// Sends `event: chunk` with `{"delta": <delta>, "index": <n>}`; indexes count from 0 per call.
    public func chunk(_ delta: JSONValue) async throws {
        guard let sink else { return }
        let deltaBytes = delta.serialized()
        try await sink.enqueue { index in
            var data: [UInt8] = Array(#"{"delta":"#.utf8)
            data.append(contentsOf: deltaBytes)
            data.append(contentsOf: #","index":\#(index)}"#.utf8)
            index += 1
            return ServerSentEvent.frame(event: "chunk", data: data)
        }
    }

    /// Sends `event: meter` with a usage object such as `{"tokens": 12, "elapsed_ms": 340}`.
    public func meter(_ usage: JSONValue) async throws {
        guard case .object = usage else {
            throw ProviderError("EXECUTION_FAILED", "The provider produced a malformed meter event.", status: 500)
        }
        try await send(event: "meter", data: usage)
    }

    /// A terminal or meter event; the index of chunks is untouched.
    func send(event: String, data: JSONValue) async throws {
        guard let sink else { return }
        let frame = ServerSentEvent.frame(event: event, data: data.serialized())
        try await sink.enqueue { _ in frame }
    }
}

/// `event: <name>\ndata: <one line of JSON>\n\n`. The JSON writer escapes newlines inside strings,
/// so the data is always a single line.
enum ServerSentEvent {
    static func frame(event: String, data: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(event.utf8.count + data.count + 16)
        buffer.writeString("event: \(event)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }
}

/// The queue between a streaming handler and the response body that writes to the connection.
final class EventSink: Sendable {
    struct Event: Sendable {
        let frame: ByteBuffer
        /// Resumed once the frame is on the connection (or can never be).
        let written: CheckedContinuation<Void, any Error>
    }

    let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    /// The next chunk index. Assigned under the same lock as the enqueue, so indexes follow wire order
    /// even when a handler writes from several child tasks.
    private let nextChunkIndex = Mutex(0)

    init() {
        (events, continuation) = AsyncStream<Event>.makeStream()
    }

    func enqueue(_ makeFrame: (inout Int) -> ByteBuffer) async throws {
        try await withCheckedThrowingContinuation { (written: CheckedContinuation<Void, any Error>) in
            let result = nextChunkIndex.withLock { index in
                continuation.yield(Event(frame: makeFrame(&index), written: written))
            }
            if case .terminated = result { written.resume(throwing: CancellationError()) }
        }
    }

    /// No more events: what is queued is still delivered to the reader, later sends throw.
    func finish() {
        continuation.finish()
    }
}
