import Crypto
import JECPModels

/// Signs artifact URLs so they work without credentials (an agent can hand one to a mail service)
/// yet cannot be forged, extended or pointed at another artifact.
public struct ArtifactSigner: Sendable {
    private let key: SymmetricKey

    /// Derives its own key from the Hub's key secret, so a leaked URL signature says nothing about API key hashes.
    public init(secret: [UInt8]) {
        let derived = HMAC<SHA256>.authenticationCode(for: Array("jecp-artifact-url-v1".utf8), using: SymmetricKey(data: secret))
        key = SymmetricKey(data: Array(derived))
    }

    public func signature(id: String, expiresAt: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(id):\(expiresAt)".utf8), using: key)
        return Array(mac).hexString
    }

    /// Constant-time check of a signature taken from a URL.
    public func isValid(signature: String, id: String, expiresAt: Int64) -> Bool {
        constantTimeEqual(Array(signature.utf8), Array(self.signature(id: id, expiresAt: expiresAt).utf8))
    }

    /// `<publicURL>/v1/artifacts/<id>?expires=<unix>&sig=<hex>`.
    public func url(publicURL: String, id: String, expiresAt: Int64) -> String {
        "\(publicURL)/v1/artifacts/\(id)?expires=\(expiresAt)&sig=\(signature(id: id, expiresAt: expiresAt))"
    }
}
