/// Every error code this Hub puts on the wire, with its HTTP status and documentation.
///
/// This is the single catalog: the HTTP layer takes statuses from here, `GET /errors/{code}`
/// renders its pages from here, and the OpenAPI document lists the codes from here.
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
    // Authentication & authorization (spec 03 §3.1)
    case authRequired = "AUTH_REQUIRED"
    case invalidAPIKey = "INVALID_API_KEY"
    case mandateExpired = "MANDATE_EXPIRED"
    case insufficientBudget = "INSUFFICIENT_BUDGET"
    case provenanceMismatch = "PROVENANCE_MISMATCH"
    case insufficientTrust = "INSUFFICIENT_TRUST"
    case agentSuspended = "AGENT_SUSPENDED"
    case adminAuthRequired = "ADMIN_AUTH_REQUIRED"
    // Validation (§3.2)
    case invalidRequest = "INVALID_REQUEST"
    case unsupportedVersion = "UNSUPPORTED_VERSION"
    case validationFailed = "VALIDATION_FAILED"
    case inputSchemaViolation = "INPUT_SCHEMA_VIOLATION"
    case unsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
    case inputTooLarge = "INPUT_TOO_LARGE"
    case duplicateRequest = "DUPLICATE_REQUEST"
    case agentNameTaken = "AGENT_NAME_TAKEN"
    case notStreamable = "NOT_STREAMABLE"
    case asyncNotSupported = "ASYNC_NOT_SUPPORTED"
    case streamInProgress = "STREAM_IN_PROGRESS"
    case urlBlockedSSRF = "URL_BLOCKED_SSRF"
    // Routing (§3.3)
    case capabilityNotFound = "CAPABILITY_NOT_FOUND"
    case actionNotFound = "ACTION_NOT_FOUND"
    case capabilityDeprecated = "CAPABILITY_DEPRECATED"
    case providerNotFound = "PROVIDER_NOT_FOUND"
    case agentNotFound = "AGENT_NOT_FOUND"
    case notFound = "NOT_FOUND"
    case methodNotAllowed = "METHOD_NOT_ALLOWED"
    // Billing (§3.4)
    case insufficientBalance = "INSUFFICIENT_BALANCE"
    case paymentRequired = "PAYMENT_REQUIRED"
    // Stripe top-up (issue 7)
    case topupNotEnabled = "TOPUP_NOT_ENABLED"
    case paymentProcessorError = "PAYMENT_PROCESSOR_ERROR"
    case paymentProcessorUnavailable = "PAYMENT_PROCESSOR_UNAVAILABLE"
    case stripeSignatureInvalid = "STRIPE_SIGNATURE_INVALID"
    // Throttling (§3.5)
    case rateLimited = "RATE_LIMITED"
    case rotation24hCap = "ROTATION_24H_CAP"
    case rotationRace = "ROTATION_RACE"
    // Providers (§3.6)
    case providerError = "PROVIDER_ERROR"
    case providerUnavailable = "PROVIDER_UNAVAILABLE"
    case providerTimeout = "PROVIDER_TIMEOUT"
    case streamTimeout = "STREAM_TIMEOUT"
    case streamIncomplete = "STREAM_INCOMPLETE"
    case providerDisconnect = "PROVIDER_DISCONNECT"
    // Provider self-service (§3.9) and manifests (04 §6.1, §8.4)
    case namespaceTaken = "NAMESPACE_TAKEN"
    case namespaceMismatch = "NAMESPACE_MISMATCH"
    case dnsVerificationFailed = "DNS_VERIFICATION_FAILED"
    case manifestTooLarge = "MANIFEST_TOO_LARGE"
    case manifestVersionExists = "MANIFEST_VERSION_EXISTS"
    case manifestNotFound = "MANIFEST_NOT_FOUND"
    // Refunds (issue 7)
    case transactionNotFound = "TRANSACTION_NOT_FOUND"
    case refundNotACharge = "REFUND_NOT_A_CHARGE"
    case refundWindowExpired = "REFUND_WINDOW_EXPIRED"
    case refundAlreadyRequested = "REFUND_ALREADY_REQUESTED"
    case refundDailyCap = "REFUND_DAILY_CAP"
    case refundReasonInvalid = "REFUND_REASON_INVALID"
    case refundNotFound = "REFUND_NOT_FOUND"
    case refundAlreadyDecided = "REFUND_ALREADY_DECIDED"
    // Webhooks (issue 7)
    case subscriptionNotFound = "SUBSCRIPTION_NOT_FOUND"
    case subscriptionLimitReached = "SUBSCRIPTION_LIMIT_REACHED"
    // Hub (§3.7)
    case internalError = "INTERNAL_ERROR"
    case serviceDegraded = "SERVICE_DEGRADED"
    case executionFailed = "EXECUTION_FAILED"
    case outputInvalid = "OUTPUT_INVALID"
    case artifactSignatureInvalid = "ARTIFACT_SIGNATURE_INVALID"
    case artifactExpired = "ARTIFACT_EXPIRED"
    case compositeStepFailed = "COMPOSITE_STEP_FAILED"
    case compositeBindError = "COMPOSITE_BIND_ERROR"
    case compositeDepthExceeded = "COMPOSITE_DEPTH_EXCEEDED"
    case compositeTimeout = "COMPOSITE_TIMEOUT"
    case compositeRefundFailed = "COMPOSITE_REFUND_FAILED"

    public var entry: ErrorCatalogEntry { ErrorCatalog.entry(for: self) }
    public var httpStatus: Int { entry.status }

    /// `/errors/<slug>`: the lowercase code, as the spec's documentation URLs use.
    public var slug: String { rawValue.lowercased() }

    public init?(slug: String) { self.init(rawValue: slug.uppercased()) }
}

/// What the catalog knows about one code.
public struct ErrorCatalogEntry: Sendable {
    public let status: Int
    public let retrySafe: String
    public let meaning: String
    public let recovery: String
    /// The `next_action.type` the Hub attaches, when there is a recovery an agent can automate.
    public let nextActionType: String?
}
