import JECPModels
import Prometheus
import Synchronization

/// Prometheus metrics of this Hub, on its own registry (no process-global bootstrap, so every
/// application in a test process keeps separate counts).
final class HubMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let responses = Mutex<[UInt: Counter]>([:])
    private let errors = Mutex<[ErrorCode: Counter]>([:])
    let invocations: Counter
    let replays: Counter

    init() {
        invocations = registry.makeCounter(name: "jecp_invocations_completed_total", help: "Invocations settled successfully")
        replays = registry.makeCounter(name: "jecp_idempotent_replays_total", help: "Invocations answered from the idempotency store")
    }

    func recordResponse(status: Int) {
        let counter = responses.withLock { counters in
            if let counter = counters[UInt(status)] { return counter }
            let counter = registry.makeCounter(name: "jecp_http_responses_total", labels: [("status", String(status))], help: "HTTP responses by status")
            counters[UInt(status)] = counter
            return counter
        }
        counter.increment()
    }

    func recordError(_ code: ErrorCode) {
        let counter = errors.withLock { counters in
            if let counter = counters[code] { return counter }
            let counter = registry.makeCounter(name: "jecp_errors_total", labels: [("code", code.rawValue)], help: "Error envelopes by code")
            counters[code] = counter
            return counter
        }
        counter.increment()
    }

    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
