import Foundation

/// A refund request (`/v1/refunds`), as its agent or the provider of the capability sees it.
public struct Refund: Sendable {
    public let id: String
    /// The charge it reverses.
    public let transactionID: String
    /// `requested`, `approved` or `denied`.
    public let status: String
    public let amount: Money
    public let reason: String
    public let evidenceURL: String?
    public let capability: String?
    public let action: String?
    public let providerNamespace: String?
    /// `provider:<namespace>`, `operator` or `auto`.
    public let decidedBy: String?
    public let decisionNote: String?
    /// The ledger transaction that gave the money back, once approved.
    public let refundTransactionID: String?
    public let createdAt: Date?
    /// When an unanswered request is approved by itself (nil once decided).
    public let autoApproveAt: Date?
    public let decidedAt: Date?
    public let raw: JSONValue

    init(json: JSONValue, status code: Int) throws(JECPError) {
        guard let id = json["id"]?.stringValue, let transaction = json["transaction_id"]?.stringValue, let status = json["status"]?.stringValue else {
            throw JECPError(code: .invalidResponse, status: code, message: "The refund lacks id, transaction_id or status.")
        }
        func date(_ key: String) -> Date? {
            json[key]?.stringValue.flatMap(Timestamps.parseRFC3339).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
        self.id = id
        transactionID = transaction
        self.status = status
        amount = json["amount_usdc"].flatMap { try? Money(json: $0) } ?? .zero
        reason = json["reason"]?.stringValue ?? ""
        evidenceURL = json["evidence_url"]?.stringValue
        capability = json["capability"]?.stringValue
        action = json["action"]?.stringValue
        providerNamespace = json["provider_namespace"]?.stringValue
        decidedBy = json["decided_by"]?.stringValue
        decisionNote = json["decision_note"]?.stringValue
        refundTransactionID = json["refund_transaction_id"]?.stringValue
        createdAt = date("created_at")
        autoApproveAt = date("auto_approve_at")
        decidedAt = date("decided_at")
        raw = json
    }
}

/// One page of refunds, newest first; pass `nextCursor` for the next.
public struct RefundPage: Sendable {
    public let refunds: [Refund]
    public let nextCursor: String?
}

/// What the agent and the provider client share for refunds.
enum RefundRequests {
    static func path(_ id: String, _ suffix: String = "") -> String { "/v1/refunds/" + Requester.percentEncode(id) + suffix }

    static func query(status: String?, cursor: String?, limit: Int) -> [(String, String?)] {
        [("status", status), ("limit", String(limit)), ("cursor", cursor)]
    }

    static func page(_ json: JSONValue, status: Int) throws(JECPError) -> RefundPage {
        var refunds: [Refund] = []
        for item in json["refunds"]?.arrayValue ?? [] { refunds.append(try Refund(json: item, status: status)) }
        return RefundPage(refunds: refunds, nextCursor: json["next_cursor"]?.stringValue)
    }

    static func decision(note: String?) -> JSONValue { note.map { ["note": .string($0)] } ?? .object([:]) }
}

extension JECPClient {
    /// Asks for the charge `transactionID` back (`POST /v1/refunds`). Never retried: a lost answer
    /// is found with ``refunds(status:cursor:limit:)`` (a second request answers 409
    /// `REFUND_ALREADY_REQUESTED` with the first one's id).
    public func requestRefund(transactionID: String, reason: String, evidenceURL: String? = nil) async throws(JECPError) -> Refund {
        var body: [String: JSONValue] = ["transaction_id": .string(transactionID), "reason": .string(reason)]
        if let evidenceURL { body["evidence_url"] = .string(evidenceURL) }
        let payload = JSONValue.object(body)
        let response = try await requester.send(retry: false) { request("POST", "/v1/refunds", body: payload) }
        return try Refund(json: try Self.json(response), status: response.status)
    }

    /// This agent's refunds, newest first; `status` filters (`requested`, `approved`, `denied`).
    public func refunds(status: String? = nil, cursor: String? = nil, limit: Int = 20) async throws(JECPError) -> RefundPage {
        let query = RefundRequests.query(status: status, cursor: cursor, limit: limit)
        let response = try await requester.send(retry: false) { request("GET", "/v1/refunds", query: query) }
        return try RefundRequests.page(try Self.json(response), status: response.status)
    }

    /// One of this agent's refunds.
    public func refund(id: String) async throws(JECPError) -> Refund {
        let response = try await requester.send(retry: false) { request("GET", RefundRequests.path(id)) }
        return try Refund(json: try Self.json(response), status: response.status)
    }
}

extension JECPProviderClient {
    /// Refunds requested for this provider's capabilities (`GET /v1/providers/me/refunds`), newest first.
    public func refunds(status: String? = nil, cursor: String? = nil, limit: Int = 20) async throws(JECPError) -> RefundPage {
        let (json, code) = try await send("GET", "/v1/providers/me/refunds", query: RefundRequests.query(status: status, cursor: cursor, limit: limit))
        return try RefundRequests.page(json, status: code)
    }

    /// Approves a refund of one of this provider's capabilities: the Hub reverses the charge
    /// exactly (the provider's share included). 409 `REFUND_ALREADY_DECIDED` when it was decided.
    public func approveRefund(id: String, note: String? = nil) async throws(JECPError) -> Refund {
        let (json, code) = try await send("POST", RefundRequests.path(id, "/approve"), json: RefundRequests.decision(note: note))
        return try Refund(json: json, status: code)
    }

    /// Denies a refund; the money stays where it is.
    public func denyRefund(id: String, note: String? = nil) async throws(JECPError) -> Refund {
        let (json, code) = try await send("POST", RefundRequests.path(id, "/deny"), json: RefundRequests.decision(note: note))
        return try Refund(json: json, status: code)
    }
}
