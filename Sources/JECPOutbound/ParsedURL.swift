/// An absolute URI split per RFC 3986 §3, every component checked against its grammar.
///
/// Deliberately stricter than browsers (WHATWG): no whitespace or control characters anywhere,
/// no backslashes, at most one "@", and percent signs only as `%XX`. Bytes outside ASCII are let
/// through in the host alone, so the host-syntax step can name them as what they are.
struct ParsedURL {
    struct Failure: Error {
        let message: String
    }

    /// Lowercased.
    var scheme: String
    /// Nil when there is no "//" authority (`mailto:x`, `file:/etc`).
    var authority: Authority?
    /// Path, `?query` included; the fragment is dropped (it is never sent).
    var pathAndQuery: String

    struct Authority {
        var hasUserinfo: Bool
        /// As written: a reg-name (maybe percent-encoded) or a bracketed IP-literal's content.
        var host: String
        var isBracketed: Bool
        var port: Int?
    }

    static let maximumLength = 8192

    init(_ text: String) throws(Failure) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw Failure(message: "the URL is empty") }
        guard bytes.count <= Self.maximumLength else {
            throw Failure(message: "the URL is longer than \(Self.maximumLength) bytes")
        }

        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, isAlpha(bytes[0]),
            bytes[..<colon].allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 0x2b || $0 == 0x2d || $0 == 0x2e })
        else { throw Failure(message: "the URL has no valid scheme") }
        self.scheme = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()

        var rest = bytes[(colon + 1)...]
        // The fragment first: it may hold "/", "?" and "#"-free text that is not ours to route on.
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            try Self.validate(rest[(hash + 1)...], allowing: Self.queryCharacters, what: "fragment")
            rest = rest[..<hash]
        }
        if rest.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) {
            let afterSlashes = rest.index(rest.startIndex, offsetBy: 2)
            let end =
                rest[afterSlashes...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
                ?? rest.endIndex
            self.authority = try Self.parseAuthority(rest[afterSlashes..<end])
            rest = rest[end...]
        } else {
            self.authority = nil
        }

        let pathEnd = rest.firstIndex(of: UInt8(ascii: "?")) ?? rest.endIndex
        try Self.validate(rest[..<pathEnd], allowing: Self.pathCharacters, what: "path")
        try Self.validate(rest[pathEnd...].dropFirst(), allowing: Self.queryCharacters, what: "query")
        self.pathAndQuery = String(decoding: rest, as: UTF8.self)
    }

    private static func parseAuthority(_ authority: ArraySlice<UInt8>) throws(Failure) -> Authority {
        var hostPort = authority
        var hasUserinfo = false
        let ats = authority.indices.filter { authority[$0] == UInt8(ascii: "@") }
        if ats.count > 1 {
            throw Failure(message: "the authority holds more than one \"@\"")
        }
        if let at = ats.first {
            try validate(authority[..<at], allowing: userinfoCharacters, what: "userinfo")
            hasUserinfo = true
            hostPort = authority[(at + 1)...]
        }

        let host: ArraySlice<UInt8>
        var portText: ArraySlice<UInt8> = []
        var isBracketed = false
        if hostPort.first == UInt8(ascii: "[") {
            guard let close = hostPort.firstIndex(of: UInt8(ascii: "]")) else {
                throw Failure(message: "an IP literal is missing its \"]\"")
            }
            host = hostPort[(hostPort.startIndex + 1)..<close]
            isBracketed = true
            let after = hostPort[(close + 1)...]
            if let first = after.first {
                guard first == UInt8(ascii: ":") else {
                    throw Failure(message: "unexpected characters after the IP literal")
                }
                portText = after.dropFirst()
            }
            try validate(host, allowing: ipLiteralCharacters, what: "IP literal")
        } else {
            if let portColon = hostPort.firstIndex(of: UInt8(ascii: ":")) {
                host = hostPort[..<portColon]
                portText = hostPort[(portColon + 1)...]
            } else {
                host = hostPort
            }
            try validate(host, allowing: regNameCharacters, what: "host", allowNonASCII: true)
        }

        var port: Int?
        if !portText.isEmpty {
            guard portText.allSatisfy(isDigit), portText.count <= 5, let value = Int(String(decoding: portText, as: UTF8.self)),
                (1...65535).contains(value)
            else { throw Failure(message: "the port is not a number in 1...65535") }
            port = value
        }
        return Authority(
            hasUserinfo: hasUserinfo,
            host: String(decoding: host, as: UTF8.self),
            isBracketed: isBracketed,
            port: port
        )
    }

    // MARK: Character classes (RFC 3986 §2, §3)

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    private static let subDelims = Set("!$&'()*+,;=".utf8)
    private static let regNameCharacters = unreserved.union(subDelims)
    private static let userinfoCharacters = regNameCharacters.union(":".utf8)
    private static let pathCharacters = userinfoCharacters.union("@/".utf8)
    private static let queryCharacters = pathCharacters.union("?".utf8)
    /// IPv6address and IPvFuture; "%" for zone identifiers, which the host step then refuses by name.
    private static let ipLiteralCharacters = userinfoCharacters

    /// Every byte in `allowing`, or a valid `%XX` escape (or, for the host, outside ASCII).
    private static func validate(
        _ text: ArraySlice<UInt8>,
        allowing allowed: Set<UInt8>,
        what: String,
        allowNonASCII: Bool = false
    ) throws(Failure) {
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < text.endIndex,
                    hexValue(text[index + 1]) != nil, hexValue(text[index + 2]) != nil
                else { throw Failure(message: "the \(what) has a \"%\" that is not followed by two hex digits") }
                index += 3
                continue
            }
            if byte >= 0x80 && allowNonASCII {
                index += 1
                continue
            }
            guard allowed.contains(byte) else {
                throw Failure(message: "the \(what) contains \(describe(byte)), which a URL may not hold there")
            }
            index += 1
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x20: "a space"
        case 0..<0x20, 0x7f: "a control character"
        case 0x80...: "a non-ASCII character"
        default: "\"\(Character(Unicode.Scalar(byte)))\""
        }
    }
}

private func isAlpha(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
}
