import Logging

/// A language model behind one small interface, so the generative actions do not care which
/// provider's wire format is spoken. Implementations: ``OpenAIChatEngine``, ``AnthropicMessagesEngine``.
public protocol LanguageModel: Sendable {
    /// Short engine name for error details and logs (`openai`, `anthropic`); never a credential.
    var engine: String { get }
    /// The model id sent upstream.
    var model: String { get }
    /// How long one completion may take. Actions give the Hub's deadline a margin over this so the
    /// engine's own, clearer timeout fires first.
    var timeoutSeconds: Double { get }

    func complete(_ request: LanguageModelRequest, logger: Logger) async throws(LanguageModelError) -> LanguageModelResponse
}

/// One completion: a system prompt and a single user message.
public struct LanguageModelRequest: Sendable {
    public enum Format: Sendable {
        case text
        /// Asks for a JSON object (OpenAI's `response_format`; the prompt says so for every engine).
        case json
    }

    public var system: String
    public var user: String
    public var maxTokens: Int
    public var format: Format

    public init(system: String, user: String, maxTokens: Int, format: Format = .text) {
        self.system = system
        self.user = user
        self.maxTokens = maxTokens
        self.format = format
    }
}

public struct LanguageModelResponse: Sendable {
    /// The assistant's text, never empty (engines report empty output as an error).
    public var text: String
    /// The model that answered, as the provider reports it.
    public var model: String?

    public init(text: String, model: String?) {
        self.text = text
        self.model = model
    }
}
