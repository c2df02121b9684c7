import JECPModels
import Synchronization

/// A provider stream on its way to the client: where its events go, how many chunks got out, and
/// the running totals of its `meter` events.
public final class StreamRelay: Sendable {
    let channel: StreamChannel
    private let meters = Mutex<[String: Double]>([:])

    init(channel: StreamChannel) {
        self.channel = channel
    }

    func chunk(_ data: JSONValue) async {
        await channel.send(ServerSentEvent("chunk", data))
    }

    /// Forwards a usage update and adds its numeric fields to the totals.
    func meter(_ data: JSONValue) async {
        if case .object(let fields) = data {
            meters.withLock { totals in
                for (key, value) in fields { if let number = value.numberValue?.double { totals[key, default: 0] += number } }
            }
        }
        await channel.send(ServerSentEvent("meter", data))
    }

    /// Chunks written to the client's connection; a chunk still queued when it left does not count.
    var chunksDelivered: Int { channel.chunksWritten() }

    var meterSummary: JSONValue {
        .object(meters.withLock { $0 }.mapValues { JSONValue.finite($0) })
    }

    /// The client left after some output reached it: spec 01 §4.3 charges the flat price for that.
    var chargesPartialDelivery: Bool { !channel.isConnected() && chunksDelivered > 0 }
}

/// Thrown by a relay whose client left mid-stream after receiving output; the pipeline settles it
/// with this output (not checked against the output schema: it is a record of what was delivered).
struct PartialDelivery: Error {
    let output: JSONValue
}
