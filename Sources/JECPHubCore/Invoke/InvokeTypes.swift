import JECPModels

/// What the HTTP layer hands the pipeline: transport facts, nothing framework-specific.
public struct InvokeHTTPRequest: Sendable {
    public var body: [UInt8]
    public var contentType: String?
    public var agentIDHeader: String?
    public var apiKeyHeader: String?
    public var idempotencyKeyHeader: String?
    public var acceptsEventStream: Bool

    public init(body: [UInt8], contentType: String?, agentIDHeader: String?, apiKeyHeader: String?, idempotencyKeyHeader: String?,
                acceptsEventStream: Bool = false) {
        self.body = body
        self.contentType = contentType
        self.agentIDHeader = agentIDHeader
        self.apiKeyHeader = apiKeyHeader
        self.idempotencyKeyHeader = idempotencyKeyHeader
        self.acceptsEventStream = acceptsEventStream
    }
}

/// A finished response: status, exact body bytes and headers.
public struct InvokeOutcome: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var headers: [(name: String, value: String)]
    /// The error code, for metrics and logs (nil on success).
    public var errorCode: ErrorCode?
    public var replayed: Bool

    public init(status: Int, body: [UInt8], headers: [(name: String, value: String)], errorCode: ErrorCode?, replayed: Bool = false) {
        self.status = status
        self.body = body
        self.headers = headers
        self.errorCode = errorCode
        self.replayed = replayed
    }
}

/// What the pipeline answers: a finished response, or a stream the HTTP layer runs while it writes.
public enum InvokeResponse: Sendable {
    case complete(InvokeOutcome)
    case stream(InvokeStream)
}

enum Admission {
    /// The stored response of an earlier identical request; `streamed` when it goes out as events
    /// (in the relay format when `relay`).
    case replay(InvokeOutcome, streamed: Bool, relay: Bool)
    case admitted(AdmittedInvocation)
}

/// An invocation that passed every check and owns its idempotency key: what remains is running it.
struct AdmittedInvocation: Sendable {
    let envelope: InvokeRequest
    let agent: AgentRecord
    let entry: CapabilityCatalog.Entry
    let action: CapabilityCatalog.ResolvedAction
    let funding: FundingMethod
    let fingerprint: [UInt8]
    let idempotencyKey: String
    let now: Int64
    let claim: InflightRequests.Claim
    let headers: [(name: String, value: String)]
    /// A provider's stream, relayed to the client as it arrives.
    let relay: Bool
}
