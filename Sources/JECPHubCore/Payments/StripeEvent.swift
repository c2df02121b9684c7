import JECPModels

/// The parts of a Stripe event the Hub acts on. Only `checkout.session.*` events carry a
/// session; every other type is acknowledged and ignored.
public struct StripeEvent: Sendable, Equatable {
    public var id: String
    public var type: String
    public var session: Session?

    /// `data.object` of a `checkout.session.*` event.
    public struct Session: Sendable, Equatable {
        public var id: String
        /// `paid`, `unpaid` (an asynchronous method still settling) or `no_payment_required`.
        public var paymentStatus: String?
        /// What the payer was charged, in the currency's smallest unit (cents).
        public var amountTotal: Int64?
        public var currency: String?
        public var paymentIntent: String?
        /// `metadata.agent_id`, else `client_reference_id`: the agent the Hub put on the session.
        public var agentID: String?
    }

    /// Nil when the bytes are not a Stripe event object.
    public init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue, let type = json["type"]?.stringValue else { return nil }
        self.id = id
        self.type = type
        guard type.hasPrefix("checkout.session."), let object = json["data"]?["object"], object["object"]?.stringValue == "checkout.session",
            let sessionID = object["id"]?.stringValue
        else { return }
        // `payment_intent` is an id, or the whole object when the endpoint expands it.
        let intent = object["payment_intent"]?.stringValue ?? object["payment_intent"]?["id"]?.stringValue
        let agent = object["metadata"]?["agent_id"]?.stringValue ?? object["client_reference_id"]?.stringValue
        session = Session(id: sessionID, paymentStatus: object["payment_status"]?.stringValue,
                          amountTotal: object["amount_total"]?.numberValue?.integerValue, currency: object["currency"]?.stringValue?.lowercased(),
                          paymentIntent: intent, agentID: agent)
    }
}
