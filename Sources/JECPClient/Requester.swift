import Foundation
import Logging

/// Sends requests to one Hub and retries the ones that are safe to repeat.
struct Requester: Sendable {
    let baseURL: String
    let transport: any JECPTransport
    let timeout: Duration
    let policy: RetryPolicy
    let environment: ClientEnvironment
    let logger: Logger

    init(baseURL: String, transport: any JECPTransport, timeout: Duration, policy: RetryPolicy, environment: ClientEnvironment, logger: Logger) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.transport = transport
        self.timeout = timeout
        self.policy = policy
        self.environment = environment
        self.logger = logger
    }

    func url(_ path: String, query: [(String, String?)] = []) -> String {
        let items = query.compactMap { name, value in value.map { "\(name)=\(Self.percentEncode($0))" } }
        return baseURL + path + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
    }

    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// One buffered exchange; `retry` only for idempotent calls. Each attempt's request comes from
    /// `build`, so per-attempt parts (never the request id) can be refreshed.
    func send(retry: Bool, requestID: String? = nil, expectsJSON: Bool = true, build: () throws(JECPError) -> TransportRequest) async throws(JECPError) -> TransportResponse {
        try await withRetries(retry: retry, requestID: requestID) { () async throws(JECPError) -> TransportResponse in
            let request = try build()
            let response: TransportResponse
            do {
                response = try await transport.send(request)
            } catch {
                throw JECPError.transport(error, requestID: requestID)
            }
            if !expectsJSON, (200..<300).contains(response.status) { return response }
            if let error = JECPError.from(status: response.status, headers: response.headers, body: response.body,
                                          now: environment.now(), requestID: requestID) {
                throw error
            }
            return response
        }
    }

    /// Runs `attempt` up to `policy.maxAttempts` times while the failure is retryable.
    func withRetries<T>(retry: Bool, requestID: String?, _ attempt: () async throws(JECPError) -> T) async throws(JECPError) -> T {
        var number = 1
        while true {
            if Task.isCancelled { throw JECPError(code: .cancelled, message: "The call was cancelled.", requestID: requestID) }
            do {
                return try await attempt()
            } catch {
                guard retry, number < policy.maxAttempts, Self.isRetryable(error) else { throw error }
                let delay = self.delay(after: number, error: error)
                logger.debug("retrying", metadata: ["jecp.code": "\(error.code.rawValue)", "jecp.attempt": "\(number)",
                                                    "jecp.delay_ms": "\(delay.nanoseconds / 1_000_000)"])
                try await sleep(delay, requestID: requestID)
                number += 1
            }
        }
    }

    func sleep(_ delay: Duration, requestID: String?) async throws(JECPError) {
        do {
            try await environment.sleep(delay)
        } catch {
            throw JECPError(code: .cancelled, message: "The call was cancelled while waiting to retry.", requestID: requestID)
        }
        if Task.isCancelled { throw JECPError(code: .cancelled, message: "The call was cancelled.", requestID: requestID) }
    }

    /// `Retry-After` when the Hub sent one (capped), else exponential backoff with full jitter.
    func delay(after attempt: Int, error: JECPError) -> Duration {
        if let retryAfter = error.retryAfter { return min(retryAfter, policy.maxRetryAfter) }
        let exponent = min(attempt - 1, 30)
        let ceiling = min(policy.maxDelay, policy.baseDelay * (1 << exponent))
        return environment.jitter(ceiling)
    }

    /// 408, 429, 5xx and network failures, except codes the catalog marks as not worth repeating.
    static func isRetryable(_ error: JECPError) -> Bool {
        if error.code == .timeout || error.code == .network { return true }
        guard let status = error.status else { return false }
        if [.asyncNotSupported, .executionFailed, .outputInvalid, .compositeStepFailed, .rotation24hCap].contains(error.code) { return false }
        return status == 408 || status == 429 || (500...599).contains(status)
    }
}
