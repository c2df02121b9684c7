import Configuration
import Foundation

/// Stripe Checkout for wallet top-ups: `stripe.secretKey` (`STRIPE_SECRET_KEY`),
/// `stripe.webhookSecret` (`STRIPE_WEBHOOK_SECRET`) and `stripe.apiBase` (`STRIPE_API_BASE`).
/// The base is operator configuration (tests point it at a local fake), so it skips the SSRF guard.
public struct StripeConfiguration: Sendable {
    public var secretKey: String
    public var webhookSecret: String
    /// Origin of Stripe's REST API, without a trailing slash.
    public var apiBase: String
}

extension HubConfiguration {
    /// Nil when Stripe is not configured. The two secrets go together: a Hub that could open
    /// checkouts but not verify their webhooks would take money it never credits.
    static func stripe(reader: ConfigReader) throws(Invalid) -> StripeConfiguration? {
        func value(_ key: ConfigKey, secret: Bool) -> String? {
            reader.string(forKey: key, isSecret: secret).flatMap { $0.isEmpty ? nil : $0 }
        }
        let secretKey = value("stripe.secretKey", secret: true)
        let webhookSecret = value("stripe.webhookSecret", secret: true)
        guard let secretKey, let webhookSecret else {
            if secretKey != nil || webhookSecret != nil {
                throw Invalid(description: "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set together (top-up needs both: one opens checkouts, the other verifies Stripe's webhooks)")
            }
            return nil
        }
        var base = value("stripe.apiBase", secret: false) ?? "https://api.stripe.com"
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil,
            url.user == nil, url.password == nil, url.query == nil, url.fragment == nil
        else {
            throw Invalid(description: "STRIPE_API_BASE must be an http(s) origin like https://api.stripe.com, got '\(base)'")
        }
        return StripeConfiguration(secretKey: secretKey, webhookSecret: webhookSecret, apiBase: base)
    }

    /// `jecp.topupAmountsUsd` (`JECP_TOPUP_AMOUNTS_USD`): the whole-dollar amounts offered, e.g. `5,20,100`.
    static func topupAmounts(reader: ConfigReader) throws(Invalid) -> [Int] {
        let text = reader.string(forKey: "jecp.topupAmountsUsd", default: "5,20,100")
        let amounts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !amounts.isEmpty, amounts.allSatisfy({ $0 != nil && (1...10_000).contains($0!) }) else {
            throw Invalid(description: "JECP_TOPUP_AMOUNTS_USD must be a comma-separated list of whole dollars from 1 to 10000, got '\(text)'")
        }
        return Array(Set(amounts.compactMap { $0 })).sorted()
    }
}
