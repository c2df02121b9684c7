import JECPHubCore
import JECPModels
import Prometheus
import Synchronization

/// Prometheus metrics of this Hub, on its own registry (no process-global bootstrap, so every
/// application in a test process keeps separate counts).
final class HubMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let responses = Mutex<[Int: Counter]>([:])
    private let errors = Mutex<[ErrorCode: Counter]>([:])
    let invocations: Counter
    let replays: Counter
    let streamDisconnects: Counter

    static func counter(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "jecp", metricName: name, unitName: "total", helpText: help)
    }

    init() {
        invocations = registry.makeCounter(descriptor: Self.counter("invocations_completed", "Invocations settled successfully"))
        replays = registry.makeCounter(descriptor: Self.counter("idempotent_replays", "Invocations answered from the idempotency store"))
        streamDisconnects = registry.makeCounter(descriptor: Self.counter("stream_disconnects", "Streamed invocations whose client left before done"))
    }

    func recordResponse(status: Int) {
        let counter = responses.withLock { counters in
            if let counter = counters[status] { return counter }
            let counter = registry.makeCounter(descriptor: Self.counter("http_responses", "HTTP responses by status"),
                                               labels: [("status", String(status))])
            counters[status] = counter
            return counter
        }
        counter.increment()
    }

    func recordError(_ code: ErrorCode) {
        let counter = errors.withLock { counters in
            if let counter = counters[code] { return counter }
            let counter = registry.makeCounter(descriptor: Self.counter("errors", "Error envelopes by code"), labels: [("code", code.rawValue)])
            counters[code] = counter
            return counter
        }
        counter.increment()
    }

    /// `jecp_webhook_attempts_total{outcome="delivered|retry|abandoned"}`.
    func recordWebhookAttempt(_ outcome: DeliveryOutcome) {
        let label = switch outcome {
        case .delivered: "delivered"
        case .retry: "retry"
        case .abandoned: "abandoned"
        }
        registry.makeCounter(descriptor: Self.counter("webhook_attempts", "Webhook delivery attempts by outcome"), labels: [("outcome", label)])
            .increment()
    }

    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
