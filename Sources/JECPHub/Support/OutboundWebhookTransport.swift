import AsyncHTTPClient
import JECPHubCore
import JECPOutbound
import NIOCore
import NIOHTTP1

/// Webhook posts through the SSRF pipeline, run again for every attempt (the name may point
/// elsewhere since subscribe time), pinned to the checked address, redirects off.
struct OutboundWebhookTransport: WebhookTransport {
    let urlGuard: URLGuard
    let client: PinnedHTTPClient

    func post(_ request: WebhookRequest) async -> WebhookAttempt {
        let target: CheckedURL
        do {
            target = try await urlGuard.check(request.url, field: "webhook_destination_url")
        } catch {
            // Not resolving is the network failing, not the policy refusing: retried like a refusal to connect.
            guard error.reason == .unresolvable else { return .blocked(reason: error.reason.rawValue, message: error.message) }
            return .failed("unresolvable: \(error.message)")
        }
        var outbound = HTTPClientRequest(url: target.url)
        outbound.method = .POST
        for header in request.headers { outbound.headers.add(name: header.name, value: header.value) }
        outbound.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(outbound, pinnedTo: target, deadline: .now() + TimeAmount(request.timeout))
            // The answer's body means nothing to us; read a little of it so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return .answered(status: Int(response.status.code))
        } catch {
            switch OutboundFailure.classify(error) {
            case .timeout: return .failed("timeout: no answer within \(request.timeout)")
            case .unreachable(let reason): return .failed("unreachable: \(reason)")
            case .other(let reason): return .failed("transport: \(reason)")
            }
        }
    }
}
