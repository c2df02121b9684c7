/// Every failure of the SDK: a Hub error envelope (any status, or a 200 with `status: failed`)
/// or a client-side failure (`timeout`, `network`, `invalidResponse`, `cancelled`).
public struct JECPError: Error, Sendable, CustomStringConvertible {
    /// A JECP error code. Every spec 03 code has a constant; codes this SDK does not know are kept as sent.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ code: ErrorCode) { self.rawValue = code.rawValue }
        public var description: String { rawValue }
        /// The catalog entry when this is a code the shared catalog knows.
        public var catalogCode: ErrorCode? { ErrorCode(rawValue: rawValue) }
    }

    public let code: Code
    /// The HTTP status; `nil` for client-side errors.
    public let status: Int?
    public let message: String
    public let details: JSONValue
    public let documentationURL: String?
    /// From `Retry-After` (seconds or HTTP-date), else `details.retry_after_seconds`.
    public let retryAfter: Duration?
    public let nextAction: NextAction?
    /// The `next_action` object exactly as the Hub sent it (`ui`, `allowed_amounts_usd`...).
    public let rawNextAction: JSONValue?
    /// The JECP request id the error belongs to, when known.
    public let requestID: String?

    public init(code: Code, status: Int? = nil, message: String, details: JSONValue = .object([:]), documentationURL: String? = nil,
                retryAfter: Duration? = nil, nextAction: NextAction? = nil, rawNextAction: JSONValue? = nil, requestID: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.details = details
        self.documentationURL = documentationURL
        self.retryAfter = retryAfter
        self.nextAction = nextAction
        self.rawNextAction = rawNextAction ?? nextAction?.raw
        self.requestID = requestID
    }

    public var description: String {
        var text = "\(code.rawValue)"
        if let status { text += " (HTTP \(status))" }
        text += ": \(message)"
        if let nextAction { text += " [next_action: \(nextAction.type)]" }
        return text
    }

    /// Client-side: a timeout, network failure, bad response or cancellation (no envelope).
    public var isClientSide: Bool { status == nil }
}

extension JECPError.Code {
    // Client-side codes.
    public static let timeout = Self(rawValue: "TIMEOUT")
    public static let network = Self(rawValue: "NETWORK_ERROR")
    public static let invalidResponse = Self(rawValue: "INVALID_RESPONSE")
    public static let cancelled = Self(rawValue: "CANCELLED")
    public static let agentGuideUnavailable = Self(rawValue: "AGENT_GUIDE_UNAVAILABLE")

