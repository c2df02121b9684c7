import Foundation
import JECPModels

/// Everything the provider features need from the network, behind one protocol so the core stays
/// free of HTTP clients and resolvers: the SSRF pipeline, TXT lookups and the forwarded call.
public protocol ProviderTransport: Sendable {
    /// Runs `url` through the SSRF pipeline (spec 02 §9.7.1). A host that does not resolve yet is
    /// accepted here (forwarding checks again on every call); anything denied throws `URL_BLOCKED_SSRF`.
    func vet(url: String, field: String) async throws(JECPError)
    /// The TXT records of `name`.
    func txtRecords(_ name: String) async -> Result<[String], TXTLookupFailure>
    /// Sends a signed call to a provider through the SSRF pipeline, pinned to the checked address.
    /// Throws `URL_BLOCKED_SSRF`, `PROVIDER_UNAVAILABLE` or `PROVIDER_TIMEOUT`; any HTTP status is a reply.
    func send(_ call: ProviderCall) async throws(JECPError) -> ProviderReply
}

public struct TXTLookupFailure: Error, Sendable, Equatable {
    /// `nxdomain`, `no_records`, `timeout`, `server_failure`, … (for `details.reason`).
    public let reason: String
    public let message: String

    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }
}

public struct ProviderCall: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Until the response head arrives; the body is read under the caller's own deadlines.
    public var timeout: Duration

    public init(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct ProviderReply: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    /// The body as it arrives. Reading throws `PROVIDER_TIMEOUT` or `PROVIDER_DISCONNECT` as a `JECPError`.
    public var body: any AsyncSequence<[UInt8], any Error> & Sendable

    public init(status: Int, headers: [(name: String, value: String)], body: any AsyncSequence<[UInt8], any Error> & Sendable) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The whole body, refusing more than `limit` bytes.
    public func collect(limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes.append(contentsOf: chunk)
            guard bytes.count <= limit else {
                throw JECPError(.providerError, "The provider's response exceeds \(limit) bytes.", details: ["limit_bytes": .number(JSONNumber(limit))])
            }
        }
        return bytes
    }
}
