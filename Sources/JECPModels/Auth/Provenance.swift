import Crypto
import Foundation

/// Provenance v2 (spec 02 §5.2): `v2:<unix seconds>:<nonce hex>:<HMAC-SHA256(api_key, agent_id:ts:nonce)>`.
public enum Provenance {
    /// The spec fixes the skew window; it must not be widened.
    public static let maximumSkewSeconds: Int64 = 300

    /// Reasons of the closed `details.subcause` registry (spec 03 §3.1) this verifier can produce.
    public enum Failure: String, Sendable, Error, Equatable {
        case wireMalformed = "wire_malformed"
        case clockSkew = "clock_skew"
        case hmacMismatch = "hmac_mismatch"
        case nonceReplay = "nonce_replay"
    }

    public struct Verified: Sendable, Equatable {
        public let timestamp: Int64
        /// Lowercased, as the replay cache must compare nonces case-insensitively (§5.2.1).
        public let nonce: String
    }

    public static func computeV2(apiKey: String, agentID: String, timestamp: Int64, nonce: String) -> String {
        "v2:\(timestamp):\(nonce):\(tagHex(apiKey: apiKey, agentID: agentID, timestamp: String(timestamp), nonce: nonce))"
    }

    /// A fresh 32-hex-character nonce from the system's secure generator.
    public static func freshNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in hexByte(UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Checks wire format, clock skew and HMAC. Nonce replay is the caller's (stateful) job.
    /// On skew, `drift` is `now - timestamp`.
    public static func verifyV2(
        _ wire: String, apiKey: String, agentID: String, now: Int64
    ) -> Result<Verified, Failure> {
        let parts = wire.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "v2",
            !parts[1].isEmpty, parts[1].utf8.count <= 18, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let timestamp = Int64(parts[1]),
            parts[2].utf8.count >= 16, parts[2].utf8.count <= 256, parts[2].utf8.allSatisfy(isHex),
            parts[3].utf8.count == 64, parts[3].utf8.allSatisfy(isLowerHex)
        else { return .failure(.wireMalformed) }
        guard abs(now - timestamp) <= maximumSkewSeconds else { return .failure(.clockSkew) }
        let nonce = String(parts[2])
        let expected = tag(apiKey: apiKey, agentID: agentID, timestamp: String(parts[1]), nonce: nonce)
        guard let received = decodeHex(parts[3]), constantTimeEqual(Array(expected), received) else {
            return .failure(.hmacMismatch)
        }
        return .success(Verified(timestamp: timestamp, nonce: nonce.lowercased()))
    }

    /// The timestamp of a well-formed v2 wire string (for `details.drift_seconds`).
    public static func timestamp(of wire: String) -> Int64? {
        let parts = wire.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "v2" else { return nil }
        return Int64(parts[1])
    }

    static func tag(apiKey: String, agentID: String, timestamp: String, nonce: String) -> HashedAuthenticationCode<SHA256> {
        let key = SymmetricKey(data: Array(apiKey.utf8))
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array(agentID.utf8))
        hmac.update(data: [UInt8(ascii: ":")])
        hmac.update(data: Array(timestamp.utf8))
        hmac.update(data: [UInt8(ascii: ":")])
        hmac.update(data: Array(nonce.utf8))
        return hmac.finalize()
    }

    static func tagHex(apiKey: String, agentID: String, timestamp: String, nonce: String) -> String {
        tag(apiKey: apiKey, agentID: agentID, timestamp: timestamp, nonce: nonce).map(hexByte).joined()
    }
}

@inline(__always) func isHex(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
}

@inline(__always) func isLowerHex(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
}

func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
}

func decodeHex(_ text: Substring) -> [UInt8]? {
    let bytes = Array(text.utf8)
    guard bytes.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count / 2)
    func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
    var index = 0
    while index < bytes.count {
        guard let high = value(bytes[index]), let low = value(bytes[index + 1]) else { return nil }
        out.append(high << 4 | low)
        index += 2
    }
    return out
}

/// Compares without an early exit, so timing does not reveal how many bytes matched.
public func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}

extension Sequence<UInt8> {
    /// Lowercase hex.
    public var hexString: String { map(hexByte).joined() }
}
