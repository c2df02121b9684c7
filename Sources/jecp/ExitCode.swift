/// Process exit statuses. Scripts branch on them, so they are part of the CLI's interface:
/// `jecp --help` lists them and they never change meaning.
enum CLIExitCode: Int32, CaseIterable, Sendable {
    case ok = 0
    case other = 1
    case usage = 2
    case auth = 3
    case payment = 4
    case rateLimited = 5
    case network = 6
    case server = 7

    /// Short enough for an 80-column `--help` (argument-parser rewraps longer lines).
    var summary: String {
        switch self {
        case .ok: "success"
        case .other: "other error (config file, missing Hub route, ...)"
        case .usage: "usage: bad arguments, invalid input, unknown capability"
        case .auth: "auth: missing/invalid credentials, trust tier, suspended"
        case .payment: "payment: free calls used up, balance/budget, mandate expired"
        case .rateLimited: "rate limited: retry after the delay shown"
        case .network: "network or timeout: the Hub did not answer"
        case .server: "Hub or provider failure (5xx, execution failed)"
        }
    }

    /// The `jecp --help` section.
    static var helpText: String {
        "EXIT CODES:\n" + allCases.map { "  \($0.rawValue)  \($0.summary)" }.joined(separator: "\n")
    }

    /// The status for a JECP error code (spec 03), or for an unknown code by its HTTP status.
    static func forError(code: String, status: Int?) -> CLIExitCode {
        switch code {
        case "USAGE_ERROR", "INVALID_REQUEST", "UNSUPPORTED_VERSION", "VALIDATION_FAILED", "INPUT_SCHEMA_VIOLATION",
            "UNSUPPORTED_MEDIA_TYPE", "INPUT_TOO_LARGE", "DUPLICATE_REQUEST", "AGENT_NAME_TAKEN", "NOT_STREAMABLE",
            "CAPABILITY_NOT_FOUND", "ACTION_NOT_FOUND", "CAPABILITY_DEPRECATED", "PROVIDER_NOT_FOUND", "COMPOSITE_BIND_ERROR",
            "STREAM_IN_PROGRESS", "URL_BLOCKED_SSRF", "NAMESPACE_TAKEN", "NAMESPACE_MISMATCH", "DNS_VERIFICATION_FAILED", "MANIFEST_TOO_LARGE",
            "MANIFEST_VERSION_EXISTS", "MANIFEST_NOT_FOUND", "TRANSACTION_NOT_FOUND", "REFUND_NOT_A_CHARGE", "REFUND_WINDOW_EXPIRED",
            "REFUND_ALREADY_REQUESTED", "REFUND_REASON_INVALID", "REFUND_NOT_FOUND", "REFUND_ALREADY_DECIDED",
            "SUBSCRIPTION_NOT_FOUND", "SUBSCRIPTION_LIMIT_REACHED",
            "STRIPE_SIGNATURE_INVALID":
            return .usage
        case "AUTH_REQUIRED", "INVALID_API_KEY", "PROVENANCE_MISMATCH", "INSUFFICIENT_TRUST", "AGENT_SUSPENDED", "ADMIN_AUTH_REQUIRED":
            return .auth
        case "PAYMENT_REQUIRED", "INSUFFICIENT_BALANCE", "INSUFFICIENT_BUDGET", "MANDATE_INSUFFICIENT_BUDGET", "MANDATE_EXPIRED":
            return .payment
        case "RATE_LIMITED", "ROTATION_24H_CAP", "REFUND_DAILY_CAP":
            return .rateLimited
        // Client-side codes of the SDK: nothing (usable) came back from the Hub.
        case "TIMEOUT", "NETWORK", "NETWORK_ERROR", "CONNECTION_FAILED", "HUB_UNREACHABLE":
            return .network
        case "PROVIDER_ERROR", "PROVIDER_UNAVAILABLE", "PROVIDER_TIMEOUT", "INTERNAL_ERROR", "SERVICE_DEGRADED", "EXECUTION_FAILED",
            "OUTPUT_INVALID", "COMPOSITE_STEP_FAILED", "COMPOSITE_DEPTH_EXCEEDED", "COMPOSITE_TIMEOUT", "ASYNC_NOT_SUPPORTED",
            "STREAM_TIMEOUT", "STREAM_INCOMPLETE", "PROVIDER_DISCONNECT", "COMPOSITE_REFUND_FAILED",
            "INVALID_RESPONSE", "AGENT_GUIDE_UNAVAILABLE", "TOPUP_NOT_ENABLED", "PAYMENT_PROCESSOR_ERROR", "PAYMENT_PROCESSOR_UNAVAILABLE":
            return .server
        case "NOT_FOUND", "METHOD_NOT_ALLOWED", "AGENT_NOT_FOUND", "ROTATION_RACE", "ARTIFACT_SIGNATURE_INVALID", "ARTIFACT_EXPIRED",
            "CANCELLED", "CONFIG_ERROR", "IO_ERROR":
            return .other
        default:
            guard let status else { return .other }
            switch status {
            case 401, 403: return .auth
            case 402: return .payment
            case 429: return .rateLimited
            case 400, 409, 413, 415, 422: return .usage
            case 500...599: return .server
            default: return .other
            }
        }
    }
}
