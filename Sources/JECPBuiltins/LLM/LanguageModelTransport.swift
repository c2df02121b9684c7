import AsyncHTTPClient
import Foundation
import JECPModels
import Logging
import NIOCore
import NIOHTTP1

/// What both engines share: POST a JSON body under a deadline, cap the response size and turn
/// every transport or HTTP failure into a ``LanguageModelError`` with the API key scrubbed out.
struct LanguageModelTransport: Sendable {
    let httpClient: HTTPClient
    let endpoint: String
    let apiKey: String?
    let timeoutSeconds: Double
    let engine: String
    let model: String

    static let maxResponseBytes = 4 << 20
    static let maxMessageCharacters = 500

    init(configuration: LanguageModelConfiguration, path: String, httpClient: HTTPClient) {
        self.httpClient = httpClient
        self.endpoint = configuration.url + path
        self.apiKey = configuration.apiKey
        self.timeoutSeconds = configuration.timeoutSeconds
        self.engine = configuration.kind.rawValue
        self.model = configuration.model
    }

    /// Sends `body` and returns the 2xx response's JSON object. `errorMessage` digs the
    /// provider's message out of an error body in its own format.
    func post(_ body: JSONValue, headers: [(String, String)], logger: Logger,
              errorMessage: (JSONValue) -> String?) async throws(LanguageModelError) -> JSONValue
    {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body.serialized()))

        let started = ContinuousClock.now
        let status: Int
        let bytes: ByteBuffer
        do {
            // The deadline covers the response head; the read timeout covers a stalled body.
            let response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(timeoutSeconds * 1_000_000_000)), logger: logger)
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            logger.warning("language model timed out", metadata: metadata(started))
            throw .timeout(seconds: timeoutSeconds)
        } catch is NIOTooManyBytesError {
            throw .invalidBody("the response is larger than \(Self.maxResponseBytes >> 20) MB")
        } catch {
            var metadata = metadata(started)
            metadata["jecp.error"] = "\(scrub(String(describing: error)))"
            logger.warning("language model unreachable", metadata: metadata)
            throw .unreachable(scrub(String(describing: error)))
        }
        var metadata = metadata(started)
        metadata["jecp.llm.status"] = "\(status)"
        logger.debug("language model answered", metadata: metadata)

        let json = try? JSONValue(parsing: bytes.readableBytesView)
        guard (200..<300).contains(status) else {
            let message = json.flatMap(errorMessage) ?? String(decoding: bytes.readableBytesView, as: UTF8.self)
            let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
            throw .upstreamStatus(status, message: trimmed.isEmpty ? nil : scrub(trimmed))
        }
        guard let json, json.objectValue != nil else {
            throw .invalidBody("the body is not a JSON object (\(bytes.readableBytes) bytes)")
        }
        return json
    }

    /// Removes the API key (providers sometimes echo it) and bounds the length.
    func scrub(_ text: String) -> String {
        var text = text
        if let apiKey, apiKey.count >= 4 { text = text.replacingOccurrences(of: apiKey, with: "[redacted]") }
        return text.count > Self.maxMessageCharacters ? String(text.prefix(Self.maxMessageCharacters)) + "…" : text
    }

    private func metadata(_ started: ContinuousClock.Instant) -> Logger.Metadata {
        let elapsed = ContinuousClock.now - started
        return ["jecp.llm.engine": "\(engine)", "jecp.llm.model": "\(model)",
                "jecp.llm.duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)"]
    }
}
