import Synchronization

/// The provenance v2 replay cache (spec 02 §5.2 step 5): `(agent, lowercased nonce)` pairs seen
/// in the last `ttl` seconds. Check-and-insert is one critical section, so two concurrent
/// requests with one nonce cannot both pass (§5.2.1).
///
/// In process memory: correct for one Hub process on the embedded store. Several nodes share the
/// PostgreSQL store's table instead.
public final class NonceReplayCache: Sendable {
    private struct State {
        var seen: [String: Int64] = [:]
        var nextSweep: Int64 = 0
    }

    private let state = Mutex(State())
    public let ttlSeconds: Int64

    public init(ttlSeconds: Int64 = 600) {
        self.ttlSeconds = ttlSeconds
    }

    /// True when the nonce is fresh (and is now recorded); false when it is a replay.
    public func insertIfFresh(agentID: String, nonce: String, now: Int64, ttlSeconds: Int64? = nil) -> Bool {
        let key = agentID + ":" + nonce.lowercased()
        let ttl = ttlSeconds ?? self.ttlSeconds
        return state.withLock { state in
            if now >= state.nextSweep {
                state.seen = state.seen.filter { $0.value > now }
                state.nextSweep = now + 30
            }
            if let expiry = state.seen[key], expiry > now { return false }
            state.seen[key] = now + ttl
            return true
        }
    }
}
