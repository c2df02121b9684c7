import Logging

/// How a ``JECPClient`` reaches its Hub and whom it calls as.
public struct JECPClientConfiguration: Sendable {
    /// The Hub's base URL, e.g. `http://127.0.0.1:8080` (a trailing slash is ignored).
    public var baseURL: String
    public var agentID: String?
    public var apiKey: String?
    /// Per HTTP attempt (until the response head arrives).
    public var timeout: Duration
    public var retryPolicy: RetryPolicy
    public var logger: Logger

    public init(
        baseURL: String, agentID: String? = nil, apiKey: String? = nil, timeout: Duration = .seconds(30),
        retryPolicy: RetryPolicy = .default, logger: Logger = Logger(label: "jecp-client")
    ) {
        self.baseURL = baseURL
        self.agentID = agentID
        self.apiKey = apiKey
        self.timeout = timeout
        self.retryPolicy = retryPolicy
        self.logger = logger
    }
}

/// Automatic retries of calls that are safe to repeat: `invoke` (the same request id every
/// attempt, so the Hub's idempotency makes a repeat harmless) and GETs. Retried on 408, 429,
/// 5xx, timeouts and network errors, except codes whose repeat cannot help (`EXECUTION_FAILED`,
/// `OUTPUT_INVALID`, `COMPOSITE_STEP_FAILED`, `ASYNC_NOT_SUPPORTED`). Never retried: key rotation,
/// top-ups, registration. The wait is the Hub's `Retry-After` (seconds or HTTP date, at most
/// `maxRetryAfter`), else exponential backoff with full jitter; cancelling the task ends it with
/// `JECPError.Code.cancelled`.
public struct RetryPolicy: Sendable {
    /// Total attempts including the first.
    public var maxAttempts: Int
    /// The first backoff; it doubles per attempt, with full jitter.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest `Retry-After` the client sleeps; a longer one is shortened to this.
    public var maxRetryAfter: Duration

    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
                maxRetryAfter: Duration = .seconds(60)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    public static let `default` = RetryPolicy()
    public static let none = RetryPolicy(maxAttempts: 1)
}
