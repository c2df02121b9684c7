import Foundation

/// A webhook subscription (`/v1/subscriptions`), of an agent or a provider.
public struct WebhookSubscription: Sendable {
    public let id: String
    public let endpointURL: String
    public let events: [String]
    /// `active` or `paused`.
    public let status: String
    /// Why the Hub paused it (after too many failed deliveries in a row); nil when active or paused by you.
    public let pausedReason: String?
    public let consecutiveFailures: Int
    public let lastError: String?
    public let lastSuccessAt: Date?
    /// The signing secret: only in the answer of `createSubscription`. Store it; the Hub never shows it again.
    public let secret: String?
    public let raw: JSONValue

    init(json: JSONValue, status: Int) throws(JECPError) {
        guard let id = json["id"]?.stringValue, let url = json["endpoint_url"]?.stringValue else {
            throw JECPError(code: .invalidResponse, status: status, message: "The subscription lacks id or endpoint_url.")
        }
        self.id = id
        endpointURL = url
        events = json["events"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.status = json["status"]?.stringValue ?? "active"
        pausedReason = json["paused_reason"]?.stringValue
        consecutiveFailures = json["consecutive_failures"]?.numberValue?.integerValue.map { Int($0) } ?? 0
        lastError = json["last_error"]?.stringValue
        lastSuccessAt = json["last_success_at"]?.stringValue.flatMap(Timestamps.parseRFC3339).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        secret = json["secret"]?.stringValue
        raw = json
    }
}

/// The answer of `POST /v1/subscriptions/{id}/test`: the test event waits in the outbox.
public struct WebhookTestEvent: Sendable {
    public let eventID: String
    public let raw: JSONValue
}

/// The requests both the agent and the provider client send for subscriptions.
enum SubscriptionRequests {
    static func create(endpointURL: String, events: [String]) -> JSONValue {
        ["endpoint_url": .string(endpointURL), "events": .array(events.map(JSONValue.string))]
    }

    static func update(endpointURL: String?, events: [String]?, status: String?) -> JSONValue {
        var body: [String: JSONValue] = [:]
        if let endpointURL { body["endpoint_url"] = .string(endpointURL) }
        if let events { body["events"] = .array(events.map(JSONValue.string)) }
        if let status { body["status"] = .string(status) }
        return .object(body)
    }

    static func path(_ id: String, _ suffix: String = "") -> String { "/v1/subscriptions/" + Requester.percentEncode(id) + suffix }

    static func list(_ json: JSONValue, status: Int) throws(JECPError) -> [WebhookSubscription] {
        var result: [WebhookSubscription] = []
        for item in json["subscriptions"]?.arrayValue ?? [] { result.append(try WebhookSubscription(json: item, status: status)) }
        return result
    }

    static func test(_ json: JSONValue, status: Int) throws(JECPError) -> WebhookTestEvent {
        guard let id = json["event_id"]?.stringValue else {
            throw JECPError(code: .invalidResponse, status: status, message: "The test answer lacks event_id.")
        }
        return WebhookTestEvent(eventID: id, raw: json)
    }
}
