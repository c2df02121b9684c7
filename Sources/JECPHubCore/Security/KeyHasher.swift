import Crypto
import JECPModels

/// Hashes API keys for storage: HMAC-SHA256 under a server secret.
///
/// API keys are 48 random characters (~286 bits), so a fast keyed hash is the right tool: no
/// dictionary or brute-force attack exists against that entropy, and bcrypt/argon2 would only add
/// milliseconds to every request. The server key means a stolen database alone cannot even
/// confirm a guessed key.
public struct KeyHasher: Sendable {
    private let key: SymmetricKey

    public init(secret: [UInt8]) {
        self.key = SymmetricKey(data: secret)
    }

    public func hash(_ apiKey: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(apiKey.utf8), using: key))
    }

    /// Constant-time check of a presented key against a stored hash.
    public func matches(_ apiKey: String, storedHash: [UInt8]) -> Bool {
        constantTimeEqual(hash(apiKey), storedHash)
    }
}
