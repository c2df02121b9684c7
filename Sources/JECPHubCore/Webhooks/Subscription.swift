import JECPModels

/// Who owns a subscription: an agent by its id, or a provider by its NAMESPACE (the name its
/// events carry, so the outbox can fan an event out without looking the provider up).
public struct WebhookOwner: Sendable, Hashable {
    public let kind: SubscriberKind
    public let id: String

    public init(kind: SubscriberKind, id: String) {
        self.kind = kind
        self.id = id
    }
}

public enum SubscriptionStatus: String, Sendable, CaseIterable {
    case active
    case paused
}

/// What a subscription's owner sends at creation; the secret is already sealed.
public struct NewSubscription: Sendable {
    public var id: String
    public var owner: WebhookOwner
    public var endpointURL: String
    public var events: [WebhookEventType]
    public var sealedSecret: [UInt8]
    public var createdAt: Int64

    public init(id: String, owner: WebhookOwner, endpointURL: String, events: [WebhookEventType], sealedSecret: [UInt8], createdAt: Int64) {
        self.id = id
        self.owner = owner
        self.endpointURL = endpointURL
        self.events = events
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
    }
}

public struct SubscriptionRecord: Sendable, Equatable {
    public var id: String
    public var owner: WebhookOwner
    public var endpointURL: String
    public var events: [WebhookEventType]
    public var sealedSecret: [UInt8]
    public var status: SubscriptionStatus
    /// Why the Hub paused it (nil when its owner did, or when active).
    public var pausedReason: String?
    /// Failed delivery attempts since the last success (or since it was resumed).
    public var consecutiveFailures: Int
    public var lastError: String?
    public var lastAttemptAt: Int64?
    public var lastSuccessAt: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: String, owner: WebhookOwner, endpointURL: String, events: [WebhookEventType], sealedSecret: [UInt8],
                status: SubscriptionStatus, pausedReason: String?, consecutiveFailures: Int, lastError: String?, lastAttemptAt: Int64?,
                lastSuccessAt: Int64?, createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.owner = owner
        self.endpointURL = endpointURL
        self.events = events
        self.sealedSecret = sealedSecret
        self.status = status
        self.pausedReason = pausedReason
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
        self.lastAttemptAt = lastAttemptAt
        self.lastSuccessAt = lastSuccessAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// `events` as stored: comma-separated, in `WebhookEventType` order.
    public static func encode(_ events: [WebhookEventType]) -> String {
        WebhookEventType.allCases.filter(events.contains).map(\.rawValue).joined(separator: ",")
    }

    public static func decode(_ events: String) -> [WebhookEventType] {
        events.split(separator: ",").compactMap { WebhookEventType(rawValue: String($0)) }
    }
}

/// A change to a subscription; nil leaves a field as it is. Resuming (`status: .active`) clears
/// the failure streak and the pause reason.
public struct SubscriptionChange: Sendable {
    public var endpointURL: String?
    public var events: [WebhookEventType]?
    public var status: SubscriptionStatus?

    public init(endpointURL: String? = nil, events: [WebhookEventType]? = nil, status: SubscriptionStatus? = nil) {
        self.endpointURL = endpointURL
        self.events = events
        self.status = status
    }
}

public enum SubscriptionCreation: Sendable, Equatable {
    case created(SubscriptionRecord)
    /// The owner already has `count` subscriptions, the most allowed.
    case limitReached(count: Int)
}

/// A delivery the service has leased: everything needed to post it without another read.
public struct ClaimedDelivery: Sendable, Equatable {
    public var eventID: String
    public var eventType: String
    public var payload: [UInt8]
    public var subscriptionID: String
    public var endpointURL: String
    public var sealedSecret: [UInt8]
    /// Attempts made before this one.
    public var attempts: Int

    public init(eventID: String, eventType: String, payload: [UInt8], subscriptionID: String, endpointURL: String, sealedSecret: [UInt8],
                attempts: Int) {
        self.eventID = eventID
        self.eventType = eventType
        self.payload = payload
        self.subscriptionID = subscriptionID
        self.endpointURL = endpointURL
        self.sealedSecret = sealedSecret
        self.attempts = attempts
    }
}

/// How one attempt ended, as the store records it.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(status: Int)
    /// Try again at `nextAttemptAt`.
    case retry(error: String, status: Int?, nextAttemptAt: Int64)
    /// Given up for good: attempts exhausted, SSRF-blocked, or the secret cannot be opened.
    case abandoned(error: String, status: Int?)
}

/// One row of a subscription's delivery history.
public struct DeliveryRecord: Sendable, Equatable {
    public var eventID: String
    public var eventType: String
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Int64
    public var lastError: String?
    public var lastStatus: Int?
    public var finishedAt: Int64?

    public init(eventID: String, eventType: String, status: String, attempts: Int, nextAttemptAt: Int64, lastError: String?, lastStatus: Int?,
                finishedAt: Int64?) {
        self.eventID = eventID
        self.eventType = eventType
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.lastStatus = lastStatus
        self.finishedAt = finishedAt
    }
}
