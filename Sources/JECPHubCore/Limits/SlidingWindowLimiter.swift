import DequeModule
import Synchronization

/// Exact sliding-window rate limiting (spec 02 §6.5): a request is allowed when fewer than
/// `limit` requests were allowed for the same key in the last `window` seconds.
///
/// State is a deque of timestamps per key under one `Mutex`: critical sections are a few
/// comparisons, far shorter than an actor hop, and the limiter sits on every invoke. Keys with
/// no recent requests are swept so memory stays bounded by active agents.
public final class SlidingWindowLimiter: Sendable {
    public typealias Decision = RateDecision

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
            let allowed = timestamps.count < limit
            if allowed { timestamps.append(now) }
            let decision = RateDecision(allowed: allowed, limit: limit, counted: timestamps.count, oldest: timestamps.first ?? now,
                                        window: window, now: now)
            if !timestamps.isEmpty { state.windows[key] = timestamps }
            return decision
        }
    }
}

/// The answer of a sliding-window check, the same whichever store counted it.
public struct RateDecision: Sendable, Equatable {
    public let allowed: Bool
    public let limit: Int
    public let remaining: Int
    /// Unix seconds at which the oldest counted request leaves the window.
    public let resetAt: Double
    /// Whole seconds until a request would be allowed, in [1, window]; 0 when allowed.
    public let retryAfterSeconds: Int

    /// From the window's state after the check: `counted` requests in it (this one included
    /// when allowed), the oldest at `oldest`.
    public init(allowed: Bool, limit: Int, counted: Int, oldest: Double, window: Double, now: Double) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = allowed ? max(limit - counted, 0) : 0
        self.resetAt = oldest + window
        self.retryAfterSeconds = allowed ? 0 : min(max(Int((oldest + window - now).rounded(.up)), 1), 600)
    }
}
