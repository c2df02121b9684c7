import Crypto
import JECPModels

/// Encrypts secrets the Hub must use again later (provider HMAC secrets, webhook secrets) before
/// they reach the database: AES-256-GCM under a key derived from the Hub's key secret with HKDF,
/// so a stolen database alone reveals none of them.
public struct SecretBox: Sendable {
    private let key: SymmetricKey
    private static let version: UInt8 = 1

    public init(keySecret: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: keySecret), salt: Array("jecp-secret-box".utf8),
                                     info: Array("v1".utf8), outputByteCount: 32)
    }

    /// `version ‖ nonce ‖ ciphertext ‖ tag`.
    public func seal(_ secret: String) -> [UInt8] {
        // AES-GCM only fails for invalid key or nonce sizes, which are fixed here.
        let box = try! AES.GCM.seal(Array(secret.utf8), using: key)
        return [Self.version] + Array(box.combined!)
    }

    /// Nil when the bytes were not sealed with this key (or were altered).
    public func open(_ sealed: [UInt8]) -> String? {
        guard sealed.first == Self.version, let box = try? AES.GCM.SealedBox(combined: sealed.dropFirst()),
              let plain = try? AES.GCM.open(box, using: key) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}
