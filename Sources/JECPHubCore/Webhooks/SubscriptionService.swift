import JECPModels

/// `/v1/subscriptions`: webhook subscriptions of agents and providers. Each owner sees only its
/// own; another owner's subscription answers exactly like a missing one.
public struct SubscriptionService<Store: HubStore>: Sendable {
    let store: Store
    let settings: HubSettings
    let policy: WebhookPolicy
    let secrets: SecretBox
    let transport: any ProviderTransport

    /// The field name spec 02 §9.7.1.3 gives a webhook URL in `URL_BLOCKED_SSRF`.
    static var urlField: String { "webhook_destination_url" }
    /// What a subscription may ask for (`webhook.test` is sent only on request).
    public static var subscribableEvents: [WebhookEventType] { WebhookEventType.allCases.filter { $0 != .test } }

    public init(store: Store, settings: HubSettings, policy: WebhookPolicy, secrets: SecretBox, transport: any ProviderTransport) {
        self.store = store
        self.settings = settings
        self.policy = policy
        self.secrets = secrets
        self.transport = transport
    }

    /// `POST /v1/subscriptions` `{endpoint_url, events[]}`: the signing secret is in this answer only.
    public func create(_ owner: WebhookOwner, body: JSONValue, now: Int64) async throws(JECPError) -> JSONValue {
        let fields = try Self.object(body, allowed: ["endpoint_url", "events"])
        var violations: [EnvelopeViolation] = []
        let url = Self.endpointURL(fields, required: true, violations: &violations)
        let events = Self.events(fields, required: true, violations: &violations)
        guard violations.isEmpty, let url, let events else { throw Self.invalid(violations) }
        try await transport.vet(url: url, field: Self.urlField)

        let secret = Credentials.generate(.webhookSecret, prefix: settings.vendorPrefix)
        let subscription = NewSubscription(id: Credentials.generate(.subscriptionID, prefix: settings.vendorPrefix), owner: owner, endpointURL: url,
                                           events: events, sealedSecret: secrets.seal(secret), createdAt: now)
        let limit = policy.maximumSubscriptionsPerOwner
        switch try await withStore({ try await store.createSubscription(subscription, maximumPerOwner: limit) }) {
        case .created(let record):
            var json = Self.json(record)
            json["secret"] = .string(secret)
            json["warning"] = "secret is shown only once: store it now. Verify X-JECP-Webhook-Signature with it (see the README)."
            return .object(json)
        case .limitReached(let count):
            throw JECPError(.subscriptionLimitReached, "This account already has \(count) webhook subscriptions, the most allowed.",
                            details: ["limit": .number(JSONNumber(limit)), "count": .number(JSONNumber(count))])
        }
    }

    /// `GET /v1/subscriptions`.
    public func list(_ owner: WebhookOwner) async throws(JECPError) -> JSONValue {
        let records = try await withStore { try await store.subscriptions(owner: owner) }
        return ["subscriptions": .array(records.map { .object(Self.json($0)) })]
    }

    /// `GET /v1/subscriptions/{id}`, with its most recent deliveries.
    public func get(_ owner: WebhookOwner, id: String) async throws(JECPError) -> JSONValue {
        let record = try await find(owner, id: id)
        let deliveries = try await withStore { try await store.deliveries(subscriptionID: record.id, limit: 20) }
        var json = Self.json(record)
        json["recent_deliveries"] = .array(deliveries.map(Self.json))
        return .object(json)
    }

    /// `PATCH /v1/subscriptions/{id}` `{endpoint_url?, events?, status?: active|paused}`.
    public func update(_ owner: WebhookOwner, id: String, body: JSONValue, now: Int64) async throws(JECPError) -> JSONValue {
        let fields = try Self.object(body, allowed: ["endpoint_url", "events", "status"])
        var violations: [EnvelopeViolation] = []
        var change = SubscriptionChange()
        change.endpointURL = Self.endpointURL(fields, required: false, violations: &violations)
        change.events = Self.events(fields, required: false, violations: &violations)
        if let value = fields["status"] {
            if let status = value.stringValue.flatMap(SubscriptionStatus.init(rawValue:)) { change.status = status } else {
                violations.append(.init(path: "/status", reason: "must be active or paused"))
            }
        }
        guard violations.isEmpty else { throw Self.invalid(violations) }
        if let url = change.endpointURL { try await transport.vet(url: url, field: Self.urlField) }
        guard let record = try await withStore({ try await store.updateSubscription(id: id, owner: owner, change: change, now: now) }) else {
            throw Self.notFound(id)
        }
        return .object(Self.json(record))
    }

    /// `DELETE /v1/subscriptions/{id}`: pending deliveries are abandoned (`subscription_deleted`).
    public func delete(_ owner: WebhookOwner, id: String, now: Int64) async throws(JECPError) -> JSONValue {
        guard try await withStore({ try await store.deleteSubscription(id: id, owner: owner, now: now) }) else { throw Self.notFound(id) }
        return ["id": .string(id), "deleted": true]
    }

