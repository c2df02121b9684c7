import Foundation
import JECPModels
import Logging

/// Agent self-service: registration, profile, history and key rotation (spec 02 §3).
public struct AgentService<Store: HubStore>: Sendable {
    let store: Store
    let settings: HubSettings
    let hasher: KeyHasher
    let authenticator: Authenticator<Store>

    public init(store: Store, settings: HubSettings, hasher: KeyHasher) {
        self.store = store
        self.settings = settings
        self.hasher = hasher
        self.authenticator = Authenticator(store: store, hasher: hasher, nextActions: NextActions(settings: settings))
    }

    public func authenticate(agentID: String?, apiKey: String?, now: Int64, allowSuspended: Bool = false) async throws(JECPError) -> AgentRecord {
        try await authenticator.authenticate(agentID: agentID, apiKey: apiKey, now: now, allowSuspended: allowSuspended)
    }

    /// `POST /api/agent/register`. `clientAddress` keys the per-address registration limit.
    public func register(body: JSONValue, clientAddress: String, now: Double) async throws(JECPError) -> JSONValue {
        let decision = try await withStore {
            try await store.checkRate(key: "register|\(clientAddress)", limit: settings.registrationPerMinute, windowSeconds: 60, now: now)
        }
        guard decision.allowed else {
            throw JECPError(.rateLimited, "At most \(settings.registrationPerMinute) registrations per minute from one address.",
                            details: ["limit_rpm": .number(JSONNumber(decision.limit)), "retry_after_seconds": .number(JSONNumber(decision.retryAfterSeconds)),
                                      "reset_at": .string(Timestamps.rfc3339(Int64(decision.resetAt.rounded(.up)))), "scope": "registration"],
                            nextAction: NextActions(settings: settings).wait(seconds: decision.retryAfterSeconds),
                            headers: [("Retry-After", String(decision.retryAfterSeconds))])
        }
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        var violations: [EnvelopeViolation] = []
        let allowed: Set<String> = ["name", "agent_type", "description", "referred_by"]
        for key in fields.keys.sorted() where !allowed.contains(key) {
            violations.append(.init(path: "/\(key)", reason: "is not a registration field"))
        }
        func optionalString(_ key: String, maxLength: Int) -> String? {
            guard let value = fields[key], !value.isNull else { return nil }
            guard let text = value.stringValue, text.count <= maxLength else {
                violations.append(.init(path: "/\(key)", reason: "must be a string of at most \(maxLength) characters"))
                return nil
            }
            return text
        }
        var name = ""
        if let value = fields["name"] {
            let trimmed = value.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if trimmed.isEmpty || trimmed.count > 100 || trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                violations.append(.init(path: "/name", reason: "must be a string of 1 to 100 printable characters"))
            } else {
                name = trimmed
            }
        } else {
            violations.append(.init(path: "/name", reason: "is required"))
        }
        let agentType = optionalString("agent_type", maxLength: 64)
        let description = optionalString("description", maxLength: 500)
        let referredBy = optionalString("referred_by", maxLength: 128)
        if let referredBy, !Credentials.isWellFormed(referredBy, kind: .agentID) {
            violations.append(.init(path: "/referred_by", reason: "must be an agent id"))
        }
        guard violations.isEmpty else {
            throw JECPError(.validationFailed, "The registration request has \(violations.count) error(s).",
                            details: ["errors": .array(violations.map(\.json))])
        }
        let agentID = Credentials.generate(.agentID, prefix: settings.vendorPrefix)
        let apiKey = Credentials.generate(.agentKey, prefix: settings.vendorPrefix)
        let record: AgentRecord
        do {
            record = try await store.createAgent(
                NewAgent(id: agentID, name: name, agentType: agentType, description: description, referredBy: referredBy,
                         keyHash: hasher.hash(apiKey), freeCalls: settings.freeCalls, createdAt: Int64(now)))
        } catch .nameTaken {
            throw JECPError(.agentNameTaken, "An agent named '\(name)' is already registered; choose another name.", details: ["name": .string(name)])
        } catch {
            throw HubErrors.storeUnavailable(error)
        }
        return [
            "agent_id": .string(record.id),
            "api_key": .string(apiKey),
            "name": .string(record.name),
            "free_calls_remaining": .number(JSONNumber(record.freeCallsRemaining)),
            "tier": .string(record.tier.rawValue),
            "balance_usdc": record.balance.json,
            "rate_limit_rpm": .number(JSONNumber(record.tier.rateLimitPerMinute)),
            "warning": "Store api_key now: it is shown only once and cannot be retrieved. Never put it in client-side code or URLs.",
        ]
    }

    /// `GET /v1/agents/me`.
    public func profile(_ agent: AgentRecord) -> JSONValue {
        [
            "agent_id": .string(agent.id),
            "name": .string(agent.name),
            "tier": .string(agent.tier.rawValue),
            "total_calls": .number(JSONNumber(agent.totalCalls)),
            "free_calls_remaining": .number(JSONNumber(agent.freeCallsRemaining)),
            "balance_usdc": agent.balance.json,
            "rate_limit_rpm": .number(JSONNumber(agent.tier.rateLimitPerMinute)),
            "created_at": .string(Timestamps.rfc3339(agent.createdAt)),
            "suspended": .bool(agent.suspended),
        ]
    }

    /// `GET /v1/agents/me/transactions?limit=&cursor=`, newest first.
    public func transactions(_ agent: AgentRecord, limit: String?, cursor: String?) async throws(JECPError) -> JSONValue {
        var pageSize = 50
        if let limit {
            guard let parsed = Int(limit), (1...200).contains(parsed) else {
                throw JECPError(.validationFailed, "limit must be an integer from 1 to 200.",
                                details: ["errors": [["path": "/query/limit", "reason": "must be an integer from 1 to 200"]]])
            }
            pageSize = parsed
        }
        var before: Int64?
        if let cursor {
            guard let parsed = Int64(cursor), parsed > 0 else {
                throw JECPError(.validationFailed, "cursor is not one this Hub issued.",
                                details: ["errors": [["path": "/query/cursor", "reason": "must be a next_cursor value from a previous page"]]])
            }
            before = parsed
        }
        let entries: [WalletEntry] = try await withStore { try await store.walletTransactions(agentID: agent.id, before: before, limit: pageSize + 1) }
        let page = entries.prefix(pageSize)
        let next: JSONValue = entries.count > pageSize ? .string(String(page.last!.sequence)) : .null
        return [
            "agent_id": .string(agent.id),
            "balance_usdc": agent.balance.json,
            "transactions": .array(page.map { entry in
                var item: [String: JSONValue] = [
                    "transaction_id": .string(entry.transactionID),
                    "type": .string(entry.kind),
                    "amount_usdc": entry.amount.json,
                    "balance_after": entry.balanceAfter.json,
                    "created_at": .string(Timestamps.rfc3339(entry.createdAt)),
                ]
                if let memo = entry.memo { item["memo"] = .string(memo) }
                if let capability = entry.capability { item["capability"] = .string(capability) }
                if let action = entry.action { item["action"] = .string(action) }
                return .object(item)
            }),
            "next_cursor": next,
        ]
    }

    /// `POST /v1/agents/me/rotate-key` `{grace_seconds, revoke_old}`.
    public func rotateKey(_ agent: AgentRecord, body: JSONValue, now: Int64) async throws(JECPError) -> JSONValue {
        let request = try KeyRotation(body: body, graceRange: 60...604_800)
        let newKey = Credentials.generate(.agentKey, prefix: settings.vendorPrefix)
        let validUntil = request.previousValidUntil(now: now)
        let outcome = try await withStore {
            try await store.rotateKey(agentID: agent.id, newKeyHash: hasher.hash(newKey), previousValidUntil: validUntil,
                                      maximumPer24h: settings.maximumRotationsPer24h, now: now)
        }
        switch outcome {
        case .rotated:
            return [
                "agent_id": .string(agent.id),
                "api_key": .string(newKey),
                "previous_key_valid_until": validUntil.map { .string(Timestamps.rfc3339($0)) } ?? .string(Timestamps.rfc3339(now)),
                "previous_key_revoked": .bool(request.revokeOld),
                "warning": "Store the new api_key now: it is shown only once.",
            ]
        case .capReached(let count, let oldest):
            throw KeyRotation.capReached(limit: settings.maximumRotationsPer24h, count: count, oldest: oldest, now: now)
        case .agentMissing:
            throw JECPError(.rotationRace, "The agent record changed during rotation; no new key was issued.", details: ["reason": "agent_disappeared"])
        }
    }
}
