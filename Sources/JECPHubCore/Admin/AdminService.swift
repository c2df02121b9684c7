import Crypto
import JECPModels

/// The operator API (`/admin/v1/...`), behind the admin token.
public struct AdminService<Store: HubStore>: Sendable {
    let store: Store
    let tokenDigest: [UInt8]

    public init(store: Store, adminToken: String) {
        self.store = store
        self.tokenDigest = Array(SHA256.hash(data: Array(adminToken.utf8)))
    }

    /// Checks `Authorization: Bearer <token>` in constant time (digests have equal length).
    public func authorize(_ authorization: String?) throws(JECPError) {
        let prefix = "Bearer "
        guard let authorization, authorization.hasPrefix(prefix) else {
            throw JECPError(.adminAuthRequired, "The operator API needs Authorization: Bearer <admin token>.")
        }
        let presented = Array(SHA256.hash(data: Array(authorization.dropFirst(prefix.count).utf8)))
        guard constantTimeEqual(presented, tokenDigest) else {
            throw JECPError(.adminAuthRequired, "The admin token is not valid.")
        }
    }

    /// `POST /admin/v1/agents/{id}/credit` `{amount_usdc, reason, idempotency_key}`.
    public func credit(agentID: String, body: JSONValue, now: Int64) async throws(JECPError) -> (status: Int, body: JSONValue) {
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        var violations: [EnvelopeViolation] = []
        var amount = Money.zero
        switch fields["amount_usdc"] {
        case nil: violations.append(.init(path: "/amount_usdc", reason: "is required"))
        case .some(let value):
            if let parsed = try? Money(json: value), parsed > .zero, parsed <= Money(units: 1_000_000) { amount = parsed } else {
                violations.append(.init(path: "/amount_usdc", reason: "must be a positive amount up to 1000000 with at most 6 decimals"))
            }
        }
        let reason = fields["reason"]?.stringValue ?? ""
        if reason.isEmpty || reason.count > 500 { violations.append(.init(path: "/reason", reason: "must be a string of 1 to 500 characters")) }
        let key = fields["idempotency_key"]?.stringValue ?? ""
        if !InvokeRequest.isValidID(key) { violations.append(.init(path: "/idempotency_key", reason: "must match ^[A-Za-z0-9_-]{4,64}$")) }
        for name in fields.keys.sorted() where !["amount_usdc", "reason", "idempotency_key"].contains(name) {
            violations.append(.init(path: "/\(name)", reason: "is not a credit field"))
        }
        guard violations.isEmpty else {
            throw JECPError(.validationFailed, "The credit request has \(violations.count) error(s).", details: ["errors": .array(violations.map(\.json))])
        }
        let credit = WalletCredit(agentID: agentID, amount: amount, reason: reason, idempotencyKey: "admin:" + key, source: .operatorFunding, now: now)
        let outcome = try await withStore { try await store.credit(credit) }
        switch outcome {
        case .credited(let transactionID, let balanceAfter):
            return (201, ["agent_id": .string(agentID), "transaction_id": .string(transactionID), "amount_usdc": amount.json,
                          "balance_after": balanceAfter.json, "replayed": false])
        case .alreadyApplied(let transactionID, let previousAmount, let previousAgent):
            guard previousAgent == agentID, previousAmount == amount else {
                throw JECPError(.duplicateRequest, "idempotency_key '\(key)' was already used for a different credit.",
                                details: ["idempotency_key": .string(key), "transaction_id": .string(transactionID)])
            }
            let balance = try await agentRecord(agentID).balance
            return (200, ["agent_id": .string(agentID), "transaction_id": .string(transactionID), "amount_usdc": amount.json,
                          "balance_after": balance.json, "replayed": true])
        case .agentMissing:
            throw JECPError(.agentNotFound, "No agent '\(agentID)' exists.", details: ["agent_id": .string(agentID)])
        }
    }

    /// `GET /admin/v1/ledger/summary`.
    public func ledgerSummary() async throws(JECPError) -> JSONValue {
        let summary: LedgerSummary = try await withStore { try await store.ledgerSummary() }
        var balances: [String: JSONValue] = [:]
        for accountClass in LedgerAccount.Class.allCases {
            balances[accountClass.rawValue] = (summary.balances[accountClass] ?? .zero).json
        }
        return ["balances_usdc": .object(balances), "global_sum_usdc": summary.globalSum.json,
                "transaction_count": .number(JSONNumber(summary.transactionCount)), "balanced": .bool(summary.globalSum == .zero)]
    }

    /// `GET /admin/v1/agents/{id}`.
    public func agent(_ agentID: String) async throws(JECPError) -> JSONValue {
        render(try await agentRecord(agentID))
    }

    /// `PATCH /admin/v1/agents/{id}` `{tier_floor, suspended}`; `tier_floor: null` clears the floor.
    public func updateAgent(_ agentID: String, body: JSONValue) async throws(JECPError) -> JSONValue {
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        var violations: [EnvelopeViolation] = []
        var tierFloor: TrustTier??
        if let value = fields["tier_floor"] {
            if value.isNull { tierFloor = .some(nil) } else if let text = value.stringValue, let tier = TrustTier(rawValue: text) {
                tierFloor = .some(tier)
            } else {
                violations.append(.init(path: "/tier_floor", reason: "must be bronze, silver, gold, platinum or null"))
            }
        }
        var suspended: Bool?
        if let value = fields["suspended"] {
            if let flag = value.boolValue { suspended = flag } else { violations.append(.init(path: "/suspended", reason: "must be a boolean")) }
        }
        for name in fields.keys.sorted() where name != "tier_floor" && name != "suspended" {
            violations.append(.init(path: "/\(name)", reason: "is not an agent field an operator can change"))
        }
        guard violations.isEmpty else {
            throw JECPError(.validationFailed, "The update has \(violations.count) error(s).", details: ["errors": .array(violations.map(\.json))])
        }
        let updated: AgentRecord? = try await withStore { try await store.updateAgent(id: agentID, tierFloor: tierFloor, suspended: suspended) }
        guard let updated else { throw JECPError(.agentNotFound, "No agent '\(agentID)' exists.", details: ["agent_id": .string(agentID)]) }
        return render(updated)
    }

    func agentRecord(_ agentID: String) async throws(JECPError) -> AgentRecord {
        let record: AgentRecord? = try await withStore { try await store.agent(id: agentID) }
        guard let record else { throw JECPError(.agentNotFound, "No agent '\(agentID)' exists.", details: ["agent_id": .string(agentID)]) }
        return record
    }

    func render(_ agent: AgentRecord) -> JSONValue {
        [
            "agent_id": .string(agent.id), "name": .string(agent.name), "tier": .string(agent.tier.rawValue),
            "earned_tier": .string(TrustTier(successfulCalls: agent.totalCalls).rawValue),
            "tier_floor": agent.tierFloor.map { .string($0.rawValue) } ?? .null, "suspended": .bool(agent.suspended),
            "total_calls": .number(JSONNumber(agent.totalCalls)), "free_calls_remaining": .number(JSONNumber(agent.freeCallsRemaining)),
            "balance_usdc": agent.balance.json, "created_at": .string(Timestamps.rfc3339(agent.createdAt)),
        ]
    }
}
