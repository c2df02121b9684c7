import AsyncHTTPClient
import Foundation
import JECPHubCore
import JECPModels
import NIOCore
import NIOHTTP1

/// ``StripeGateway`` over Stripe's REST API: `POST {apiBase}/v1/checkout/sessions`, form-encoded
/// with bracket notation, the secret key as a bearer token and an `Idempotency-Key`.
struct StripeCheckoutClient: StripeGateway {
    let client: HTTPClient
    let apiBase: String
    let secretKey: String
    var timeout: TimeAmount = .seconds(20)

    func createCheckoutSession(_ checkout: CheckoutRequest) async throws(StripeFailure) -> CheckoutSession {
        var request = HTTPClientRequest(url: apiBase + "/v1/checkout/sessions")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(secretKey)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Idempotency-Key", value: checkout.idempotencyKey)
        request.body = .bytes(ByteBuffer(string: Self.formBody(checkout)))
        let status: Int
        let json: JSONValue?
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = Int(response.status.code)
            var body = try await response.body.collect(upTo: 1 << 20)
            json = try? JSONValue(parsing: body.readBytes(length: body.readableBytes) ?? [])
        } catch {
            throw .unavailable("Stripe unreachable: \(type(of: error))")
        }
        switch status {
        case 200..<300:
            guard let id = json?["id"]?.stringValue, let url = json?["url"]?.stringValue, !id.isEmpty, !url.isEmpty else {
                throw .unavailable("Stripe answered \(status) without a session id and url")
            }
            return CheckoutSession(id: id, url: url)
        case 400..<500:
            throw .rejected(status: status, message: json?["error"]?["message"]?.stringValue)
        default:
            throw .unavailable("Stripe answered \(status)")
        }
    }

    /// The session's fields in Stripe's bracket notation.
    static func formBody(_ checkout: CheckoutRequest) -> String {
        let fields: [(String, String)] = [
            ("mode", "payment"),
            ("line_items[0][price_data][currency]", checkout.currency),
            ("line_items[0][price_data][unit_amount]", String(checkout.amountCents)),
            ("line_items[0][price_data][product_data][name]", checkout.productName),
            ("line_items[0][quantity]", "1"),
            ("success_url", checkout.successURL),
            ("cancel_url", checkout.cancelURL),
            ("client_reference_id", checkout.agentID),
            ("metadata[agent_id]", checkout.agentID),
        ]
        return fields.map { "\(formEscape($0.0))=\(formEscape($0.1))" }.joined(separator: "&")
    }

    /// `application/x-www-form-urlencoded`: everything but RFC 3986's unreserved characters escaped.
    static func formEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
