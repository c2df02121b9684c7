/// Trust tiers of spec 02 §6.2: earned by successful calls, never lost in v1.0.
public enum TrustTier: String, Sendable, CaseIterable, Comparable, Codable {
    case bronze, silver, gold, platinum

    /// The tier earned by a number of successful calls (0–99, 100–499, 500–1999, 2000+).
    public init(successfulCalls: Int64) {
        switch successfulCalls {
        case ..<100: self = .bronze
        case ..<500: self = .silver
        case ..<2000: self = .gold
        default: self = .platinum
        }
    }

    /// Calls needed to reach this tier.
    public var threshold: Int64 {
        switch self {
        case .bronze: 0
        case .silver: 100
        case .gold: 500
        case .platinum: 2000
        }
    }

    /// Requests per sliding minute.
    public var rateLimitPerMinute: Int {
        switch self {
        case .bronze: 10
        case .silver: 30
        case .gold: 100
        case .platinum: 500
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: TrustTier, rhs: TrustTier) -> Bool { lhs.rank < rhs.rank }
}
