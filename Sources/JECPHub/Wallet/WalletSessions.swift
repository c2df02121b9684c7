import Crypto
import Foundation
import JECPHubCore
import JECPModels

/// Stateless sign-in for the wallet page, so any Hub node can serve it.
///
/// The cookie is `<agent id>.<expiry>.<MAC>`, the MAC an HMAC-SHA256 under a key derived from the
/// Hub's key secret over the id, the expiry and the agent's current key hash: rotating the key
/// ends every session. CSRF tokens are MACs of the session cookie (or, before sign-in, of a random
/// pre-session cookie), checked in constant time.
struct WalletSessions: Sendable {
    static let cookieName = "jecp_wallet"
    static let loginCookieName = "jecp_wallet_login"
    /// Sessions last a working day; signing in again is cheap.
    static let lifetimeSeconds: Int64 = 8 * 3_600

    private let key: SymmetricKey
    /// Cookies carry `Secure` when the Hub is served over https.
    let secure: Bool

    init(keySecret: [UInt8], secure: Bool) {
        // A key of its own, so a wallet MAC can never be confused with a key hash or artifact signature.
        key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array("jecp wallet sessions v1".utf8), using: SymmetricKey(data: keySecret)))
        self.secure = secure
    }

    struct Claims: Equatable {
        let agentID: String
        let expiresAt: Int64
        let mac: [UInt8]
    }

    func issue(agent: AgentRecord, now: Int64) -> String {
        let expiry = now + Self.lifetimeSeconds
        return "\(agent.id).\(expiry).\(Self.base64URL(mac("session", agent.id, String(expiry), agent.keyHash)))"
    }

    /// The claims of a well-formed, unexpired cookie; the caller still checks them against the agent.
    func claims(_ cookie: String?, now: Int64) -> Claims? {
        guard let cookie else { return nil }
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, Credentials.isWellFormed(String(parts[0]), kind: .agentID), let expiry = Int64(parts[1]), expiry > now,
            let mac = Self.bytes(base64URL: String(parts[2]))
        else { return nil }
        return Claims(agentID: String(parts[0]), expiresAt: expiry, mac: mac)
    }

    /// True when the claims were issued for this agent under its current key.
    func matches(_ claims: Claims, agent: AgentRecord) -> Bool {
        constantTimeEqual(claims.mac, mac("session", agent.id, String(claims.expiresAt), agent.keyHash))
    }

    /// The form token for a session (or pre-session) cookie value.
    func csrfToken(for cookie: String) -> String {
        Self.base64URL(mac("csrf", cookie, "", []))
    }

    func checkCSRF(_ token: String?, cookie: String?) -> Bool {
        guard let token, let cookie, let presented = Self.bytes(base64URL: token) else { return false }
        return constantTimeEqual(presented, mac("csrf", cookie, "", []))
    }

    /// A random value for the pre-session cookie that the sign-in form's token is bound to.
    static func loginNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL((0..<18).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    private func mac(_ purpose: String, _ first: String, _ second: String, _ bytes: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        // Length-prefixed fields: no two inputs serialize alike.
        for field in [Array(purpose.utf8), Array(first.utf8), Array(second.utf8), bytes] {
            hmac.update(data: Array(String(field.count).utf8) + [0x3A] + field)
        }
        return Array(hmac.finalize())
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func bytes(base64URL text: String) -> [UInt8]? {
        guard text.count <= 128 else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
