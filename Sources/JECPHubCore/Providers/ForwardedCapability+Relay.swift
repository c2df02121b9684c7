import Foundation
import JECPModels
import Synchronization

extension ForwardedCapability {
    /// How a relayed stream ended.
    private enum Ending: Sendable {
        case completed(JSONValue)
        case failed(JSONValue)
        case incomplete
        case idle
        case disconnected
        case cancelled
    }

    /// Passes the provider's `chunk` and `meter` events to the client as they arrive and returns
    /// the result of its `completed` event. Reading stops (closing the provider connection) when
    /// the provider ends, falls silent for `streamIdleTimeout`, or the client leaves.
    func relay(_ reply: ProviderReply, to relay: StreamRelay, action: String) async throws -> JSONValue {
        let lastEvent = LastEvent()
        let idle = streamIdleTimeout
        let ending = await withTaskGroup(of: Ending.self) { group -> Ending in
            group.addTask {
                var parser = SSEParser()
                do {
                    for try await bytes in reply.body {
                        for event in parser.feed(bytes) {
                            lastEvent.touch()
                            let data = (try? JSONValue(parsing: Array(event.data.utf8))) ?? ["delta": .string(event.data)]
                            switch event.name {
                            case "chunk", "message": await relay.chunk(data)
                            case "meter": await relay.meter(data)
                            case "completed": return .completed(data)
                            case "error", "cancelled": return .failed(data)
                            default: break  // unknown events are not the client's business
                            }
                        }
                    }
                    return .incomplete
                } catch {
                    return Task.isCancelled ? .cancelled : .failed(["code": "PROVIDER_DISCONNECT", "message": .string("\(error)")])
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    let silent = ContinuousClock.now - lastEvent.instant
                    if silent >= idle { return .idle }
                    try? await Task.sleep(for: idle - silent)
                }
                return .cancelled
            }
            group.addTask { await relay.channel.disconnected() ? .disconnected : .cancelled }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
        let details: [String: JSONValue] = ["capability": .string(capabilityID), "action": .string(action)]
        switch ending {
        case .completed(let data):
            // `{"result": {...}}` as the provider kit sends it; a bare object is taken as the result.
            return data["result"] ?? data
        case .failed(let data):
            var upstream = details
            upstream["upstream_error"] = ["code": data["code"] ?? .null, "message": data["message"] ?? .null]
            throw JECPError(.providerError, "\(capabilityID)/\(action): the provider ended its stream with an error; nothing was charged.", details: upstream)
        case .incomplete:
            throw JECPError(.streamIncomplete, "\(capabilityID)/\(action): the provider closed its stream without a terminal event; nothing was charged.",
                            details: details)
        case .idle:
            var timeout = details
            timeout["idle_timeout_seconds"] = .finite(Double(idle.components.seconds) + Double(idle.components.attoseconds) / 1e18)
            throw JECPError(.providerTimeout, "\(capabilityID)/\(action): no event from the provider for \(idle); the stream was cancelled and nothing was charged.",
                            details: timeout)
        case .disconnected where relay.chunksDelivered > 0:
            throw PartialDelivery(output: ["partial": true, "chunks_delivered": .number(JSONNumber(relay.chunksDelivered)),
                                           "reason": "client_disconnected", "meter_summary": relay.meterSummary])
        case .disconnected, .cancelled:
            throw JECPError(.executionFailed, "The client disconnected before any output was delivered; nothing was charged.",
                            details: ["reason": "client_disconnected"])
        }
    }
}

/// When the provider's stream last produced an event, shared by the reader and its watchdog.
private final class LastEvent: Sendable {
    private let value = Mutex(ContinuousClock.now)

    func touch() { value.withLock { $0 = .now } }
    var instant: ContinuousClock.Instant { value.withLock { $0 } }
}
