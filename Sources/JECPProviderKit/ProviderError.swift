/// A failure the agent should see: becomes `{"status":"failed","error":{"code","message"}}` with
/// `status` as the HTTP status (or the `error` event of a stream).
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// UPPER_SNAKE_CASE, e.g. `TEXT_TOO_LONG`.
    public let code: String
    /// Shown to the agent; do not put secrets or internal details here.
    public let message: String
    /// 4xx or 5xx; anything else is sent as 500.
    public let status: Int
    /// Sent as `Retry-After` when set.
    public let retryAfterSeconds: Int?

    public init(_ code: String, _ message: String, status: Int = 422, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code) (\(status)): \(message)" }
}
