import Crypto
import Foundation

/// The Hub's signature on every request it sends out: to providers (`X-JECP-Signature` with
/// `X-JECP-Timestamp`) and to webhook receivers (`X-JECP-Webhook-Signature` with
/// `X-JECP-Webhook-Timestamp`). The value is `v1=<base64 HMAC-SHA256(secret, "<unix ts>.<exact body bytes>")>`.
/// Several `v1=` values (comma or space separated) may be present while a secret rotates; any one
/// matching is enough.
public enum HubSignature {
    public static func sign(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        "v1=" + Data(mac(secret: secret, timestamp: timestamp, body: body)).base64EncodedString()
    }

    /// Constant-time check of the signature, and that the timestamp is within `tolerance` seconds of `now`.
    public static func verify(secret: String, signatureHeader: String, timestampHeader: String, body: [UInt8],
                              now: Int64 = Int64(Date().timeIntervalSince1970), tolerance: Int64 = 300) -> Bool {
        guard let timestamp = Int64(timestampHeader.trimmingCharacters(in: .whitespaces)), abs(now - timestamp) <= tolerance else { return false }
        let expected = mac(secret: secret, timestamp: timestamp, body: body)
        var matched = false
        for part in signatureHeader.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard item.hasPrefix("v1="), let received = Data(base64Encoded: String(item.dropFirst(3))) else { continue }
            // No early exit: every candidate is compared, so timing does not reveal which matched.
            if constantTimeEqual(expected, Array(received)) { matched = true }
        }
        return matched
    }

    static func mac(secret: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        hmac.update(data: Array("\(timestamp).".utf8))
        hmac.update(data: body)
        return Array(hmac.finalize())
    }
}
