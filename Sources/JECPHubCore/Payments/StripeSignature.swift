import Crypto
import Foundation
import JECPModels

/// Verification of Stripe's `Stripe-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256>`,
/// possibly with several `v1` entries (Stripe sends one per active secret while one rolls) and
/// other schemes (`v0`) that are ignored. The MAC is over `"<t>.<raw body>"` with the endpoint's
/// signing secret (`whsec_…`), used as given.
public enum StripeSignature {
    public static let toleranceSeconds: Int64 = 300

    /// True when one `v1` matches and `t` is within the tolerance of `now`. Every candidate is
    /// compared in constant time, none skipped, so timing says nothing about which one matched.
    public static func verify(header: String?, body: [UInt8], secret: String, now: Int64, tolerance: Int64 = toleranceSeconds) -> Bool {
        guard let header else { return false }
        var timestamp: Int64?
        var candidates: [[UInt8]] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t" where timestamp == nil: timestamp = Int64(pair[1])
            case "v1": if let bytes = hexBytes(pair[1]) { candidates.append(bytes) }
            default: continue
            }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance, !candidates.isEmpty else { return false }
        let expected = mac(secret: secret, timestamp: timestamp, body: body)
        var matched = false
        for candidate in candidates where constantTimeEqual(expected, candidate) { matched = true }
        return matched
    }

    /// The header Stripe would send for `body` at `timestamp` (for tests and local tooling).
    public static func header(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=" + mac(secret: secret, timestamp: timestamp, body: body).map { String(format: "%02x", $0) }.joined()
    }

    static func mac(secret: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        hmac.update(data: Array("\(timestamp).".utf8))
        hmac.update(data: body)
        return Array(hmac.finalize())
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
