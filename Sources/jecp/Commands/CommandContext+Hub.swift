import Foundation
import JECPClient
import Logging

extension CLIFailure {
    /// A JECPError from the SDK: a Hub envelope or a client-side condition (timeout, network).
    init(_ error: JECPError) {
        let exit: CLIExitCode? = switch error.code {
        case .timeout, .network: .network
        case .invalidResponse, .agentGuideUnavailable: .server
        case .cancelled: .other
        default: nil
        }
        let retryAfter = error.retryAfter.map { Int($0.components.seconds) }
        self.init(code: error.code.rawValue, status: error.status, message: error.message, details: error.details,
                  documentationURL: error.documentationURL, nextAction: error.nextAction?.raw, retryAfterSeconds: retryAfter,
                  requestID: error.requestID, exitCode: exit)
    }

    /// Anything an SDK call can throw (async sequences are untyped).
    static func from(_ error: any Error) -> CLIFailure {
        if let failure = error as? CLIFailure { return failure }
        if let error = error as? JECPError { return CLIFailure(error) }
        return CLIFailure(code: "CLI_ERROR", message: String(describing: error), exitCode: .other)
    }
}

extension CommandContext {
    /// A client for this run's Hub, with the given (or the resolved) credentials.
    func makeClient(credentials: AgentCredentials? = nil, anonymous: Bool = false, timeout: Duration = .seconds(30),
                    retryPolicy: RetryPolicy = .cli) -> JECPClient
    {
        let credentials = anonymous ? nil : credentials ?? settings.credentials
        return JECPClient(configuration: JECPClientConfiguration(
            baseURL: settings.hub, agentID: credentials?.id, apiKey: credentials?.apiKey, timeout: timeout, retryPolicy: retryPolicy,
            logger: sdkLogger))
    }

    /// The SDK logs through swift-log's default stderr handler; a CLI must not, except when asked.
    var sdkLogger: Logger {
        var logger = Logger(label: "jecp-cli")
        logger.logLevel = environment["JECP_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }

    /// Runs `body` with a client and always shuts the client down, also on failure.
    func withClient<T: Sendable>(credentials: AgentCredentials? = nil, anonymous: Bool = false, timeout: Duration = .seconds(30),
                                 retryPolicy: RetryPolicy = .cli, _ body: (JECPClient) async throws(CLIFailure) -> T) async throws(CLIFailure) -> T
    {
        let client = makeClient(credentials: credentials, anonymous: anonymous, timeout: timeout, retryPolicy: retryPolicy)
        return try await Self.using(client, shutdown: { try await $0.shutdown() }, body)
    }

    /// Runs `body` with `client`, then shuts the client down, also when `body` failed.
    static func using<Client: Sendable, T: Sendable>(_ client: Client, shutdown: (Client) async throws -> Void,
                                                     _ body: (Client) async throws(CLIFailure) -> T) async throws(CLIFailure) -> T
    {
        let result: Result<T, CLIFailure>
        do {
            result = .success(try await body(client))
        } catch {
            result = .failure(error)
        }
        try? await shutdown(client)
        return try result.get()
    }

    /// One Hub call behind the stderr spinner, its JECPError turned into a CLIFailure.
    func call<T: Sendable>(_ label: String, _ body: @escaping @Sendable () async throws -> T) async throws(CLIFailure) -> T {
        do {
            return try await console.withProgress(label) { try await body() }
        } catch {
            throw CLIFailure.from(error)
        }
    }

    /// Prints a success document for `--json`.
    func emit(_ document: JSONValue) {
        console.out(document.prettyPrinted())
    }
}

extension RetryPolicy {
    /// A person is waiting: transient failures are retried quickly, but a long Retry-After is
    /// reported ("retry in N s", exit 5) instead of silently sleeping for up to a minute.
    static var cli: RetryPolicy { RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(200), maxDelay: .seconds(5), maxRetryAfter: .seconds(5)) }
}
