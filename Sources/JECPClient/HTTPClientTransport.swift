import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The default transport, on async-http-client. Redirects are not followed when the client owns
/// its `HTTPClient`: a Hub never redirects API calls, and following one would resend the key.
struct HTTPClientTransport: JECPTransport {
    let client: HTTPClient
    /// Buffered bodies larger than this are refused (the Hub caps responses far below it).
    static let maximumBodyBytes = 64 * 1024 * 1024

    /// The `HTTPClient` an SDK client creates for itself (and shuts down): redirects are not
    /// followed, since following one would resend the credentials, and a refused connection is a
    /// network error for the caller to judge, not something to retry silently for the whole
    /// connect timeout.
    static func makeOwnedClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let response = try await execute(request)
        do {
            let body = try await response.body.collect(upTo: Self.maximumBodyBytes)
            return TransportResponse(status: Int(response.status.code), headers: Self.headers(response.headers),
                                     body: Array(buffer: body))
        } catch {
            throw Self.translate(error)
        }
    }

    func stream(_ request: TransportRequest) async throws -> TransportStreamResponse {
        let response = try await execute(request)
        let reader = BodyReader(iterator: response.body.makeAsyncIterator())
        let body = AsyncThrowingStream<[UInt8], any Error>(unfolding: {
            do {
                return try await reader.next()
            } catch {
                throw Self.translate(error)
            }
        })
        return TransportStreamResponse(status: Int(response.status.code), headers: Self.headers(response.headers), body: body)
    }

    private func execute(_ request: TransportRequest) async throws -> HTTPClientResponse {
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outbound.headers.add(name: name, value: value) }
        if let body = request.body { outbound.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            return try await client.execute(outbound, timeout: .nanoseconds(request.timeout.nanoseconds))
        } catch {
            throw Self.translate(error)
        }
    }

    static func headers(_ headers: HTTPHeaders) -> [(String, String)] { headers.map { ($0.name, $0.value) } }

    static func translate(_ error: any Error) -> any Error {
        if error is CancellationError { return error }
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout { return TransportError(.timeout, "\(error)") }
            if error == .cancelled { return CancellationError() }
        }
        return TransportError(.network, "\(error)")
    }
}

/// Holds the body iterator between `unfolding` calls, which an `AsyncThrowingStream` makes one
/// at a time (never concurrently), so the unsynchronized state is safe.
private final class BodyReader: @unchecked Sendable {
    var iterator: HTTPClientResponse.Body.AsyncIterator
    init(iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> [UInt8]? {
        guard let buffer = try await iterator.next() else { return nil }
        return Array(buffer: buffer)
    }
}
