import Foundation

/// Clock, sleep and randomness of a client, injectable so tests need not wait real time.
struct ClientEnvironment: Sendable {
    var sleep: @Sendable (Duration) async throws -> Void
    var now: @Sendable () -> Date
    /// A uniformly random duration in `0...upper` (full jitter).
    var jitter: @Sendable (Duration) -> Duration

    static let live = ClientEnvironment(
        sleep: { duration in try await Task.sleep(for: duration) },
        now: { Date() },
        jitter: { upper in
            let nanoseconds = upper.nanoseconds
            return nanoseconds <= 0 ? .zero : .nanoseconds(Int64.random(in: 0...nanoseconds))
        })
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
