import AsyncHTTPClient
import JECPHubCore
import JECPModels
import JECPOutbound
import NIOCore
import NIOHTTP1

/// The provider features' network: the SSRF guard in front of every provider URL, TXT lookups for
/// domain proofs, and calls pinned to the address the guard checked.
struct OutboundProviderTransport: ProviderTransport {
    let urlGuard: URLGuard
    let resolver: DNSResolver
    let client: PinnedHTTPClient

    func vet(url: String, field: String) async throws(JECPError) {
        do {
            _ = try await urlGuard.check(url, field: field)
        } catch {
            // Not resolvable yet is not a policy violation: every call checks again.
            guard error.reason == .unresolvable else { throw Self.blocked(error) }
        }
    }

    func txtRecords(_ name: String) async -> Result<[String], TXTLookupFailure> {
        do {
            return .success(try await resolver.txt(name))
        } catch {
            return .failure(TXTLookupFailure(reason: error.reason, message: "\(error)"))
        }
    }

    func send(_ call: ProviderCall) async throws(JECPError) -> ProviderReply {
        let target: CheckedURL
        do {
            target = try await urlGuard.check(call.url, field: "endpoint")
        } catch {
            guard error.reason == .unresolvable else { throw Self.blocked(error) }
            throw JECPError(.providerUnavailable, "The provider's endpoint host does not resolve; nothing was charged.",
                            details: ["reason": "unresolvable", "message": .string(error.message)], headers: [("Retry-After", "30")])
        }
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        for header in call.headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: call.body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, pinnedTo: target, deadline: .now() + TimeAmount(call.timeout))
        } catch {
            throw Self.failure(error, host: target.host)
        }
        return ProviderReply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                             body: ReplyBody(base: response.body, host: target.host))
    }

    static func blocked(_ rejection: SSRFRejection) -> JECPError {
        JECPError(.urlBlockedSSRF, "URL blocked by SSRF policy: \(rejection.message)",
                  details: ["field": .string(rejection.field), "blocked_url": .string(rejection.blockedURL), "reason": .string(rejection.reason.rawValue)])
    }

    static func failure(_ error: any Error, host: String) -> JECPError {
        if let error = error as? JECPError { return error }
        switch OutboundFailure.classify(error) {
        case .timeout:
            return JECPError(.providerTimeout, "The provider at \(host) did not answer in time; nothing was charged.", details: ["reason": "timeout"])
        case .unreachable(let reason), .other(let reason):
            return JECPError(.providerUnavailable, "The provider at \(host) could not be reached (\(reason)); nothing was charged.",
                             details: ["reason": "unreachable"], headers: [("Retry-After", "5")])
        }
    }

    /// The reply body as byte arrays, with transport failures turned into wire errors.
    struct ReplyBody: AsyncSequence, Sendable {
        let base: HTTPClientResponse.Body
        let host: String

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: HTTPClientResponse.Body.AsyncIterator
            let host: String

            mutating func next() async throws -> [UInt8]? {
                do {
                    return try await base.next().map { Array(buffer: $0) }
                } catch {
                    let failure = OutboundProviderTransport.failure(error, host: host)
                    throw failure.code == .providerTimeout ? failure
                        : JECPError(.providerDisconnect, "The connection to the provider at \(host) broke mid-response; nothing was charged.")
                }
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), host: host) }
    }
}
