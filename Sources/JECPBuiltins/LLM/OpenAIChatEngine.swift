import AsyncHTTPClient
import Foundation
import JECPModels
import Logging

/// `POST {url}/v1/chat/completions`: OpenAI and the many servers that speak its wire format
/// (vLLM, Ollama, llama.cpp, LiteLLM...). The API key, when set, goes in `Authorization: Bearer`.
struct OpenAIChatEngine: LanguageModel {
    let engine = "openai"
    let model: String
    let timeoutSeconds: Double
    let transport: LanguageModelTransport

    init(configuration: LanguageModelConfiguration, httpClient: HTTPClient) {
        model = configuration.model
        timeoutSeconds = configuration.timeoutSeconds
        transport = LanguageModelTransport(configuration: configuration, path: "/v1/chat/completions", httpClient: httpClient)
    }

    func complete(_ request: LanguageModelRequest, logger: Logger) async throws(LanguageModelError) -> LanguageModelResponse {
        // `max_tokens` rather than `max_completion_tokens`: every compatible server understands it.
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": [["role": "system", "content": .string(request.system)], ["role": "user", "content": .string(request.user)]],
            "max_tokens": .number(JSONNumber(request.maxTokens)),
        ]
        if request.format == .json { body["response_format"] = ["type": "json_object"] }
        var headers: [(String, String)] = []
        if let apiKey = transport.apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let json = try await transport.post(.object(body), headers: headers, logger: logger) { error in
            error["error"]?["message"]?.stringValue ?? error["error"]?.stringValue ?? error["message"]?.stringValue
        }

        guard let choice = json["choices"]?.arrayValue?.first, let message = choice["message"], message.objectValue != nil else {
            throw .missingContent("no choices[0].message")
        }
        if let refusal = message["refusal"]?.stringValue { throw .refused(transport.scrub(refusal)) }
        let finishReason = choice["finish_reason"]?.stringValue
        if finishReason == "content_filter" { throw .refused("the provider's content filter stopped the answer") }
        let content: String
        switch message["content"] {
        case .string(let text)?:
            content = text
        case .array(let parts)?:  // some compatible servers send content parts
            content = parts.compactMap { $0["type"] == "text" ? $0["text"]?.stringValue : nil }.joined()
        default:
            throw .missingContent("choices[0].message.content is missing or not text")
        }
        if finishReason == "length" { throw .truncated(maxTokens: request.maxTokens) }
        guard !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .emptyOutput }
        return LanguageModelResponse(text: content, model: json["model"]?.stringValue)
    }
}
