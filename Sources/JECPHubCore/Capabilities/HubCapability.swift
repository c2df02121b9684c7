import JECPModels
import Logging

/// A capability the Hub can execute. Hub-operated capabilities implement this directly
/// (one file each, in JECPBuiltins); provider-backed ones will adapt their manifests to it.
public protocol HubCapability: Sendable {
    var descriptor: CapabilityDescriptor { get }
    /// Runs an action on input that already passed the action's `input_schema`.
    /// Throw a ``JECPError`` for a specific failure; anything else becomes `EXECUTION_FAILED`.
    func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue
}

public struct ExecutionContext: Sendable {
    public var agentID: String
    public var requestID: String
    public var now: Int64
    public var logger: Logger
    /// Where long actions report how far they are; streamed requests turn reports into SSE events.
    public var progress: ProgressReporter
    /// Set when a provider's stream is relayed to the client as it arrives (spec 01 §4.3).
    public var relay: StreamRelay?
    /// The request's `metadata`, passed on to providers.
    public var metadata: JSONValue?

    public init(agentID: String, requestID: String, now: Int64, logger: Logger, progress: ProgressReporter = .silent, relay: StreamRelay? = nil) {
        self.agentID = agentID
        self.requestID = requestID
        self.now = now
        self.logger = logger
        self.progress = progress
        self.relay = relay
    }
}

/// Receives `(step, fraction done)` reports from a running action. Reporting never fails and never
/// blocks on the client: a slow or gone client must not stall or break the work.
public struct ProgressReporter: Sendable {
    let sink: (@Sendable (String, Double) async -> Void)?

    public init(_ sink: @escaping @Sendable (_ step: String, _ fraction: Double) async -> Void) {
        self.sink = sink
    }

    private init() { sink = nil }

    public static let silent = ProgressReporter()

    public func callAsFunction(_ step: String, _ fraction: Double) async {
        await sink?(step, min(max(fraction, 0), 1))
    }
}

public struct CapabilityDescriptor: Sendable {
    /// The capability name without namespace, e.g. `document-pipeline`.
    public var name: String
    public var displayName: String
    public var description: String
    public var version: String
    public var tags: [String]
    public var actions: [ActionDescriptor]
    /// Actions that exist in principle but are switched off on this Hub, with the reason an agent
    /// sees in `ACTION_NOT_FOUND` (e.g. "the operator has not configured a language model").
    public var unavailableActions: [String: String]

    public init(name: String, displayName: String, description: String, version: String, tags: [String], actions: [ActionDescriptor],
                unavailableActions: [String: String] = [:]) {
        self.name = name
        self.displayName = displayName
        self.description = description
        self.version = version
        self.tags = tags
        self.actions = actions
        self.unavailableActions = unavailableActions
    }

    /// The lowest tier that can use at least one action.
    public var trustTierRequired: TrustTier { actions.map(\.trustTierRequired).min() ?? .bronze }
}

public struct ActionDescriptor: Sendable {
    public var name: String
    public var description: String
    public var price: Money
    public var trustTierRequired: TrustTier
    /// A per-action limit stricter than the tier's, if any.
    public var rateLimitPerMinute: Int?
    public var inputSchema: JSONValue
    public var outputSchema: JSONValue
    public var examples: [JSONValue]
    public var deprecation: Deprecation?
    public var timeoutSeconds: Double
    /// Whether `delivery.mode = stream` is offered (long actions report progress as SSE events).
    public var streaming: Bool
    /// Set for composite actions: the Hub runs these steps instead of calling the capability.
    public var composes: CompositeDefinition?

    public init(name: String, description: String, price: Money, trustTierRequired: TrustTier, rateLimitPerMinute: Int? = nil,
                inputSchema: JSONValue, outputSchema: JSONValue, examples: [JSONValue] = [], deprecation: Deprecation? = nil,
                timeoutSeconds: Double = 30, streaming: Bool = false, composes: CompositeDefinition? = nil) {
        self.name = name
        self.description = description
        self.price = price
        self.trustTierRequired = trustTierRequired
        self.rateLimitPerMinute = rateLimitPerMinute
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.examples = examples
        self.deprecation = deprecation
        self.timeoutSeconds = composes.map { Double($0.timeoutTotalMilliseconds) / 1000 } ?? timeoutSeconds
        self.streaming = streaming
        self.composes = composes
    }
}

/// Spec 01 §4.6: after `sunsetAt` calls fail with 410; in the 30 days before, successes carry notices.
public struct Deprecation: Sendable {
    public var sunsetAt: Int64
    /// `capability/action` of the replacement, if any.
    public var successor: String?

    public init(sunsetAt: Int64, successor: String? = nil) {
        self.sunsetAt = sunsetAt
        self.successor = successor
    }
}
