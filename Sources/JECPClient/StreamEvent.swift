/// One Server-Sent Event of a streamed invocation: spec 01 §4.2 (`status`, `progress`,
/// `result`, `done`, `error`) and §4.3 (`open`, `chunk`, `meter`, `completed`, `error`, `cancelled`).
public enum StreamEvent: Sendable {
    case status(state: String, step: String?, progress: Double?)
    case progress(state: String, step: String?, progress: Double?)
    case result(output: JSONValue)
    case done(billing: Billing, execution: Execution, raw: JSONValue)
    case error(JECPError)
    case open(JSONValue)
    case chunk(delta: String, index: Int?)
    case meter(JSONValue)
    case completed(JSONValue)
    /// Also synthesized when the stream ends without a terminal event.
    case cancelled(reason: String)
    /// An event name this SDK does not know, or data that is not the expected JSON.
    case other(name: String, data: String)

    /// `done`, `completed`, `error` and `cancelled` end a stream.
    public var isTerminal: Bool {
        switch self {
        case .done, .completed, .error, .cancelled: true
        default: false
        }
    }
}
