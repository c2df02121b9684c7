import DequeModule
import Synchronization

/// Exact sliding-window rate limiting (spec 02 §6.5): a request is allowed when fewer than
/// `limit` requests were allowed for the same key in the last `window` seconds.
///
/// State is a deque of timestamps per key under one `Mutex`: critical sections are a few
/// comparisons, far shorter than an actor hop, and the limiter sits on every invoke. Keys with
/// no recent requests are swept so memory stays bounded by active agents.
public final class SlidingWindowLimiter: Sendable {
    public struct Decision: Sendable, Equatable {
        public let allowed: Bool
        public let limit: Int
        public let remaining: Int
        /// Unix seconds at which the oldest counted request leaves the window.
        public let resetAt: Double
        /// Whole seconds until a request would be allowed, in [1, window].
        public let retryAfterSeconds: Int
    }

    private struct State {
        var windows: [String: Deque<Double>] = [:]
        var checksSinceSweep = 0
    }

    private let state = Mutex(State())
    public let windowSeconds: Double

    public init(windowSeconds: Double = 60) {
        self.windowSeconds = windowSeconds
    }

    /// Counts the request when it is allowed; a refused request does not consume capacity.
    public func check(key: String, limit: Int, now: Double) -> Decision {
        let window = windowSeconds
        return state.withLock { state in
            state.checksSinceSweep += 1
            if state.checksSinceSweep >= 10_000 {
                state.checksSinceSweep = 0
                state.windows = state.windows.filter { ($0.value.last ?? 0) > now - window }
            }
            var timestamps = state.windows.removeValue(forKey: key) ?? Deque()
            while let first = timestamps.first, first <= now - window { timestamps.removeFirst() }
            let decision: Decision
            if timestamps.count < limit {
                timestamps.append(now)
                let reset = (timestamps.first ?? now) + window
                decision = Decision(allowed: true, limit: limit, remaining: limit - timestamps.count, resetAt: reset,
                                    retryAfterSeconds: 0)
            } else {
                let reset = (timestamps.first ?? now) + window
                let wait = Int((reset - now).rounded(.up))
                decision = Decision(allowed: false, limit: limit, remaining: 0, resetAt: reset,
                                    retryAfterSeconds: min(max(wait, 1), 600))
            }
            if !timestamps.isEmpty { state.windows[key] = timestamps }
            return decision
        }
    }
}
