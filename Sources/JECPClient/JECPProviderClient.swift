import AsyncHTTPClient
import Foundation
import Logging

/// A client of one JECP Hub, acting as one provider account (spec 04 §8): registration, the DNS
/// proof of the endpoint's domain, manifests, key rotation and earnings. Every call but
/// ``register(hub:namespace:displayName:ownerEmail:endpointURL:country:website:transport:)``
/// sends `Authorization: Bearer <provider_api_key>`.
///
/// Nothing is retried automatically: registering, publishing, rotating and sunsetting must not be
/// repeated blindly, and a failed read is for the caller to repeat. The key is never logged.
///
/// ```swift
/// let provider = JECPProviderClient(hub: "http://127.0.0.1:8080", apiKey: key)
/// let published = try await provider.publish(manifest: Array(yaml.utf8), contentType: "application/x-yaml")
/// try await provider.shutdown()
/// ```
public struct JECPProviderClient: Sendable {
    let requester: Requester
    private let apiKey: String
    private let ownedHTTPClient: HTTPClient?

    /// Uses its own async-http-client `HTTPClient` (no redirects followed); call ``shutdown()`` when done.
    public init(hub: String, apiKey: String, timeout: Duration = .seconds(30), logger: Logger = Logger(label: "jecp-provider-client")) {
        let http = HTTPClientTransport.makeOwnedClient()
        self.init(hub: hub, apiKey: apiKey, transport: HTTPClientTransport(client: http), timeout: timeout, logger: logger, owned: http)
    }

    /// Sends through `transport` (tests, custom HTTP stacks).
    public init(hub: String, apiKey: String, transport: any JECPTransport, timeout: Duration = .seconds(30),
                logger: Logger = Logger(label: "jecp-provider-client")) {
        self.init(hub: hub, apiKey: apiKey, transport: transport, timeout: timeout, logger: logger, owned: nil)
    }

    private init(hub: String, apiKey: String, transport: any JECPTransport, timeout: Duration, logger: Logger, owned: HTTPClient?) {
        requester = Requester(baseURL: hub, transport: transport, timeout: timeout, policy: .none, environment: .live, logger: logger)
        self.apiKey = apiKey
        ownedHTTPClient = owned
    }

    /// Shuts down the HTTP client this client created (nothing for an injected transport).
    public func shutdown() async throws {
        try await ownedHTTPClient?.shutdown()
    }

    // MARK: Account

    /// Creates a provider account (`POST /v1/providers/register`). The answer holds the API key and
    /// the HMAC secret, both shown only this once. `endpointURL`'s host is the domain to prove
    /// with ``verifyDNS(domain:)`` and the host every manifest's `endpoint` must be on.
    public static func register(hub: String, namespace: String, displayName: String, ownerEmail: String, endpointURL: String,
                                country: String, website: String? = nil, transport: (any JECPTransport)? = nil)
        async throws(JECPError) -> ProviderRegistration
    {
        var body: [String: JSONValue] = [
            "namespace": .string(namespace), "display_name": .string(displayName), "owner_email": .string(ownerEmail),
            "endpoint_url": .string(endpointURL), "country": .string(country),
        ]
        if let website { body["website"] = .string(website) }
        let payload = JSONValue.object(body).serialized()
        let requester = JECPClient.standaloneRequester(hub: hub, transport: transport)
        let response = try await requester.send(retry: false) {
            TransportRequest(method: "POST", url: requester.url("/v1/providers/register"),
                             headers: [("Content-Type", "application/json"), ("Accept", "application/json")], body: payload,
                             timeout: requester.timeout)
        }
        return try ProviderRegistration(json: try JECPClient.json(response), status: response.status)
    }

    /// `GET /v1/providers/me`: status, DNS proof, endpoint and call count.
    public func me() async throws(JECPError) -> ProviderProfile {
        let (json, status) = try await send("GET", "/v1/providers/me")
        return try ProviderProfile(json: json, status: status)
    }

    /// Asks the Hub to look up `_jecp.<host of endpoint_url>` (`POST /v1/providers/verify-dns`).
    /// `domain`, when given, must be that host. A missing or different record throws
    /// `DNS_VERIFICATION_FAILED` with `details.reason` (`nxdomain`, `txt_record_missing`,
    /// `txt_record_mismatch`, `timeout`…), `details.domain` and `details.record_name`.
    public func verifyDNS(domain: String? = nil) async throws(JECPError) -> DNSVerification {
        let body: JSONValue = domain.map { ["domain": .string($0)] } ?? .object([:])
        let (json, status) = try await send("POST", "/v1/providers/verify-dns", json: body)
        return try DNSVerification(json: json, status: status)
    }

