import AsyncHTTPClient
import NIOCore

/// Which model the generative actions call, already validated by the Hub's configuration.
public struct LanguageModelConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// `POST {url}/v1/chat/completions` (OpenAI and compatible servers).
        case openai
        /// `POST {url}/v1/messages` (Anthropic).
        case anthropic
    }

    public let kind: Kind
    /// Base URL without the `/v1/...` path and without a trailing slash.
    public let url: String
    public let model: String
    public let timeoutSeconds: Double
    /// Internal so it cannot be read back through the public API; kept out of `description`.
    let apiKey: String?

    public init(kind: Kind, url: String, apiKey: String?, model: String, timeoutSeconds: Double = 30) {
        self.kind = kind
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        self.url = url
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.model = model
        self.timeoutSeconds = timeoutSeconds
    }

    public var description: String { "\(kind.rawValue) \(model) at \(url)" }
    public var debugDescription: String { description }

    public func makeEngine(httpClient: HTTPClient) -> any LanguageModel {
        switch kind {
        case .openai: OpenAIChatEngine(configuration: self, httpClient: httpClient)
        case .anthropic: AnthropicMessagesEngine(configuration: self, httpClient: httpClient)
        }
    }

    /// Settings for the one client the Hub creates: redirects off (a redirect would carry the
    /// API key to another host), connect and read timeouts within the per-request deadline.
    public var httpClientConfiguration: HTTPClient.Configuration {
        let deadline = TimeAmount.nanoseconds(Int64(timeoutSeconds * 1_000_000_000))
        return HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: min(deadline, .seconds(10)), read: deadline))
    }
}
