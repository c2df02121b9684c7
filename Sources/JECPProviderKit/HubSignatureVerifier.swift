import Crypto
import Foundation
import JECPModels

/// Checks the Hub's `X-JECP-Signature` (`v1=<base64 HMAC-SHA256(secret, "<unix ts>.<exact body bytes>")>`)
/// and `X-JECP-Timestamp` on a forwarded call.
///
/// Copies share one replay cache, so a provider can hand the verifier to several routes.
public struct HubSignatureVerifier: Sendable {
    public enum Failure: Error, Sendable, Equatable {
        /// `X-JECP-Signature` or `X-JECP-Timestamp` is absent or empty.
        case missingHeaders
        /// The timestamp is not a whole number of Unix seconds.
        case malformedTimestamp
        /// The timestamp is more than the tolerance away from our clock; positive means the request is old.
        case stale(skewSeconds: Int64)
        /// No `v1=` value matches the body under this secret.
        case badSignature
        /// This exact request (timestamp and body) was accepted before, within the window.
        case replayed
    }

    /// Seconds a timestamp may be away from our clock, either way.
    public let tolerance: Int64
    private let key: SymmetricKey
    private let replays: ReplayCache

    /// - Parameters:
    ///   - secret: the HMAC secret the Hub issued for this provider.
    ///   - tolerance: accepted clock skew in seconds (spec: 300).
    ///   - replayCapacity: most signatures remembered at once; see ``ReplayCache`` for what happens beyond.
    public init(secret: String, tolerance: Int64 = 300, replayCapacity: Int = 100_000) {
        self.key = SymmetricKey(data: Array(secret.utf8))
        self.tolerance = max(0, tolerance)
        self.replays = ReplayCache(capacity: replayCapacity)
    }

    /// Constant-time check of `signature` over the exact `body` bytes. Rejects a timestamp outside
    /// ±`tolerance` of `now` and a request already accepted within that window. Several `v1=` values
    /// (comma or space separated, as while the Hub rotates secrets) are allowed; any one matching is enough.
    public func verify(signature: String?, timestamp: String?, body: [UInt8],
                       now: Int64 = Int64(Date().timeIntervalSince1970)) -> Result<Void, Failure> {
        guard let signature, let timestamp, !signature.isEmpty, !timestamp.isEmpty else { return .failure(.missingHeaders) }
        let digits = timestamp.trimmingCharacters(in: .whitespaces)
        guard (1...18).contains(digits.utf8.count), digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let sentAt = Int64(digits) else { return .failure(.malformedTimestamp) }
        let skew = now.subtractingReportingOverflow(sentAt)
        guard !skew.overflow, skew.partialValue.magnitude <= UInt64(tolerance) else {
            return .failure(.stale(skewSeconds: skew.overflow ? .min : skew.partialValue))
        }

        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array("\(sentAt).".utf8))
        hmac.update(data: body)
        let expected = Array(hmac.finalize())
        var matched = false
        for part in signature.split(whereSeparator: { $0 == "," || $0 == " " }) where part.hasPrefix("v1=") {
            guard let received = Data(base64Encoded: String(part.dropFirst(3))) else { continue }
            // No early exit: every candidate is compared, so timing does not reveal which one matched.
            if constantTimeEqual(expected, Array(received)) { matched = true }
        }
        guard matched else { return .failure(.badSignature) }
        // Only authentic requests enter the cache, so nobody without the secret can fill it.
        guard replays.admit(expected, sentAt: sentAt, now: now, tolerance: tolerance) else { return .failure(.replayed) }
        return .success(())
    }
}
