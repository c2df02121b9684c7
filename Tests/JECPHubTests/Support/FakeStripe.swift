import Configuration
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JECPHub
import JECPHubCore
import JECPModels
import JECPTestPostgres
import Synchronization
import Testing

/// A local stand-in for Stripe on 127.0.0.1 that speaks its wire format: `POST /v1/checkout/sessions`
/// (bearer secret key, form-encoded bracket notation, `Idempotency-Key`) answering a
/// `checkout.session` whose `url` is this server's own `/checkout/<id>` page; and signed events
/// (`Stripe-Signature: t=…,v1=<hex HMAC-SHA256>`) for the Hub's webhook, signed here
/// independently of the Hub's verifier.
final class FakeStripe: Sendable {
    static let secretKey = "sk_test_fakestripe0123456789abcdef"
    static let webhookSecret = "whsec_fakestripe0123456789abcdef"

    struct Session: Sendable {
        let id: String
        let agentID: String
        let amountCents: Int64
        let currency: String
        let productName: String
        let successURL: String
        let cancelURL: String
    }

    struct State {
        var sessions: [String: Session] = [:]
        /// Form fields and headers of every accepted or refused checkout request, in order.
        var requests: [(fields: [String: String], idempotencyKey: String?, authorization: String?)] = []
        /// The next checkout request is answered with this status and body instead.
        var failNext: (status: Int, body: String)?
        /// What the checkout page's Pay button does before sending the payer back (a test
        /// delivers the signed `checkout.session.completed` to the Hub here).
        var onPay: (@Sendable (Session) async throws -> Void)?
        /// Where payers return: the Hub's real origin, for a test Hub whose public URL has no port.
        var returnOrigin: String?
    }

    let port: Int
    let state = Mutex(State())

    private init(port: Int) {
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Hub settings that point the Hub's Stripe client here.
    var hubSettings: [String: ConfigValue] {
        ["stripe.secretKey": .init(.string(Self.secretKey), isSecret: true),
         "stripe.webhookSecret": .init(.string(Self.webhookSecret), isSecret: true),
         "stripe.apiBase": .init(.string(baseURL), isSecret: false)]
    }

    /// Serves a fake Stripe for the length of `body`.
    static func run<T: Sendable>(_ body: @Sendable (FakeStripe) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let holder = Mutex<FakeStripe?>(nil)
        let router = Router()
        router.post("/v1/checkout/sessions") { request, _ in
            try await holder.withLock { $0! }.createSession(request)
        }
        router.get("/checkout/{id}") { _, context in
            holder.withLock { $0! }.checkoutPage(id: context.parameters.get("id") ?? "")
        }
        router.post("/checkout/{id}/pay") { _, context in
            try await holder.withLock { $0! }.pay(id: context.parameters.get("id") ?? "")
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let fake = FakeStripe(port: port)
            holder.withLock { $0 = fake }
            defer { group.cancelAll() }
            return try await body(fake)
        }
    }

    var sessions: [Session] { state.withLock { Array($0.sessions.values) } }
    var requestCount: Int { state.withLock { $0.requests.count } }

    // MARK: Checkout API

    func createSession(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        let fields = Self.formFields(String(buffer: body))
        let authorization = request.headers[.authorization]
        let idempotencyKey = request.headers[HTTPField.Name("Idempotency-Key")!]
        let injected = state.withLock { state in
            state.requests.append((fields, idempotencyKey, authorization))
            defer { state.failNext = nil }
            return state.failNext
        }
        if let injected { return Self.json(injected.body, status: injected.status) }
        guard authorization == "Bearer \(Self.secretKey)" else {
            return Self.error(401, "Invalid API Key provided: sk_test_****\(authorization?.suffix(4) ?? "")")
        }
        guard request.headers[.contentType] == "application/x-www-form-urlencoded" else { return Self.error(400, "Invalid request (form body expected)") }
        guard idempotencyKey?.isEmpty == false else { return Self.error(400, "The Hub must send an Idempotency-Key") }
        let required = ["mode", "line_items[0][price_data][currency]", "line_items[0][price_data][unit_amount]",
                        "line_items[0][price_data][product_data][name]", "line_items[0][quantity]", "success_url", "cancel_url",
                        "client_reference_id", "metadata[agent_id]"]
        if let missing = required.first(where: { fields[$0]?.isEmpty ?? true }) { return Self.error(400, "Missing required param: \(missing).") }
        guard fields["mode"] == "payment", fields["line_items[0][quantity]"] == "1",
            let cents = Int64(fields["line_items[0][price_data][unit_amount]"]!), cents > 0
        else { return Self.error(400, "Invalid mode, quantity or unit_amount.") }
        let id = "cs_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let session = Session(id: id, agentID: fields["metadata[agent_id]"]!, amountCents: cents, currency: fields["line_items[0][price_data][currency]"]!,
                              productName: fields["line_items[0][price_data][product_data][name]"]!, successURL: fields["success_url"]!,
                              cancelURL: fields["cancel_url"]!)
        state.withLock { $0.sessions[id] = session }
        let object: JSONValue = Self.sessionObject(session, paymentStatus: "unpaid", status: "open", url: "\(baseURL)/checkout/\(id)")
        return Self.json(String(decoding: object.serialized(), as: UTF8.self), status: 200)
    }

