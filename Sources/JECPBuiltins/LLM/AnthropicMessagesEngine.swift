import AsyncHTTPClient
import Foundation
import JECPModels
import Logging

/// `POST {url}/v1/messages` with `x-api-key` and `anthropic-version: 2023-06-01`.
struct AnthropicMessagesEngine: LanguageModel {
    static let apiVersion = "2023-06-01"

    let engine = "anthropic"
    let model: String
    let timeoutSeconds: Double
    let transport: LanguageModelTransport

    init(configuration: LanguageModelConfiguration, httpClient: HTTPClient) {
        model = configuration.model
        timeoutSeconds = configuration.timeoutSeconds
        transport = LanguageModelTransport(configuration: configuration, path: "/v1/messages", httpClient: httpClient)
    }

    func complete(_ request: LanguageModelRequest, logger: Logger) async throws(LanguageModelError) -> LanguageModelResponse {
        // No JSON mode in this API: the prompt asks for JSON and the caller parses strictly.
        let body: JSONValue = [
            "model": .string(model),
            "max_tokens": .number(JSONNumber(request.maxTokens)),
            "system": .string(request.system),
            "messages": [["role": "user", "content": .string(request.user)]],
        ]
        var headers: [(String, String)] = [("anthropic-version", Self.apiVersion)]
        if let apiKey = transport.apiKey { headers.append(("x-api-key", apiKey)) }
        let json = try await transport.post(body, headers: headers, logger: logger) { error in
            error["error"]?["message"]?.stringValue ?? error["message"]?.stringValue
        }

        let stopReason = json["stop_reason"]?.stringValue
        if stopReason == "refusal" { throw .refused(nil) }
        guard let blocks = json["content"]?.arrayValue else { throw .missingContent("no content array") }
        let texts = blocks.compactMap { $0["type"] == "text" ? $0["text"]?.stringValue : nil }
        guard !texts.isEmpty else { throw .missingContent("no text block in content") }
        if stopReason == "max_tokens" { throw .truncated(maxTokens: request.maxTokens) }
        let text = texts.joined()
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .emptyOutput }
        return LanguageModelResponse(text: text, model: json["model"]?.stringValue)
    }
}
