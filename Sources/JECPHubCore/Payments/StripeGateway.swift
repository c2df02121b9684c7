import JECPModels

/// Creates Stripe Checkout Sessions. The Hub's implementation speaks Stripe's REST API over
/// HTTP (`StripeCheckoutClient` in the HTTP target); the core only needs this one call.
public protocol StripeGateway: Sendable {
    func createCheckoutSession(_ request: CheckoutRequest) async throws(StripeFailure) -> CheckoutSession
}

/// One `mode=payment` Checkout Session for a wallet top-up.
public struct CheckoutRequest: Sendable, Equatable {
    public var agentID: String
    /// Smallest currency unit (US cents).
    public var amountCents: Int64
    public var currency: String
    public var productName: String
    /// Contains Stripe's `{CHECKOUT_SESSION_ID}` template, which Stripe fills in.
    public var successURL: String
    public var cancelURL: String
    /// Sent as `Idempotency-Key`, so a retried request cannot open a second session.
    public var idempotencyKey: String

    public init(agentID: String, amountCents: Int64, currency: String = "usd", productName: String, successURL: String, cancelURL: String,
                idempotencyKey: String) {
        self.agentID = agentID
        self.amountCents = amountCents
        self.currency = currency
        self.productName = productName
        self.successURL = successURL
        self.cancelURL = cancelURL
        self.idempotencyKey = idempotencyKey
    }
}

public struct CheckoutSession: Sendable, Equatable {
    public var id: String
    /// The hosted payment page the payer opens.
    public var url: String

    public init(id: String, url: String) {
        self.id = id
        self.url = url
    }
}

public enum StripeFailure: Error, Sendable, Equatable {
    /// Stripe answered 4xx: the request or the Hub's Stripe account is wrong; retrying will not help.
    /// `message` is Stripe's `error.message` (never contains the secret key).
    case rejected(status: Int, message: String?)
    /// Stripe answered 5xx, or could not be reached, or answered something unreadable.
    case unavailable(String)
}
