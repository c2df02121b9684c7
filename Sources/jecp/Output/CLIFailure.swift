import JECPClient

/// Every failure a command reports: a Hub error, an SDK client-side error or a local one
/// (usage, config). One shape so human output, `--json` envelopes and exit codes agree.
struct CLIFailure: Error, Sendable, CustomStringConvertible {
    var code: String
    var status: Int?
    var message: String
    var details: JSONValue = .object([:])
    var documentationURL: String?
    /// The Hub's `next_action` object, as sent.
    var nextAction: JSONValue?
    var retryAfterSeconds: Int?
    var requestID: String?
    var exitCode: CLIExitCode
    /// The command already printed its own report (`doctor`); only the exit status remains.
    var isReported = false

    init(code: String, status: Int? = nil, message: String, details: JSONValue = .object([:]), documentationURL: String? = nil,
         nextAction: JSONValue? = nil, retryAfterSeconds: Int? = nil, requestID: String? = nil, exitCode: CLIExitCode? = nil)
    {
        self.code = code
        self.status = status
        self.message = message
        self.details = details
        self.documentationURL = documentationURL
        self.nextAction = nextAction
        self.retryAfterSeconds = retryAfterSeconds
        self.requestID = requestID
        self.exitCode = exitCode ?? CLIExitCode.forError(code: code, status: status)
    }

    var description: String { "\(code): \(message)" }

    static func usage(_ message: String, details: JSONValue = .object([:])) -> CLIFailure {
        CLIFailure(code: "USAGE_ERROR", message: message, details: details, exitCode: .usage)
    }

    static func reported(exitCode: CLIExitCode) -> CLIFailure {
        var failure = CLIFailure(code: "REPORTED", message: "", exitCode: exitCode)
        failure.isReported = true
        return failure
    }

    static func config(_ message: String) -> CLIFailure {
        CLIFailure(code: "CONFIG_ERROR", message: message, exitCode: .other)
    }

    static func io(_ message: String) -> CLIFailure {
        CLIFailure(code: "IO_ERROR", message: message, exitCode: .other)
    }

    /// No credentials anywhere: the same recovery the Hub would suggest, without a round trip.
    static func notLoggedIn(hub: String) -> CLIFailure {
        CLIFailure(code: "AUTH_REQUIRED", status: nil,
                   message: "No agent credentials: run `jecp register` or `jecp login`, or set JECP_AGENT_ID and JECP_API_KEY.",
                   nextAction: ["type": "register", "api": .string(hub + "/api/agent/register")], exitCode: .auth)
    }

    /// The JECP error envelope (spec 03) printed by `--json`.
    var envelope: JSONValue {
        var document: [String: JSONValue] = [
            "jecp": "1.0",
            "status": "failed",
            "error": [
                "code": .string(code),
                "message": .string(message),
                "details": details,
                "documentation_url": documentationURL.map { .string($0) } ?? .null,
            ],
        ]
        if let nextAction { document["next_action"] = nextAction }
        if let requestID { document["id"] = .string(requestID) }
        return .object(document)
    }
}
