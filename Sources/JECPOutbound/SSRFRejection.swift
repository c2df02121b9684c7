/// A URL the SSRF guard refused: the details of a `URL_BLOCKED_SSRF` error (spec 02 §9.7.1.3).
public struct SSRFRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case parseError = "parse_error"
        case scheme
        case hostSyntax = "host_syntax"
        case resolvedToDenyCIDR = "resolved_to_deny_cidr"
        /// The name did not resolve (the message carries the DNS error).
        case unresolvable
    }

    /// Which request field held the URL, e.g. `endpoint_url`.
    public let field: String
    /// The URL with any userinfo replaced by `***`, at most 2048 characters.
    public let blockedURL: String
    public let reason: Reason
    /// A sentence saying what was wrong.
    public let message: String

    /// `url` is redacted here, so no caller can forget to.
    public init(field: String, url: String, reason: Reason, message: String) {
        self.field = field
        self.blockedURL = Self.redactingCredentials(url)
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(self.field): \(self.reason.rawValue): \(self.message)" }

    static let maximumBlockedURLLength = 2048

    /// `https://user:pass@host/x` → `https://***@host/x`. Works on text that failed to parse too:
    /// whatever sits between the scheme's slashes and the last "@" before the path is hidden.
    public static func redactingCredentials(_ url: String) -> String {
        var text = Substring(url)
        if text.count > maximumBlockedURLLength {
            text = Substring(String(text.prefix(maximumBlockedURLLength)) + "…")
        }
        guard let colon = text.firstIndex(of: ":") else { return String(text) }
        let authorityStart = text[text.index(after: colon)...].firstIndex(where: { $0 != "/" && $0 != "\\" }) ?? text.endIndex
        let authorityEnd =
            text[authorityStart...].firstIndex(where: { $0 == "/" || $0 == "\\" || $0 == "?" || $0 == "#" })
            ?? text.endIndex
        guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") else { return String(text) }
        return String(text[..<authorityStart] + "***" + text[at...])
    }
}
