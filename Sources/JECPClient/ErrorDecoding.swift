import Foundation

extension JECPError {
    /// The error a Hub response stands for, or `nil` for a success. A 2xx whose envelope says
    /// `status: failed` is an error too; a body that is not the expected JSON is `invalidResponse`.
    static func from(status: Int, headers: [(String, String)], body: [UInt8], now: Date, requestID: String? = nil) -> JECPError? {
        let retryAfter = headers.first { $0.0.lowercased() == "retry-after" }.flatMap { RetryAfter.parse($0.1, now: now) }
        guard let json = try? JSONValue(parsing: body), json.objectValue != nil else {
            if (200..<300).contains(status) {
                return JECPError(code: .invalidResponse, status: status, message: "The Hub answered \(status) with a body that is not a JSON object.",
                                 retryAfter: retryAfter, requestID: requestID)
            }
            return JECPError(code: .invalidResponse, status: status, message: "The Hub answered \(status) without a JECP error envelope.",
                             details: ["body_prefix": .string(String(decoding: body.prefix(200), as: UTF8.self))],
                             retryAfter: retryAfter, requestID: requestID)
        }
        if (200..<300).contains(status), json["status"]?.stringValue != "failed" { return nil }
        guard let error = json["error"], error.objectValue != nil else {
            return JECPError(code: .invalidResponse, status: status, message: "The Hub answered \(status) without an error object.",
                             retryAfter: retryAfter, requestID: json["id"]?.stringValue ?? requestID)
        }
        return JECPError(envelopeError: error, nextAction: json["next_action"], status: status, retryAfter: retryAfter,
                         requestID: json["id"]?.stringValue ?? requestID)
    }

    /// From the `error` object of an envelope or an SSE `error` event (which carries `next_action` inside).
    init(envelopeError error: JSONValue, nextAction: JSONValue?, status: Int?, retryAfter: Duration?, requestID: String?) {
        let details = error["details"] ?? .object([:])
        let next = nextAction ?? error["next_action"]
        let parsedNext = next.map(NextAction.init(json:))
        var retryAfter = retryAfter
        if retryAfter == nil, let seconds = details["retry_after_seconds"]?.numberValue?.integerValue {
            retryAfter = .seconds(seconds)
        }
        if retryAfter == nil, case .wait(let seconds?) = parsedNext { retryAfter = .seconds(seconds) }
        self.init(code: Code(rawValue: error["code"]?.stringValue ?? "UNKNOWN"), status: status,
                  message: error["message"]?.stringValue ?? "",
                  details: details,
                  documentationURL: error["documentation_url"]?.stringValue ?? details["documentation_url"]?.stringValue,
                  retryAfter: retryAfter, nextAction: parsedNext, rawNextAction: next, requestID: requestID)
    }

    static func transport(_ error: any Error, requestID: String? = nil) -> JECPError {
        if error is CancellationError || Task.isCancelled {
            return JECPError(code: .cancelled, message: "The call was cancelled.", requestID: requestID)
        }
        if let error = error as? JECPError { return error }
        if let error = error as? TransportError {
            switch error.kind {
            case .timeout: return JECPError(code: .timeout, message: "The Hub did not answer in time: \(error.message)", requestID: requestID)
            case .network: return JECPError(code: .network, message: "Network failure: \(error.message)", requestID: requestID)
            }
        }
        return JECPError(code: .network, message: "Network failure: \(error)", requestID: requestID)
    }

    static let cancelledError = JECPError(code: .cancelled, message: "The call was cancelled.")
}
