import AsyncHTTPClient
import Foundation
import Logging
import Synchronization

extension JECPClient {
    /// Registers a new agent (`POST /api/agent/register`). Never retried: a repeat could create a
    /// second agent. Build a client with the returned `agentID` and `apiKey`.
    public static func register(hub: String, name: String, agentType: String? = nil, description: String? = nil,
                                transport: (any JECPTransport)? = nil) async throws(JECPError) -> Registration {
        try await register(hub: hub, name: name, agentType: agentType, description: description,
                           requester: standaloneRequester(hub: hub, transport: transport))
    }

    static func register(hub: String, name: String, agentType: String?, description: String?, requester: Requester)
        async throws(JECPError) -> Registration
    {
        var body: [String: JSONValue] = ["name": .string(name)]
        if let agentType { body["agent_type"] = .string(agentType) }
        if let description { body["description"] = .string(description) }
        let payload = JSONValue.object(body)
        let response = try await requester.send(retry: false) {
            TransportRequest(method: "POST", url: requester.url("/api/agent/register"),
                             headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                             body: payload.serialized(), timeout: requester.timeout)
        }
        let json = try Self.json(response)
        guard let agentID = json["agent_id"]?.stringValue, let apiKey = json["api_key"]?.stringValue else {
            throw JECPError(code: .invalidResponse, status: response.status, message: "The registration response lacks agent_id or api_key.")
        }
        return Registration(agentID: agentID, apiKey: apiKey,
                            freeCalls: json["free_calls_remaining"]?.numberValue?.integerValue.map { Int($0) }, raw: json)
    }

    /// A requester for the static calls, on the shared async-http-client unless a transport is given.
    static func standaloneRequester(hub: String, transport: (any JECPTransport)?) -> Requester {
        Requester(baseURL: hub, transport: transport ?? HTTPClientTransport(client: .shared), timeout: .seconds(30),
                  policy: .default, environment: .live, logger: Logger(label: "jecp-client"))
    }

    /// `GET /v1/agents/me`: tier, calls, free calls and balance.
    public func me() async throws(JECPError) -> AgentProfile {
        let json = try await getJSON("/v1/agents/me")
        guard let agentID = json["agent_id"]?.stringValue else {
            throw JECPError(code: .invalidResponse, status: 200, message: "The profile lacks agent_id.")
        }
        return AgentProfile(
            agentID: agentID, name: json["name"]?.stringValue, tier: json["tier"]?.stringValue.flatMap(TrustTier.init(rawValue:)),
            totalCalls: json["total_calls"]?.numberValue?.integerValue.map { Int($0) } ?? 0,
            freeCallsRemaining: json["free_calls_remaining"]?.numberValue?.integerValue.map { Int($0) } ?? 0,
            balance: json["balance_usdc"].flatMap { try? Money(json: $0) } ?? .zero, raw: json)
    }

    /// One page of the wallet's ledger, newest first; pass `nextCursor` for the next page.
    public func transactions(cursor: String? = nil, limit: Int = 20) async throws(JECPError) -> TransactionPage {
        let json = try await getJSON("/v1/agents/me/transactions", query: [("limit", String(limit)), ("cursor", cursor)])
        return TransactionPage(transactions: json["transactions"]?.arrayValue ?? [], nextCursor: json["next_cursor"]?.stringValue)
    }

    /// Issues a new API key and uses it from now on. Never retried: a lost answer would otherwise
    /// burn a second rotation (3 per 24 h) and the key of the first would be unknown.
    public func rotateKey(graceSeconds: Int? = nil, revokeOld: Bool = false) async throws(JECPError) -> KeyRotation {
        var body: [String: JSONValue] = [:]
        if let graceSeconds { body["grace_seconds"] = .number(JSONNumber(graceSeconds)) }
        if revokeOld { body["revoke_old"] = true }
        let payload = JSONValue.object(body)
        let response = try await requester.send(retry: false) { request("POST", "/v1/agents/me/rotate-key", body: payload) }
        let json = try Self.json(response)
        guard let newKey = json["api_key"]?.stringValue else {
            throw JECPError(code: .invalidResponse, status: response.status, message: "The rotation response lacks api_key.")
        }
        credentials.withLock { $0.apiKey = newKey }
        logger.info("API key rotated", metadata: ["jecp.agent_id": "\(agentID ?? "")"])
        let validUntil = json["previous_key_valid_until"]?.stringValue.flatMap(Timestamps.parseRFC3339)
        return KeyRotation(apiKey: newKey, previousKeyValidUntil: validUntil.map { Date(timeIntervalSince1970: TimeInterval($0)) }, raw: json)
    }

    /// Starts a wallet top-up of `amount` USD (`POST /api/agent/topup`). Never retried: a repeat
    /// could open a second checkout.
    public func topup(amount: Int) async throws(JECPError) -> TopupSession {
        let payload: JSONValue = ["amount": .number(JSONNumber(amount))]
        let response = try await requester.send(retry: false) { request("POST", "/api/agent/topup", body: payload) }
        let json = try Self.json(response)
        guard let url = json["url"]?.stringValue ?? json["checkout_url"]?.stringValue else {
            throw JECPError(code: .invalidResponse, status: response.status, message: "The top-up response lacks a checkout url.")
        }
        return TopupSession(url: url, sessionID: json["session_id"]?.stringValue)
    }
}
