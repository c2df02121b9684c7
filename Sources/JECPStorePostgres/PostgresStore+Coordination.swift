import JECPHubCore
import PostgresNIO

/// What every node must see alike, as rows: one round trip each on the hot path.
extension PostgresStore {
    public func checkRate(key: String, limit: Int, windowSeconds: Double, now: Double) async throws(StoreError) -> RateDecision {
        let rows = try await query("SELECT allowed, counted, oldest FROM jecp_check_rate(\(key), \(Int32(clamping: limit)), \(windowSeconds), \(now))")
        let (allowed, counted, oldest) = try decode { try rows[0].decode((Bool, Int32, Double).self) }
        return RateDecision(allowed: allowed, limit: limit, counted: Int(counted), oldest: oldest, window: windowSeconds, now: now)
    }

    /// A spent nonce row blocks the same nonce until it expires; an expired one is taken over.
    public func recordNonce(agentID: String, nonce: String, now: Int64, ttlSeconds: Int64) async throws(StoreError) -> Bool {
        let rows = try await query("""
            INSERT INTO provenance_nonces (agent_id, nonce, expires_at) VALUES (\(agentID), \(nonce), \(now + ttlSeconds))
            ON CONFLICT (agent_id, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE provenance_nonces.expires_at <= \(now)
            RETURNING 1
            """)
        return !rows.isEmpty
    }

    /// One round trip (`jecp_claim_request()`): a stored response wins; otherwise insert the
    /// claim, or take over one whose lease ran out or whose node stopped beating. A claim row outlives a successful settlement
    /// (until its lease ends), so a request racing that settlement finds it busy and, polling,
    /// then finds the stored response.
    public func claimRequest(agentID: String, key: String, now: Int64, leaseUntil: Int64) async throws(StoreError) -> RequestClaim {
        let rows = try await query("""
            SELECT claimed, holder_lease, fingerprint, status_code, body, created_at
            FROM jecp_claim_request(\(agentID), \(key), \(now), \(leaseUntil), \(nodeID), \(Int32(configuration.nodeTimeoutSeconds)))
            """)
        return try decode {
            let (claimed, holderLease, fingerprint, status, body, createdAt) =
                try rows[0].decode((Bool, Int64?, ByteBuffer?, Int32?, ByteBuffer?, Int64?).self)
            if let fingerprint, let status, let body, let createdAt {
                return .stored(IdempotencyRecord(fingerprint: Array(buffer: fingerprint), statusCode: Int(status), body: Array(buffer: body),
                                                 createdAt: createdAt))
            }
            return claimed ? .claimed : .busy(leaseUntil: holderLease ?? leaseUntil)
        }
    }

    public func releaseRequest(agentID: String, key: String) async throws(StoreError) {
        _ = try await query("DELETE FROM request_claims WHERE agent_id = \(agentID) AND key = \(key)")
    }

    public func purgeExpiredCoordination(now: Int64) async throws(StoreError) -> Int {
        let nonces = try await purge(table: "provenance_nonces", condition: "expires_at <= \(now)")
        let windows = try await purge(table: "rate_windows", condition: "expires_at <= \(now)")
        let claims = try await purge(table: "request_claims", condition: "lease_until <= \(now)")
        let nodes = try await purge(table: "hub_nodes", condition: "seen_at < now() - interval '1 day'")
        return nonces + windows + claims + nodes
    }
}
