import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels
import Logging
import NIOCore

/// Turns every failure into the spec 03 envelope, echoes or assigns `X-Request-ID`, and adds the
/// security headers to every response. Nothing escapes as a bare 500.
struct JECPErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let settings: HubSettings
    let metrics: HubMetrics
    let hsts: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = request.headers[.xRequestID].flatMap { $0.count <= 128 && !$0.isEmpty ? $0 : nil } ?? Self.newRequestID()
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as JECPError {
            response = render(error)
        } catch let error as any HTTPResponseError {
            response = render(translate(error.status, message: (error as? HTTPError)?.body, request: request))
        } catch {
            context.logger.error("unhandled error", metadata: ["jecp.error": "\(type(of: error))", "jecp.request_id": "\(requestID)"])
            response = render(JECPError(.internalError, "An unexpected error occurred; nothing was charged. Quote X-Request-ID to the operator."))
        }
        response.headers[.xRequestID] = requestID
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        if hsts { response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        if let path = HTTPField.Name("X-JECP-Version"), response.headers[path] == nil { response.headers[path] = "1.0" }
        metrics.recordResponse(status: response.status.code)
        return response
    }

    func render(_ error: JECPError) -> Response {
        metrics.recordError(error.code)
        var headers = error.headers
        headers.append(("Cache-Control", "no-store"))
        return .bytes(error.envelope(requestID: nil, documentationBase: settings.publicURL).serialized(), status: error.httpStatus, headers: headers)
    }

    func translate(_ status: HTTPResponse.Status, message: String?, request: Request) -> JECPError {
        switch status {
        case .notFound:
            return JECPError(.notFound, "No route \(request.method.rawValue) \(request.uri.path) on this Hub.", details: ["path": .string(request.uri.path)])
        case .methodNotAllowed:
            return JECPError(.methodNotAllowed, "\(request.method.rawValue) is not allowed on \(request.uri.path).", details: ["path": .string(request.uri.path)])
        case .contentTooLarge:
            return JECPError(.inputTooLarge, "The request body is too large.")
        case .unsupportedMediaType:
            return JECPError(.unsupportedMediaType, "Content-Type must be application/json.", details: ["expected": "application/json"])
        case .badRequest:
            return JECPError(.invalidRequest, message ?? "The request is malformed.")
        default:
            return JECPError(.internalError, "An unexpected error occurred; nothing was charged.")
        }
    }

    static func newRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "req_" + (0..<12).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16).leftPad(2) }.joined()
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-ID")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let strictTransportSecurity = Self("Strict-Transport-Security")!
    static let xAgentID = Self("X-Agent-ID")!
    static let xAPIKey = Self("X-API-Key")!
    static let xIdempotencyKey = Self("X-Idempotency-Key")!
}
