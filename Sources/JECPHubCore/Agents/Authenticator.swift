import JECPModels

/// Checks agent credentials (spec 02 §3.5) without revealing whether an agent id exists.
public struct Authenticator<Store: HubStore>: Sendable {
    let store: Store
    let hasher: KeyHasher
    let nextActions: NextActions

    public init(store: Store, hasher: KeyHasher, nextActions: NextActions) {
        self.store = store
        self.hasher = hasher
        self.nextActions = nextActions
    }

    /// A refused key is answered no sooner than this after the request began. The lookup of a
    /// known agent can be served from memory while an unknown id costs a database read; a floor
    /// well above both makes the two indistinguishable by timing (and slows key guessing).
    public static var failureFloor: Duration { .milliseconds(5) }

    /// Returns the agent when the key is its current key, or its previous key within the grace
    /// period. Unknown agent and wrong key produce the same error, after the same time.
    public func authenticate(agentID: String?, apiKey: String?, now: Int64, allowSuspended: Bool = false) async throws(JECPError) -> AgentRecord {
        let started = ContinuousClock.now
        guard let agentID, !agentID.isEmpty, let apiKey, !apiKey.isEmpty else {
            throw JECPError(.authRequired, "Agent credentials are required: send X-Agent-ID and X-API-Key, or mandate.agent_id and mandate.api_key.",
                            nextAction: nextActions.register())
        }
        let presented = hasher.hash(apiKey)
        let record: AgentRecord? = try await withStore { try await store.agent(id: agentID) }
        var valid = false
        if let record {
            valid = constantTimeEqual(presented, record.keyHash)
            if !valid, let previous = record.previousKeyHash, let until = record.previousKeyValidUntil, until > now {
                valid = constantTimeEqual(presented, previous)
            }
        } else {
            // Same comparison work as for a real agent, so timing does not reveal existence.
            _ = constantTimeEqual(presented, [UInt8](repeating: 0, count: presented.count))
        }
        guard valid, let record else {
            try? await Task.sleep(until: started + Self.failureFloor)
            throw JECPError(.invalidAPIKey, "The agent id and API key do not match a registered agent.", nextAction: nextActions.register())
        }
        if record.suspended, !allowSuspended {
            throw JECPError(.agentSuspended, "This agent is suspended by the Hub operator.", details: ["agent_id": .string(record.id)])
        }
        return record
    }
}

/// Runs a store call, turning a storage failure into the wire error (`SERVICE_DEGRADED`).
/// (Store methods throw only `StoreError`; the closure is untyped because Swift does not infer
/// typed throws for closures yet.)
func withStore<T>(_ body: () async throws -> T) async throws(JECPError) -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw HubErrors.storeUnavailable(error)
    } catch {
        throw HubErrors.storeUnavailable(.unavailable(String(describing: type(of: error))))
    }
}

/// Errors shared by several services.
public enum HubErrors {
    public static func storeUnavailable(_ error: StoreError) -> JECPError {
        switch error {
        case .unavailable:
            JECPError(.serviceDegraded, "The Hub's database is unavailable; nothing was charged. Retry shortly.",
                      details: ["retry_after_seconds": 5], headers: [("Retry-After", "5")])
        case .nameTaken, .notFound:
            JECPError(.internalError, "Unexpected store state; nothing was charged.")
        }
    }
}
