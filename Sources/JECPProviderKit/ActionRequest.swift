import JECPModels
import Logging

/// One verified call from the Hub, as the action handler sees it.
public struct ActionRequest: Sendable {
    /// The Hub's request id (echoed in the response; stable across the Hub's retries of one call).
    public let id: String
    /// `<namespace>/<capability>`.
    public let capability: String
    /// The action id from the manifest.
    public let action: String
    /// The agent's input, already validated by the Hub against the action's `input_schema`.
    public let input: JSONValue
    public let metadata: JSONValue?
    /// The provider's logger with `jecp.request_id` and `jecp.action` metadata.
    public let logger: Logger

    public init(id: String, capability: String, action: String, input: JSONValue, metadata: JSONValue? = nil, logger: Logger) {
        self.id = id
        self.capability = capability
        self.action = action
        self.input = input
        self.metadata = metadata
        self.logger = logger
    }
}

/// What a non-streaming action returns.
public enum ActionResult: Sendable {
    /// Sent as `{"jecp":"1.0","id":…,"status":"success","result":…}`.
    case json(JSONValue)
    /// Sent as a `200` with this media type and the raw bytes (a PDF, an image…).
    case binary([UInt8], contentType: String)
}