    /// Issues a new provider key (`POST /v1/providers/me/rotate-key`); at most 3 per 24 h
    /// (`ROTATION_24H_CAP`). This client keeps sending the old key, which works for `graceSeconds`
    /// (Hub default 3600, at most 86400) unless `revokeOld`: make a new client with the returned key.
    public func rotateKey(graceSeconds: Int? = nil, revokeOld: Bool = false) async throws(JECPError) -> ProviderKeyRotation {
        var body: [String: JSONValue] = [:]
        if let graceSeconds { body["grace_seconds"] = .number(JSONNumber(graceSeconds)) }
        if revokeOld { body["revoke_old"] = true }
        let (json, status) = try await send("POST", "/v1/providers/me/rotate-key", json: .object(body))
        let rotation = try ProviderKeyRotation(json: json, status: status)
        requester.logger.info("provider API key rotated", metadata: ["jecp.provider_id": "\(rotation.providerID)"])
        return rotation
    }

    /// `GET /v1/providers/me/earnings`: the last `days` days (Hub default 30, at most 366).
    public func earnings(days: Int? = nil) async throws(JECPError) -> ProviderEarnings {
        let (json, status) = try await send("GET", "/v1/providers/me/earnings", query: [("days", days.map(String.init))])
        return try ProviderEarnings(json: json, status: status)
    }

    // MARK: Manifests

    /// Publishes a manifest (`POST /v1/manifests`), YAML (`application/x-yaml`) or JSON
    /// (`application/json`). It is `active` at once when the provider's domain is proven,
    /// `submitted` until then. Errors: `VALIDATION_FAILED` with `details.errors[]`
    /// (`instance_path`, `schema_path`, `reason`), `MANIFEST_TOO_LARGE`, `NAMESPACE_MISMATCH`,
    /// `MANIFEST_VERSION_EXISTS`, `URL_BLOCKED_SSRF`, `COMPOSITE_DEPTH_EXCEEDED`.
    public func publish(manifest: [UInt8], contentType: String) async throws(JECPError) -> PublishedManifest {
        let (json, status) = try await send("POST", "/v1/manifests", body: manifest, contentType: contentType)
        return try PublishedManifest(json: json, status: status)
    }

    /// `GET /v1/manifests`: every version this provider published, newest first.
    public func manifests() async throws(JECPError) -> ProviderManifestList {
        let (json, status) = try await send("GET", "/v1/manifests")
        return try ProviderManifestList(json: json, status: status)
    }

    /// Retires one version now (`DELETE /v1/manifests/{namespace}/{capability}/{version}`); calls
    /// to it answer `CAPABILITY_DEPRECATED` (410) from then on. `capability` is `name` or
    /// `namespace/name`; without a namespace the provider's own is looked up first.
    public func sunset(capability: String, version: String) async throws(JECPError) -> PublishedManifest {
        let parts = capability.split(separator: "/", maxSplits: 1).map(String.init)
        let namespace: String
        let name: String
        if parts.count == 2 {
            (namespace, name) = (parts[0], parts[1])
        } else {
            (namespace, name) = (try await me().namespace, capability)
        }
        let path = "/v1/manifests/" + [namespace, name, version].map(Requester.percentEncode).joined(separator: "/")
        let (json, status) = try await send("DELETE", path)
        return try PublishedManifest(json: json, status: status)
    }

    // MARK: Requests

    func send(_ method: String, _ path: String, query: [(String, String?)] = [], json: JSONValue) async throws(JECPError)
        -> (JSONValue, Int)
    {
        try await send(method, path, query: query, body: json.serialized(), contentType: "application/json")
    }

    /// One exchange, never retried; the JSON body and the status of a success.
    func send(_ method: String, _ path: String, query: [(String, String?)] = [], body: [UInt8]? = nil, contentType: String? = nil)
        async throws(JECPError) -> (JSONValue, Int)
    {
        var headers: [(String, String)] = [
            ("Accept", "application/json"), ("User-Agent", "jecp-swift-client/1.0"), ("Authorization", "Bearer \(apiKey)"),
        ]
        if let contentType { headers.append(("Content-Type", contentType)) }
        let request = TransportRequest(method: method, url: requester.url(path, query: query), headers: headers, body: body,
                                       timeout: requester.timeout)
        let response = try await requester.send(retry: false) { request }
        return (try JECPClient.json(response), response.status)
    }
}
