import JECPHubCore
import Synchronization

/// One process owns the SQLite file, so what nodes would share lives in this process's memory,
/// with the same behaviour as the PostgreSQL store's rows and no database round trip.
extension SQLiteStore {
    public func checkRate(key: String, limit: Int, windowSeconds: Double, now: Double) async throws(StoreError) -> RateDecision {
        limiter(windowSeconds).check(key: key, limit: limit, now: now)
    }

    public func recordNonce(agentID: String, nonce: String, now: Int64, ttlSeconds: Int64) async throws(StoreError) -> Bool {
        nonces.insertIfFresh(agentID: agentID, nonce: nonce, now: now, ttlSeconds: ttlSeconds)
    }

    public func claimRequest(agentID: String, key: String, now: Int64, leaseUntil: Int64) async throws(StoreError) -> RequestClaim {
        if storedKeys.mayContain(agentID: agentID, key: key),
           let stored = try await idempotencyRecord(agentID: agentID, key: key, now: now) { return .stored(stored) }
        return claims.withLock { claims in
            let claimKey = agentID + "\u{0}" + key
            if let holder = claims[claimKey], holder > now { return .busy(leaseUntil: holder) }
            claims[claimKey] = leaseUntil
            return .claimed
        }
    }

    public func releaseRequest(agentID: String, key: String) async throws(StoreError) {
        _ = claims.withLock { $0.removeValue(forKey: agentID + "\u{0}" + key) }
    }

    /// The limiter and nonce cache sweep themselves as they are used; lapsed claims go here.
    public func purgeExpiredCoordination(now: Int64) async throws(StoreError) -> Int {
        claims.withLock { claims in
            let before = claims.count
            claims = claims.filter { $0.value > now }
            return before - claims.count
        }
    }

    /// The Hub's one-minute window needs no lookup: `POST /v1/invoke` checks it on every call.
    private func limiter(_ windowSeconds: Double) -> SlidingWindowLimiter {
        if windowSeconds == minuteLimiter.windowSeconds { return minuteLimiter }
        return limiters.withLock { limiters in
            if let limiter = limiters[windowSeconds] { return limiter }
            let limiter = SlidingWindowLimiter(windowSeconds: windowSeconds)
            limiters[windowSeconds] = limiter
            return limiter
        }
    }
}
