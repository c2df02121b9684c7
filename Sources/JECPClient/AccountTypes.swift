import Foundation

/// `/.well-known/agent-guide.json`, checked for the schema's required fields.
public struct AgentGuide: Sendable {
    public let raw: JSONValue
    public let hubName: String?
    public let registrationURL: String?
    public let capabilitiesURL: String?
}

/// The answer of `POST /api/agent/register`. `apiKey` is shown once: store it.
public struct Registration: Sendable {
    public let agentID: String
    public let apiKey: String
    public let freeCalls: Int?
    public let raw: JSONValue
}

/// `GET /v1/agents/me`.
public struct AgentProfile: Sendable {
    public let agentID: String
    public let name: String?
    public let tier: TrustTier?
    public let totalCalls: Int
    public let freeCallsRemaining: Int
    public let balance: Money
    public let raw: JSONValue
}

/// One page of `GET /v1/agents/me/transactions`.
public struct TransactionPage: Sendable {
    public let transactions: [JSONValue]
    public let nextCursor: String?
}

/// `POST /v1/agents/me/rotate-key`. The client already uses `apiKey` when this returns.
public struct KeyRotation: Sendable {
    public let apiKey: String
    public let previousKeyValidUntil: Date?
    public let raw: JSONValue
}

/// A wallet top-up checkout: open `url` to pay.
public struct TopupSession: Sendable {
    public let url: String
    public let sessionID: String?
}
