/// A URL that passed steps 1–3 of the pipeline (and the deny check, if its host is an IP literal).
public struct CheckedHost: Sendable, Hashable {
    /// `https` or (when the policy allows it) `http`.
    public let scheme: String
    /// Lowercase and percent-decoded, without a trailing dot; an IPv6 literal without brackets.
    public let host: String
    /// Explicit, or the scheme's default.
    public let port: Int
    /// Path and query, at least "/"; no fragment.
    public let path: String
    /// Set when the host is an IP literal.
    public let literalAddress: IPAddress?

    /// `scheme://host[:port]/path?query`, the port only when not the scheme's default.
    public var url: String {
        let host = self.literalAddress.map { $0.isIPv4 ? $0.description : "[\($0)]" } ?? self.host
        let defaultPort = self.scheme == "https" ? 443 : 80
        return "\(self.scheme)://\(host)\(self.port == defaultPort ? "" : ":\(self.port)")\(self.path)"
    }
}

/// A URL that passed the whole pipeline, with the address every connection must go to.
public struct CheckedURL: Sendable, Hashable {
    /// Normalized absolute URL to request: `scheme://host[:port]/path?query` (no userinfo, no fragment).
    public let url: String
    public let scheme: String
    /// Lowercase and percent-decoded; an IPv6 literal without brackets.
    public let host: String
    public let port: Int
    /// Path and query, at least "/".
    public let path: String
    /// The pinned address: every resolved address passed the deny check, and this (the first) is
    /// the one to connect to.
    public let address: IPAddress

    /// Whether the host is an IP literal (nothing to pin by name).
    public var hostIsLiteral: Bool { IPAddress(self.host) != nil }

    init(_ checked: CheckedHost, address: IPAddress) {
        self.url = checked.url
        self.scheme = checked.scheme
        self.host = checked.host
        self.port = checked.port
        self.path = checked.path
        self.address = address
    }
}
