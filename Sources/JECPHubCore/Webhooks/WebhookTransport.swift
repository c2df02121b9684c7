/// The network side of webhook delivery, behind a protocol so the core stays free of HTTP
/// clients: every attempt runs the SSRF pipeline again and posts to the address it checked.
public protocol WebhookTransport: Sendable {
    func post(_ request: WebhookRequest) async -> WebhookAttempt
}

public struct WebhookRequest: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var timeout: Duration

    public init(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public enum WebhookAttempt: Sendable, Equatable {
    /// The receiver answered (any status; 2xx is success).
    case answered(status: Int)
    /// The SSRF pipeline refused the URL now: never sent. `reason` is the `URL_BLOCKED_SSRF` reason.
    case blocked(reason: String, message: String)
    /// Not answered: unresolvable, refused, timed out, broken.
    case failed(String)
}
