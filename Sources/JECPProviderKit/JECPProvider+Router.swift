import Hummingbird
import JECPModels
import Logging
import NIOCore

extension JECPProvider {
    /// Adds `POST path` (the Hub's signed calls) and `GET|POST path/health` (unsigned, `{"status":"ok"}`).
    ///
    /// A missing, bad, stale or replayed signature gets 401 `INVALID_SIGNATURE` and no handler runs;
    /// an unknown action 404 `ACTION_NOT_FOUND`; a malformed body 400 `INVALID_REQUEST`; a
    /// ``ProviderError`` its own status and code; any other error 500 `EXECUTION_FAILED` with a
    /// generic message (the error itself is logged, never sent).
    public func register<Context: RequestContext>(on router: Router<Context>, path: String = "/jecp") {
        let path = Self.normalized(path)
        router.post(RouterPath(path)) { request, _ in
            await self.respond(to: request)
        }
        let health = RouterPath(path == "/" ? "/health" : path + "/health")
        router.get(health) { _, _ in ProviderWire.health() }
        router.post(health) { _, _ in ProviderWire.health() }
    }

    /// `/jecp`, `jecp/` and `/jecp/` all mean `/jecp`.
    static func normalized(_ path: String) -> String {
        let trimmed = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return "/" + trimmed
    }

    func respond(to request: Request) async -> Response {
        let headerID = request.headers[.xRequestID] ?? ""
        var request = request
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.collectBody(upTo: maxRequestBytes))
        } catch is NIOTooManyBytesError {
            let error = ProviderError("INPUT_TOO_LARGE", "The request body exceeds \(maxRequestBytes) bytes.", status: 413)
            return ProviderWire.failure(id: headerID, error)
        } catch {
            return ProviderWire.failure(id: headerID, ProviderError("INVALID_REQUEST", "The request body could not be read.", status: 400))
        }

        switch verifier.verify(signature: request.headers[.jecpSignature], timestamp: request.headers[.jecpTimestamp], body: body) {
        case .success: break
        case .failure(let failure):
            // The reason helps an operator fix clock skew or a wrong secret; the signature itself is never logged.
            logger.notice("rejected a call: \(failure.logDescription)", metadata: ["jecp.request_id": .string(headerID)])
            return ProviderWire.failure(id: headerID, ProviderError("INVALID_SIGNATURE", failure.message, status: 401))
        }

        let call: ForwardedCall
        switch ForwardedCall.parse(body) {
        case .success(let parsed): call = parsed
        case .failure(let error): return ProviderWire.failure(id: headerID, error)
        }
        guard let registered = actions[call.action] else {
            return ProviderWire.failure(id: call.id, ProviderError("ACTION_NOT_FOUND", "This provider has no action '\(call.action)'.", status: 404))
        }

        var logger = self.logger
        logger[metadataKey: "jecp.request_id"] = .string(call.id)
        logger[metadataKey: "jecp.action"] = .string(call.action)
        let actionRequest = ActionRequest(id: call.id, capability: call.capability, action: call.action,
                                          input: call.input, metadata: call.metadata, logger: logger)
        switch registered {
        case .unary(let handler):
            do {
                return ProviderWire.result(id: call.id, try await handler(actionRequest))
            } catch {
                return ProviderWire.failure(id: call.id, Self.agentFacing(error, logger: logger))
            }
        case .streaming(let handler):
            let acceptsStream = request.headers[values: .accept].contains { $0.lowercased().contains("text/event-stream") }
            guard acceptsStream else {
                // A caller that wants one JSON answer still gets the result; chunks and meters are dropped.
                do {
                    return ProviderWire.result(id: call.id, .json(try await handler(actionRequest, StreamWriter(sink: nil))))
                } catch {
                    return ProviderWire.failure(id: call.id, Self.agentFacing(error, logger: logger))
                }
            }
            return ProviderWire.eventStream(id: call.id, body: Self.streamingBody(actionRequest, handler))
        }
    }

    /// A ``ProviderError`` as thrown; anything else is logged and replaced by a generic 500, since an
    /// error's text may hold internals the agent must not see.
    static func agentFacing(_ error: any Error, logger: Logger) -> ProviderError {
        if let error = error as? ProviderError { return error }
        logger.error("action failed", metadata: ["jecp.error": .string(String(describing: error))])
        return ProviderError("EXECUTION_FAILED", "The provider failed to execute the action.", status: 500)
    }
}

extension HubSignatureVerifier.Failure {
    /// For the 401 envelope: says which check failed, nothing about the expected value.
    var message: String {
        switch self {
        case .missingHeaders: "X-JECP-Signature and X-JECP-Timestamp are required."
        case .malformedTimestamp: "X-JECP-Timestamp must be Unix seconds."
        case .stale(let skew): "X-JECP-Timestamp is \(skew == .min ? "far" : "\(skew.magnitude) s") away from the provider's clock."
        case .badSignature: "X-JECP-Signature does not match the request body."
        case .replayed: "This signed request was already received."
        }
    }

    var logDescription: String {
        switch self {
        case .missingHeaders: "missing signature headers"
        case .malformedTimestamp: "malformed timestamp"
        case .stale(let skew): "stale timestamp (skew \(skew) s)"
        case .badSignature: "signature mismatch"
        case .replayed: "replayed request"
        }
    }
}

// `HTTPField.Name`, spelled through `HTTPFields` (which Hummingbird re-exports) so the kit needs no
// direct dependency on swift-http-types.
extension HTTPFields.Element.Name {
    static let jecpSignature = Self("X-JECP-Signature")!
    static let jecpTimestamp = Self("X-JECP-Timestamp")!
    static let xRequestID = Self("X-Request-ID")!
}
