import Hummingbird
import JECPModels
import NIOCore

/// The provider's answers, in the shape of the official TypeScript provider SDK.
enum ProviderWire {
    static func result(id: String, _ result: ActionResult) -> Response {
        switch result {
        case .json(let value):
            let envelope: JSONValue = ["jecp": "1.0", "id": .string(id), "status": "success", "result": value]
            return json(envelope, status: .ok, id: id)
        case .binary(let bytes, let contentType):
            var headers = HTTPFields()
            headers[.contentType] = contentType.isEmpty ? "application/octet-stream" : contentType
            headers[.xRequestID] = id
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    static func failure(id: String, _ error: ProviderError) -> Response {
        let envelope: JSONValue = [
            "jecp": "1.0", "id": .string(id), "status": "failed",
            "error": ["code": .string(error.code), "message": .string(error.message)],
        ]
        // A 2xx or 3xx here would read as success to the Hub.
        let status = (400...599).contains(error.status) ? error.status : 500
        var response = json(envelope, status: HTTPResponse.Status(code: status), id: id)
        if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(max(0, seconds)) }
        return response
    }

    static func eventStream(id: String, body: ResponseBody) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[.xRequestID] = id
        return Response(status: .ok, headers: headers, body: body)
    }

    static func health() -> Response {
        json(["status": "ok"], status: .ok, id: nil)
    }

    private static func json(_ value: JSONValue, status: HTTPResponse.Status, id: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let id, !id.isEmpty { headers[.xRequestID] = id }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }
}
