/// Agent and provider identifiers and secrets (spec 02 §3.1): `<prefix>_<kind>_<random>`.
public enum Credentials {
    public enum Kind: String, Sendable {
        case agentID = "ag"
        case agentKey = "ak"
        case providerID = "pr"
        case providerKey = "pk"
        case eventID = "ev"
        case refundID = "rf"
        case subscriptionID = "wh"
        case webhookSecret = "whsec"

        /// 24 characters for ids, 48 for keys and secrets: ~143 and ~286 bits from a 62-symbol alphabet.
        var length: Int {
            switch self {
            case .agentID, .providerID, .eventID, .refundID, .subscriptionID: 24
            case .agentKey, .providerKey, .webhookSecret: 48
            }
        }
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A fresh credential from the system's cryptographically secure generator (getrandom on Linux).
    public static func generate(_ kind: Kind, prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Array("\(prefix)_\(kind.rawValue)_".utf8)
        for _ in 0..<kind.length {
            // `randomElement` on a 62-element array is unbiased (it uses rejection sampling).
            bytes.append(alphabet.randomElement(using: &generator)!)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether a string has the shape `^[a-z]{2,8}_<kind>_[A-Za-z0-9]{16,}$` (spec 02 §4.2).
    public static func isWellFormed(_ value: String, kind: Kind) -> Bool {
        let parts = value.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, (2...8).contains(parts[0].utf8.count),
            parts[0].utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }),
            parts[1] == kind.rawValue,
            parts[2].utf8.count >= 16, parts[2].utf8.count <= 128,
            parts[2].utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) })
        else { return false }
        return true
    }
}
