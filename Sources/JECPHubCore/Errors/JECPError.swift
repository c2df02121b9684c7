import JECPModels
/// The one error type that reaches the wire.
///
/// Everything that can go wrong in a request ends as a `JECPError`: its code fixes the HTTP
/// status (from ``ErrorCode``), `details` and `nextAction` carry what an agent needs to recover.
public struct JECPError: Error, Sendable {
    public var code: ErrorCode
    public var message: String
    public var details: [String: JSONValue]
    public var nextAction: JSONValue?
    /// Extra response headers (`Retry-After`, `Sunset`, ...).
    public var headers: [(name: String, value: String)]
    /// For the few codes whose status depends on where they arise (COMPOSITE_DEPTH_EXCEEDED: 422 at
    /// publish, 409 at run time).
    public var statusOverride: Int?

    public init(
        _ code: ErrorCode, _ message: String, details: [String: JSONValue] = [:], nextAction: JSONValue? = nil,
        headers: [(name: String, value: String)] = []
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.nextAction = nextAction
        self.headers = headers
    }

    public var httpStatus: Int { statusOverride ?? code.httpStatus }

    /// The spec 03 §2 envelope. `documentation_url` is mirrored into `details` because the
    /// upstream conformance suite reads it there.
    public func envelope(requestID: String?, documentationBase: String) -> JSONValue {
        let documentationURL = "\(documentationBase)/errors/\(code.slug)"
        var details = self.details
        details["documentation_url"] = .string(documentationURL)
        let error: [String: JSONValue] = [
            "code": .string(code.rawValue),
            "message": .string(message),
            "documentation_url": .string(documentationURL),
            "details": .object(details),
        ]
        var envelope: [String: JSONValue] = [
            "jecp": "1.0",
            "status": "failed",
            "error": .object(error),
        ]
        if let requestID { envelope["id"] = .string(requestID) }
        if let nextAction { envelope["next_action"] = nextAction }
        return .object(envelope)
    }
}
