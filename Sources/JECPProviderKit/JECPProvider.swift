import JECPModels
import Logging

/// A provider's actions, served to the Hub from a Hummingbird router.
///
/// ```swift
/// var provider = JECPProvider(secret: secret)
/// provider.action("word-count") { request in .json(["words": …]) }
/// provider.register(on: router)   // POST /jecp, GET|POST /jecp/health
/// ```
/// Register every action before calling ``register(on:path:)``: the routes capture the provider as it
/// is at that moment.
public struct JECPProvider: Sendable {
    public typealias Handler = @Sendable (ActionRequest) async throws -> ActionResult
    public typealias StreamingHandler = @Sendable (ActionRequest, StreamWriter) async throws -> JSONValue

    enum Registered: Sendable {
        case unary(Handler)
        case streaming(StreamingHandler)
    }

    public let verifier: HubSignatureVerifier
    public var logger: Logger
    /// Largest request body read; the spec caps a request at 10 MB (a larger one gets 413 INPUT_TOO_LARGE).
    public var maxRequestBytes: Int = 10 * 1024 * 1024
    private(set) var actions: [String: Registered] = [:]

    public init(secret: String, logger: Logger = Logger(label: "jecp-provider")) {
        self.init(verifier: HubSignatureVerifier(secret: secret), logger: logger)
    }

    /// With a verifier of your own (another tolerance or replay capacity).
    public init(verifier: HubSignatureVerifier, logger: Logger = Logger(label: "jecp-provider")) {
        self.verifier = verifier
        self.logger = logger
    }

    /// The ids of the registered actions, sorted.
    public var actionIDs: [String] { actions.keys.sorted() }

    /// A request/response action. Registering an id again replaces the earlier handler.
    public mutating func action(_ id: String, _ handler: @escaping Handler) {
        actions[id] = .unary(handler)
    }

    /// A streaming action (`streaming: true` in the manifest). The handler writes chunks and meters,
    /// then returns the final result (sent as `completed`); a thrown ``ProviderError`` becomes the
    /// `error` event. Called without `Accept: text/event-stream`, it answers the result as plain JSON.
    public mutating func streamingAction(_ id: String, _ handler: @escaping StreamingHandler) {
        actions[id] = .streaming(handler)
    }
}