    /// `POST /v1/subscriptions/{id}/test`: a `webhook.test` event for this subscription alone.
    public func test(_ owner: WebhookOwner, id: String, now: Int64) async throws(JECPError) -> JSONValue {
        let record = try await find(owner, id: id)
        let event = OutboxEvent(type: .test, agentID: owner.kind == .agent ? owner.id : nil, providerNamespace: owner.kind == .provider ? owner.id : nil,
                                data: ["subscription_id": .string(record.id), "message": "A test event from the Hub."], now: now)
        try await withStore { try await store.recordEvent(event, onlyTo: record.id) }
        var answer: [String: JSONValue] = ["event_id": .string(event.id), "type": .string(event.type.rawValue), "subscription_id": .string(record.id),
                                           "status": "pending"]
        if record.status == .paused { answer["note"] = "The subscription is paused: the event waits until it is resumed." }
        return .object(answer)
    }

    func find(_ owner: WebhookOwner, id: String) async throws(JECPError) -> SubscriptionRecord {
        guard let record = try await withStore({ try await store.subscription(id: id, owner: owner) }) else { throw Self.notFound(id) }
        return record
    }

    // MARK: Wire forms

    static func json(_ record: SubscriptionRecord) -> [String: JSONValue] {
        func time(_ value: Int64?) -> JSONValue { value.map { .string(Timestamps.rfc3339($0)) } ?? .null }
        return [
            "id": .string(record.id), "owner_kind": .string(record.owner.kind.rawValue), "endpoint_url": .string(record.endpointURL),
            "events": .array(record.events.map { .string($0.rawValue) }), "status": .string(record.status.rawValue),
            "paused_reason": record.pausedReason.map(JSONValue.string) ?? .null,
            "consecutive_failures": .number(JSONNumber(record.consecutiveFailures)),
            "last_error": record.lastError.map(JSONValue.string) ?? .null, "last_attempt_at": time(record.lastAttemptAt),
            "last_success_at": time(record.lastSuccessAt), "created_at": time(record.createdAt), "updated_at": time(record.updatedAt),
        ]
    }

    static func json(_ delivery: DeliveryRecord) -> JSONValue {
        [
            "event_id": .string(delivery.eventID), "type": .string(delivery.eventType), "status": .string(delivery.status),
            "attempts": .number(JSONNumber(delivery.attempts)),
            "next_attempt_at": delivery.status == "pending" ? .string(Timestamps.rfc3339(delivery.nextAttemptAt)) : .null,
            "last_error": delivery.lastError.map(JSONValue.string) ?? .null,
            "last_status": delivery.lastStatus.map { .number(JSONNumber($0)) } ?? .null,
            "finished_at": delivery.finishedAt.map { .string(Timestamps.rfc3339($0)) } ?? .null,
        ]
    }

    // MARK: Validation

    static func object(_ body: JSONValue, allowed: Set<String>) throws(JECPError) -> [String: JSONValue] {
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        let unknown = fields.keys.filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw invalid(unknown.map { EnvelopeViolation(path: "/\($0)", reason: "is not a subscription field") })
        }
        return fields
    }

    static func endpointURL(_ fields: [String: JSONValue], required: Bool, violations: inout [EnvelopeViolation]) -> String? {
        guard let value = fields["endpoint_url"] else {
            if required { violations.append(.init(path: "/endpoint_url", reason: "is required")) }
            return nil
        }
        guard let url = value.stringValue, !url.isEmpty, url.utf8.count <= 2048 else {
            violations.append(.init(path: "/endpoint_url", reason: "must be a URL of at most 2048 bytes"))
            return nil
        }
        return url
    }

    static func events(_ fields: [String: JSONValue], required: Bool, violations: inout [EnvelopeViolation]) -> [WebhookEventType]? {
        guard let value = fields["events"] else {
            if required { violations.append(.init(path: "/events", reason: "is required")) }
            return nil
        }
        guard let items = value.arrayValue, !items.isEmpty else {
            violations.append(.init(path: "/events", reason: "must be a non-empty array of event types"))
            return nil
        }
        var events: [WebhookEventType] = []
        for (index, item) in items.enumerated() {
            guard let type = item.stringValue.flatMap(WebhookEventType.init(rawValue:)), type != .test else {
                violations.append(.init(path: "/events/\(index)", reason: "must be one of \(subscribableEvents.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            if !events.contains(type) { events.append(type) }
        }
        return events
    }

    static func invalid(_ violations: [EnvelopeViolation]) -> JECPError {
        JECPError(.validationFailed, "The subscription request has \(violations.count) error(s).",
                  details: ["errors": .array(violations.map(\.json)), "allowed_events": .array(subscribableEvents.map { .string($0.rawValue) })])
    }

    static func notFound(_ id: String) -> JECPError {
        JECPError(.subscriptionNotFound, "No webhook subscription '\(id)' exists for these credentials.", details: ["subscription_id": .string(id)])
    }
}
