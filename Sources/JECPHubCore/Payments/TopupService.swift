import Foundation
import JECPModels
import Logging

/// Wallet top-ups through Stripe Checkout: opening a session for an agent, and crediting it
/// exactly once when Stripe's signed webhook says it is paid.
public struct TopupService<Store: HubStore>: Sendable {
    /// What a Hub needs to take payments; nil when the operator has not configured Stripe.
    public struct Stripe: Sendable {
        public let gateway: any StripeGateway
        /// The endpoint's signing secret (`whsec_…`), for `Stripe-Signature`.
        public let webhookSecret: String

        public init(gateway: any StripeGateway, webhookSecret: String) {
            self.gateway = gateway
            self.webhookSecret = webhookSecret
        }
    }

    let store: Store
    let settings: HubSettings
    let stripe: Stripe?
    let logger: Logger

    public init(store: Store, settings: HubSettings, stripe: Stripe?, logger: Logger) {
        self.store = store
        self.settings = settings
        self.stripe = stripe
        self.logger = logger
    }

    public var isEnabled: Bool { stripe != nil }
    public var allowedAmounts: [Int] { settings.topupAmountsUSD }

    public static func notEnabled() -> JECPError {
        JECPError(.topupNotEnabled,
                  "Top-up is not enabled on this Hub. The operator enables Stripe Checkout by setting STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.",
                  details: ["operator_settings": ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]])
    }

    // MARK: Checkout

    /// `{amount}` of `POST /api/agent/topup`: whole US dollars from the allowed set.
    public func amount(from body: JSONValue) throws(JECPError) -> Int {
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        let unknown = fields.keys.filter { $0 != "amount" }.sorted()
        guard unknown.isEmpty, let value = fields["amount"]?.numberValue?.integerValue, let amount = Int(exactly: value),
            allowedAmounts.contains(amount)
        else { throw invalidAmount(unknownFields: unknown) }
        return amount
    }

    func invalidAmount(unknownFields: [String] = []) -> JECPError {
        let list = allowedAmounts.map(String.init).joined(separator: ", ")
        var errors: [JSONValue] = unknownFields.map { ["path": .string("/\($0)"), "reason": "is not a top-up field"] }
        errors.append(["path": "/amount", "reason": .string("must be one of \(list) (whole US dollars)")])
        return JECPError(.validationFailed, "amount must be one of \(list) US dollars.",
                         details: ["errors": .array(errors), "allowed_amounts_usd": .array(allowedAmounts.map { .number(JSONNumber($0)) })],
                         nextAction: NextActions(settings: settings).topup())
    }

    /// Opens a Checkout Session for `amountUSD` and records it; the URL is returned only once
    /// the Hub knows the session, so every session a payer can pay is one the webhook can credit.
    public func start(agent: AgentRecord, amountUSD: Int, now: Int64) async throws(JECPError) -> CheckoutSession {
        guard let stripe else { throw Self.notEnabled() }
        guard allowedAmounts.contains(amountUSD) else { throw invalidAmount() }
        let request = CheckoutRequest(
            agentID: agent.id, amountCents: Int64(amountUSD) * 100, productName: "\(settings.hubName) wallet top-up: \(amountUSD) USDC",
            successURL: settings.url("/wallet/topup/success?session_id={CHECKOUT_SESSION_ID}"), cancelURL: settings.url("/wallet/topup/cancel"),
            idempotencyKey: "jecp-topup-" + UUID().uuidString.lowercased())
        let session: CheckoutSession
        switch await Self.create(request, with: stripe.gateway) {
        case .success(let created):
            session = created
        case .failure(.rejected(let status, let message)):
            logger.error("Stripe refused a checkout session", metadata: ["jecp.stripe_status": "\(status)", "jecp.stripe_message": "\(message ?? "")"])
            var details: [String: JSONValue] = ["stripe_status": .number(JSONNumber(status))]
            if let message { details["stripe_message"] = .string(message) }
            throw JECPError(.paymentProcessorError, "Stripe refused to open a checkout (HTTP \(status)); nothing was charged. The operator must check the Hub's Stripe settings.",
                            details: details)
        case .failure(.unavailable(let reason)):
            logger.warning("Stripe unavailable for a checkout session", metadata: ["jecp.error": "\(reason)"])
            throw JECPError(.paymentProcessorUnavailable, "Stripe could not be reached to open a checkout; nothing was charged. Retry shortly.",
                            details: ["retry_after_seconds": 30], nextAction: NextActions(settings: settings).wait(seconds: 30),
                            headers: [("Retry-After", "30")])
        }
        try await withStore {
            try await store.recordTopup(NewTopup(sessionID: session.id, agentID: agent.id, amount: Money(units: Int64(amountUSD)), createdAt: now))
        }
        logger.info("checkout session opened", metadata: ["jecp.agent_id": "\(agent.id)", "jecp.session_id": "\(session.id)", "jecp.amount_usd": "\(amountUSD)"])
        return session
    }

    private static func create(_ request: CheckoutRequest, with gateway: any StripeGateway) async -> Result<CheckoutSession, StripeFailure> {
        do throws(StripeFailure) {
            return .success(try await gateway.createCheckoutSession(request))
        } catch {
            return .failure(error)
        }
    }

    /// The JSON answer of `POST /api/agent/topup`.
    public func startResponse(agent: AgentRecord, body: JSONValue, now: Int64) async throws(JECPError) -> JSONValue {
        guard isEnabled else { throw Self.notEnabled() }
        let amount = try amount(from: body)
        let session = try await start(agent: agent, amountUSD: amount, now: now)
        return [
            "url": .string(session.url), "session_id": .string(session.id), "amount_usd": .number(JSONNumber(amount)),
            "status": "open", "description": "Open url to pay; the wallet is credited (USD 1:1 USDC) when Stripe confirms the payment.",
        ]
    }

    // MARK: Webhook

    /// `POST /webhooks/stripe`: verifies the signature over the raw body, then acts once per
    /// session. Events the Hub deliberately ignores are acknowledged (2xx) so Stripe stops
    /// sending them; errors are only for what a retry can fix (a bad signature, the database).
    public func handleWebhook(body: [UInt8], signature: String?, now: Int64) async throws(JECPError) -> JSONValue {
        guard let stripe else { throw Self.notEnabled() }
        guard StripeSignature.verify(header: signature, body: body, secret: stripe.webhookSecret, now: now) else {
            logger.warning("Stripe webhook with an invalid signature refused")
            throw JECPError(.stripeSignatureInvalid, "Stripe-Signature does not verify with this Hub's STRIPE_WEBHOOK_SECRET, or its timestamp is more than 300 s away.")
        }
        guard let json = try? JSONValue(parsing: body), let event = StripeEvent(json: json) else {
            throw JECPError(.invalidRequest, "The body is not a Stripe event object.")
        }
        var metadata: Logger.Metadata = ["jecp.stripe_event": "\(event.id)", "jecp.stripe_type": "\(event.type)"]
        if let session = event.session { metadata["jecp.session_id"] = "\(session.id)" }
        func answer(_ outcome: String, _ extra: [String: JSONValue] = [:]) -> JSONValue {
            .object(["received": true, "event_id": .string(event.id), "outcome": .string(outcome)].merging(extra) { $1 })
        }
        func ignored(_ reason: String) -> JSONValue {
            logger.info("Stripe event ignored", metadata: metadata.merging(["jecp.reason": "\(reason)"]) { $1 })
            return answer("ignored", ["reason": .string(reason)])
        }
        guard let session = event.session else { return ignored("event type not handled") }
        switch event.type {
        case "checkout.session.completed", "checkout.session.async_payment_succeeded":
            // `completed` with `unpaid`: an asynchronous method (bank debit) settles later and
            // `async_payment_succeeded` follows; crediting now would credit money not yet received.
            if event.type == "checkout.session.completed", session.paymentStatus != "paid" {
                return ignored("payment_status is \(session.paymentStatus ?? "missing"); waiting for checkout.session.async_payment_succeeded")
            }
            guard session.currency == "usd" else { return ignored("currency \(session.currency ?? "missing") is not usd") }
            // Cents to micro-USDC, 1:1 (spec 06 §2.2.1); the bound keeps the product far from overflow.
            guard let cents = session.amountTotal, cents > 0, cents <= 100_000_000_000 else { return ignored("amount_total missing or out of range") }
            let completion = TopupCompletion(sessionID: session.id, agentID: session.agentID, amount: Money(micros: cents * 10_000),
                                             paymentIntent: session.paymentIntent, now: now)
            switch try await withStore({ try await store.completeTopup(completion) }) {
            case .credited(let transactionID, let balance):
                logger.info("wallet topped up from Stripe", metadata: metadata.merging(["jecp.transaction_id": "\(transactionID)"]) { $1 })
                return answer("credited", ["transaction_id": .string(transactionID), "amount_usdc": completion.amount.json,
                                           "balance_after_usdc": balance.json])
            case .alreadyPaid(let transactionID):
                return answer("already_credited", ["transaction_id": transactionID.map { .string($0) } ?? .null])
            case .unknownSession:
                // Another integration on the same Stripe account, or a session of another Hub: never credit it.
                return ignored("session unknown to this Hub")
            case .agentMismatch(let expected):
                logger.error("Stripe event names another agent than its session; nothing credited",
                             metadata: metadata.merging(["jecp.agent_id": "\(expected)"]) { $1 })
                return ignored("agent does not match the session")
            case .agentMissing:
                return ignored("agent no longer exists")
            }
        case "checkout.session.expired", "checkout.session.async_payment_failed":
            let status: TopupStatus = event.type == "checkout.session.expired" ? .expired : .failed
            let closed = try await withStore { try await store.closeTopup(sessionID: session.id, status: status, now: now) }
            return closed ? answer(status.rawValue) : ignored("session not open (unknown, or already paid or closed)")
        default:
            return ignored("event type not handled")
        }
    }

    // MARK: History

    public func history(agentID: String, limit: Int = 10) async throws(JECPError) -> [TopupRecord] {
        try await withStore { try await store.topups(agentID: agentID, limit: limit) }
    }

    public func topup(sessionID: String) async throws(JECPError) -> TopupRecord? {
        try await withStore { try await store.topup(sessionID: sessionID) }
    }
}
