/// How a language model call failed. Messages never contain the API key: the transport scrubs
/// upstream text before it lands here.
public enum LanguageModelError: Error, Sendable, Equatable {
    /// A non-2xx answer, with the provider's error message when it sent one.
    case upstreamStatus(Int, message: String?)
    /// A 2xx answer whose body is not a JSON object (or is too large).
    case invalidBody(String)
    /// Valid JSON without the assistant text where the wire format puts it.
    case missingContent(String)
    /// The model declined (OpenAI `refusal` / `content_filter`, Anthropic `stop_reason: refusal`).
    case refused(String?)
    /// The model answered with nothing but whitespace.
    case emptyOutput
    /// The answer stopped at the token limit, so it is incomplete.
    case truncated(maxTokens: Int)
    case timeout(seconds: Double)
    /// No answer at all (connection refused, DNS, TLS). The detail is for the operator's log.
    case unreachable(String)

    /// A stable slug for `details.subcause`.
    public var subcause: String {
        switch self {
        case .upstreamStatus: "upstream_status"
        case .invalidBody: "invalid_body"
        case .missingContent: "missing_content"
        case .refused: "refused"
        case .emptyOutput: "empty_output"
        case .truncated: "truncated"
        case .timeout: "timeout"
        case .unreachable: "unreachable"
        }
    }

    /// One sentence an agent can read.
    public var reason: String {
        switch self {
        case .upstreamStatus(let status, let message):
            "the language model answered HTTP \(status)" + (message.map { ": \($0)" } ?? "")
        case .invalidBody(let detail): "the language model's response is unusable: \(detail)"
        case .missingContent(let detail): "the language model's response has no text: \(detail)"
        case .refused(let detail): "the language model refused" + (detail.map { ": \($0)" } ?? "")
        case .emptyOutput: "the language model returned empty text"
        case .truncated(let maxTokens): "the language model's answer was cut off at \(maxTokens) tokens"
        case .timeout(let seconds): "the language model did not answer within \(seconds.compactText) s"
        case .unreachable: "the language model could not be reached"
        }
    }
}

extension Double {
    /// `30` rather than `30.0`, `0.5` stays `0.5`.
    var compactText: String { self == rounded() && abs(self) < 1e9 ? String(Int(self)) : String(self) }
}
