/// The 85 / 10 / 5 split of a successful call's price.
///
/// Exact integer arithmetic: each share is floored and the remainder (at most 2 micro-USDC)
/// goes to the hub fee share, so the three parts always sum to the price. The Hub is the party
/// that chose the percentages, so it absorbs rounding rather than shorting a provider.
public struct RevenueSplit: Sendable, Equatable {
    public let provider: Money
    public let hub: Money
    public let payment: Money

    public init(price: Money) {
        precondition(price.micros >= 0, "prices are never negative")
        // Divide before multiplying so no price can overflow: floor(p * k / 100) exactly.
        let p = price.micros
        let provider = p / 100 * 85 + p % 100 * 85 / 100
        let payment = p / 100 * 5 + p % 100 * 5 / 100
        self.provider = Money(micros: provider)
        self.payment = Money(micros: payment)
        self.hub = Money(micros: price.micros - provider - payment)
    }

    public var total: Money { provider + hub + payment }
}