    func checkoutPage(id: String) -> Response {
        guard let session = state.withLock({ $0.sessions[id] }) else { return Self.json(#"{"error":{"message":"No such checkout session"}}"#, status: 404) }
        let amount = String(format: "%.2f", Double(session.amountCents) / 100)
        let html = """
            <!doctype html><html><head><meta charset="utf-8"><title>Fake Stripe Checkout</title>
            <style>body{font:16px system-ui;background:#f6f9fc;margin:40px}main{background:#fff;max-width:420px;margin:auto;padding:24px;border-radius:8px}</style></head>
            <body><main><h1>Fake Stripe Checkout</h1><p id="product">\(session.productName.replacingOccurrences(of: "<", with: "&lt;"))</p>
            <p id="amount">Pay $\(amount) \(session.currency.uppercased())</p><p id="session">\(session.id)</p>
            <form method="post" action="/checkout/\(session.id)/pay"><button id="pay" type="submit">Pay</button></form></main></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The Pay button: run `onPay`, then send the payer to the session's success URL, as Stripe does.
    func pay(id: String) async throws -> Response {
        let (session, onPay, origin) = state.withLock { ($0.sessions[id], $0.onPay, $0.returnOrigin) }
        guard let session else { return Self.error(404, "No such checkout session") }
        try await onPay?(session)
        var target = session.successURL.replacingOccurrences(of: "{CHECKOUT_SESSION_ID}", with: session.id)
        if let origin, let url = URL(string: target), let path = url.path.isEmpty ? nil : url.path {
            target = origin + path + (url.query.map { "?" + $0 } ?? "")
        }
        return Response(status: .seeOther, headers: [.location: target])
    }

    // MARK: Events

    static func sessionObject(_ session: Session, paymentStatus: String, status: String, url: String? = nil, amountTotal: Int64? = nil,
                              currency: String? = nil, agentID: String? = nil, paymentIntent: String? = nil) -> JSONValue {
        [
            "id": .string(session.id), "object": "checkout.session", "mode": "payment", "status": .string(status),
            "payment_status": .string(paymentStatus), "amount_total": .number(JSONNumber(amountTotal ?? session.amountCents)),
            "amount_subtotal": .number(JSONNumber(session.amountCents)), "currency": .string(currency ?? session.currency),
            "client_reference_id": .string(agentID ?? session.agentID), "metadata": ["agent_id": .string(agentID ?? session.agentID)],
            "payment_intent": paymentIntent.map { .string($0) } ?? .null, "success_url": .string(session.successURL),
            "cancel_url": .string(session.cancelURL), "url": url.map { .string($0) } ?? .null, "livemode": false,
        ]
    }

    /// A `checkout.session.*` event for a session this fake created (or any session id).
    func event(_ type: String, sessionID: String, paymentStatus: String = "paid", amountTotal: Int64? = nil, currency: String? = nil,
               agentID: String? = nil) -> [UInt8] {
        let session = state.withLock { $0.sessions[sessionID] }
            ?? Session(id: sessionID, agentID: agentID ?? "jecp_ag_nobodyAAAAAAAAAAAAAAAAAA", amountCents: amountTotal ?? 500, currency: "usd",
                       productName: "x", successURL: "https://x", cancelURL: "https://x")
        let status = type == "checkout.session.expired" ? "expired" : "complete"
        let intent = paymentStatus == "paid" ? "pi_" + sessionID.suffix(12) : nil
        let object = Self.sessionObject(session, paymentStatus: paymentStatus, status: status, amountTotal: amountTotal, currency: currency,
                                        agentID: agentID, paymentIntent: intent)
        let event: JSONValue = [
            "id": .string("evt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24).lowercased()), "object": "event",
            "api_version": "2024-06-20", "created": .number(JSONNumber(Int64(Date().timeIntervalSince1970))), "type": .string(type),
            "livemode": false, "pending_webhooks": 1, "data": ["object": object],
        ]
        return event.serialized()
    }

    /// `Stripe-Signature` for `body`: `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "t.body")>`.
    static func signature(_ body: [UInt8], secret: String = webhookSecret, timestamp: Int64 = Int64(Date().timeIntervalSince1970)) -> String {
        "t=\(timestamp),v1=\(hexMAC(body, secret: secret, timestamp: timestamp))"
    }

    static func hexMAC(_ body: [UInt8], secret: String, timestamp: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Wire helpers

    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[parts[0]] = parts.count == 2 ? parts[1] : ""
        }
        return fields
    }

    static func json(_ text: String, status: Int) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ status: Int, _ message: String) -> Response {
        let body: JSONValue = ["error": ["type": "invalid_request_error", "message": .string(message)]]
        return json(String(decoding: body.serialized(), as: UTF8.self), status: status)
    }
}

extension TestHub {
    /// Delivers a Stripe event to `/webhooks/stripe` as Stripe would.
    func deliverStripeEvent(_ body: [UInt8], signature: String? = nil) async throws -> HubResponse {
        try await request(.post, "/webhooks/stripe", body: body,
                          headers: ["Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature ?? FakeStripe.signature(body)])
    }

    /// Every ledger invariant, checked by the store on the Hub's own database (as `jecp-hub ledger verify` does).
    func ledgerViolations() async throws -> [LedgerViolation] {
        var values: [AbsoluteConfigKey: ConfigValue] = ["db.sqlitePath": .init(.string(databasePath), isSecret: false), "log.level": "error"]
        if let postgresDatabase {
            let server = try await TestPostgres.shared.server()
            values["db.kind"] = "postgres"
            values["db.postgres.host"] = .init(.string(server.socketDirectory), isSecret: false)
            values["db.postgres.port"] = .init(.int(server.port), isSecret: false)
            values["db.postgres.user"] = .init(.string(server.user), isSecret: false)
            values["db.postgres.database"] = .init(.string(postgresDatabase), isSecret: false)
            values["db.postgres.tls"] = "disable"
        }
        return try await verifyLedger(reader: ConfigReader(provider: InMemoryProvider(values: values)))
    }
}
