import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels
import NIOCore

extension Response {
    /// A response with exact body bytes.
    static func bytes(_ body: [UInt8], status: Int, contentType: String = "application/json",
                      headers extra: [(name: String, value: String)] = []) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (name, value) in extra {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func json(_ value: JSONValue, status: Int = 200, headers: [(name: String, value: String)] = []) -> Response {
        bytes(value.serialized(), status: status, headers: headers)
    }

    static func text(_ text: String, contentType: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> Response {
        bytes(Array(text.utf8), status: status, contentType: contentType, headers: headers)
    }
}

extension Request {
    /// Collects the body, turning an oversized one into `INPUT_TOO_LARGE` and parsing it as JSON.
    mutating func jsonBody(limit: Int = 1024 * 1024) async throws -> JSONValue {
        let buffer = try await collectBodyBytes(limit: limit)
        if let contentType = headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw JECPError(.unsupportedMediaType, "Content-Type must be application/json.",
                            details: ["received": .string(contentType), "expected": "application/json"])
        }
        if buffer.isEmpty { return .object([:]) }
        do {
            return try JSONValue(parsing: buffer)
        } catch {
            throw JECPError(.invalidRequest, "The request body is not valid JSON: \(error.description).")
        }
    }

    mutating func collectBodyBytes(limit: Int) async throws -> [UInt8] {
        do {
            var buffer = try await collectBody(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            throw JECPError(.inputTooLarge, "The request body exceeds \(limit / 1024 / 1024) MB.",
                            details: ["field": "body", "limit_bytes": .number(JSONNumber(limit))])
        }
    }

    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }
}
