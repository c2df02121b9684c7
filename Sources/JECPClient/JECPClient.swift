import AsyncHTTPClient
import Foundation
import Logging
import Synchronization

/// A client of one JECP Hub, acting as one agent. Safe to share between tasks.
///
/// ```swift
/// let client = JECPClient(configuration: .init(baseURL: "http://127.0.0.1:8080", agentID: id, apiKey: key))
/// defer { try? await client.shutdown() }  // or call it when done
/// let result = try await client.invoke("content-factory", "text-stats", input: ["text": "Hello"])
/// ```
public final class JECPClient: Sendable {
    struct Credentials: Sendable {
        var agentID: String?
        var apiKey: String?
    }

    let configuration: JECPClientConfiguration
    let requester: Requester
    /// Rotation replaces the key while other calls may be reading it.
    let credentials: Mutex<Credentials>
    /// `capability/action` pairs whose deprecation was already logged.
    let loggedDeprecations = Mutex<Set<String>>([])
    let ownedHTTPClient: HTTPClient?

    /// Uses its own async-http-client `HTTPClient`; call ``shutdown()`` when done.
    public convenience init(configuration: JECPClientConfiguration) {
        self.init(configuration: configuration, environment: .live)
    }

    convenience init(configuration: JECPClientConfiguration, environment: ClientEnvironment) {
        let http = HTTPClientTransport.makeOwnedClient()
        self.init(configuration: configuration, transport: HTTPClientTransport(client: http), environment: environment, owned: http)
    }

    /// Sends through `transport` (tests, custom HTTP stacks).
    public convenience init(configuration: JECPClientConfiguration, transport: any JECPTransport) {
        self.init(configuration: configuration, transport: transport, environment: .live, owned: nil)
    }

    init(configuration: JECPClientConfiguration, transport: any JECPTransport, environment: ClientEnvironment, owned: HTTPClient? = nil) {
        self.configuration = configuration
        self.requester = Requester(baseURL: configuration.baseURL, transport: transport, timeout: configuration.timeout,
                                   policy: configuration.retryPolicy, environment: environment, logger: configuration.logger)
        self.credentials = Mutex(Credentials(agentID: configuration.agentID, apiKey: configuration.apiKey))
        self.ownedHTTPClient = owned
    }

    /// Shuts down the HTTP client this client created (nothing for an injected transport).
    public func shutdown() async throws {
        try await ownedHTTPClient?.shutdown()
    }

    public var agentID: String? { credentials.withLock { $0.agentID } }
    /// The current key: ``rotateKey(graceSeconds:revokeOld:)`` replaces it in place.
    public var apiKey: String? { credentials.withLock { $0.apiKey } }

    var logger: Logger { configuration.logger }
    var environment: ClientEnvironment { requester.environment }

    func authHeaders() -> [(String, String)] {
        let current = credentials.withLock { $0 }
        var headers: [(String, String)] = []
        if let id = current.agentID { headers.append(("X-Agent-ID", id)) }
        if let key = current.apiKey { headers.append(("X-API-Key", key)) }
        return headers
    }

    func request(_ method: String, _ path: String, query: [(String, String?)] = [], body: JSONValue? = nil,
                 authenticated: Bool = true, extraHeaders: [(String, String)] = []) -> TransportRequest {
        var headers: [(String, String)] = [("Accept", "application/json"), ("User-Agent", "jecp-swift-client/1.0")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if authenticated { headers += authHeaders() }
        // An extra header replaces a default of the same name (the Hub reads the first Accept).
        headers.removeAll { header in extraHeaders.contains { $0.0.lowercased() == header.0.lowercased() } }
        return TransportRequest(method: method, url: requester.url(path, query: query), headers: headers + extraHeaders,
                                body: body?.serialized(), timeout: configuration.timeout)
    }

    /// A GET (retried) returning the JSON body.
    func getJSON(_ path: String, query: [(String, String?)] = []) async throws(JECPError) -> JSONValue {
        let response = try await requester.send(retry: true) { request("GET", path, query: query) }
        return try Self.json(response)
    }

    static func json(_ response: TransportResponse) throws(JECPError) -> JSONValue {
        guard let json = try? JSONValue(parsing: response.body) else {
            throw JECPError(code: .invalidResponse, status: response.status, message: "The Hub's response is not JSON.")
        }
        return json
    }

    /// `GET /health/live` and its `Date` header, to compare clocks (provenance allows 300 s of skew).
    public func hubDate() async throws(JECPError) -> Date? {
        let response = try await requester.send(retry: true, expectsJSON: false) { request("GET", "/health/live", authenticated: false) }
        return response.header("Date").flatMap(HTTPDate.parse)
    }
}