    // Spec 03 §3.1 authentication and authorization.
    public static let authRequired = Self(.authRequired)
    public static let invalidAPIKey = Self(.invalidAPIKey)
    public static let mandateExpired = Self(.mandateExpired)
    public static let insufficientBudget = Self(.insufficientBudget)
    /// The spec's name for `INSUFFICIENT_BUDGET`.
    public static let mandateInsufficientBudget = Self(rawValue: "MANDATE_INSUFFICIENT_BUDGET")
    public static let provenanceMismatch = Self(.provenanceMismatch)
    public static let insufficientTrust = Self(.insufficientTrust)
    public static let agentSuspended = Self(.agentSuspended)
    public static let adminAuthRequired = Self(.adminAuthRequired)
    public static let dnsVerificationFailed = Self(rawValue: "DNS_VERIFICATION_FAILED")
    // §3.2 validation.
    public static let invalidRequest = Self(.invalidRequest)
    public static let unsupportedVersion = Self(.unsupportedVersion)
    public static let validationFailed = Self(.validationFailed)
    public static let inputSchemaViolation = Self(.inputSchemaViolation)
    public static let unsupportedMediaType = Self(.unsupportedMediaType)
    public static let inputTooLarge = Self(.inputTooLarge)
    public static let duplicateRequest = Self(.duplicateRequest)
    public static let agentNameTaken = Self(.agentNameTaken)
    public static let notStreamable = Self(.notStreamable)
    public static let asyncNotSupported = Self(.asyncNotSupported)
    public static let streamInProgress = Self(rawValue: "STREAM_IN_PROGRESS")
    public static let streamTimeout = Self(rawValue: "STREAM_TIMEOUT")
    public static let streamIncomplete = Self(rawValue: "STREAM_INCOMPLETE")
    // §3.3 routing.
    public static let capabilityNotFound = Self(.capabilityNotFound)
    public static let actionNotFound = Self(.actionNotFound)
    public static let capabilityDeprecated = Self(.capabilityDeprecated)
    public static let providerNotFound = Self(.providerNotFound)
    public static let agentNotFound = Self(.agentNotFound)
    public static let notFound = Self(.notFound)
    public static let methodNotAllowed = Self(.methodNotAllowed)
    // §3.4 billing.
    public static let insufficientBalance = Self(.insufficientBalance)
    /// The spec's name for `INSUFFICIENT_BALANCE`.
    public static let walletInsufficientBalance = Self(rawValue: "WALLET_INSUFFICIENT_BALANCE")
    public static let paymentRequired = Self(.paymentRequired)
    public static let x402NotAccepted = Self(rawValue: "X402_NOT_ACCEPTED")
    public static let x402PaymentInvalid = Self(rawValue: "X402_PAYMENT_INVALID")
    public static let x402SettlementTimeout = Self(rawValue: "X402_SETTLEMENT_TIMEOUT")
    public static let x402FacilitatorUnreachable = Self(rawValue: "X402_FACILITATOR_UNREACHABLE")
    public static let x402SettlementReused = Self(rawValue: "X402_SETTLEMENT_REUSED")
    // Top-ups (Stripe Checkout).
    public static let topupNotEnabled = Self(.topupNotEnabled)
    public static let paymentProcessorError = Self(.paymentProcessorError)
    public static let paymentProcessorUnavailable = Self(.paymentProcessorUnavailable)
    // Refunds.
    public static let transactionNotFound = Self(.transactionNotFound)
    public static let refundNotACharge = Self(.refundNotACharge)
    public static let refundWindowExpired = Self(.refundWindowExpired)
    public static let refundAlreadyRequested = Self(.refundAlreadyRequested)
    public static let refundDailyCap = Self(.refundDailyCap)
    public static let refundReasonInvalid = Self(.refundReasonInvalid)
    public static let refundNotFound = Self(.refundNotFound)
    public static let refundAlreadyDecided = Self(.refundAlreadyDecided)
    // Webhook subscriptions.
    public static let subscriptionNotFound = Self(.subscriptionNotFound)
    public static let subscriptionLimitReached = Self(.subscriptionLimitReached)
    // §3.5 throttling.
    public static let rateLimited = Self(.rateLimited)
    public static let rotation24hCap = Self(.rotation24hCap)
    public static let rotationRace = Self(.rotationRace)
    // §3.6 providers.
    public static let providerError = Self(.providerError)
    public static let providerUnavailable = Self(.providerUnavailable)
    public static let providerTimeout = Self(.providerTimeout)
    public static let providerDisconnect = Self(rawValue: "PROVIDER_DISCONNECT")
    // §3.7 Hub.
    public static let internalError = Self(.internalError)
    public static let serviceDegraded = Self(.serviceDegraded)
    public static let executionFailed = Self(.executionFailed)
    public static let outputInvalid = Self(.outputInvalid)
    public static let artifactSignatureInvalid = Self(.artifactSignatureInvalid)
    public static let artifactExpired = Self(.artifactExpired)
    public static let compositeStepFailed = Self(.compositeStepFailed)
    public static let compositeBindError = Self(.compositeBindError)
    public static let compositeDepthExceeded = Self(.compositeDepthExceeded)
    public static let compositeTimeout = Self(.compositeTimeout)
    public static let compositeRefundFailed = Self(rawValue: "COMPOSITE_REFUND_FAILED")
}
