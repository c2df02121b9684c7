/// The `format`s asserted when format assertion is on. Every other format stays an annotation.
enum StringFormat: String, Sendable {
    case date
    case dateTime = "date-time"
    case email
    case uri
    case uuid
    case ipv4
    case ipv6

    func accepts(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { bytes in
            switch self {
            case .date: FormatChecks.isDate(bytes)
            case .dateTime: FormatChecks.isDateTime(bytes)
            case .email: FormatChecks.isEmail(bytes)
            case .uri: FormatChecks.isURI(bytes)
            case .uuid: FormatChecks.isUUID(bytes)
            case .ipv4: FormatChecks.isIPv4(bytes[...])
            case .ipv6: FormatChecks.isIPv6(bytes[...])
            }
        }
    }
}

/// Format checks over UTF-8 bytes. Every accepted character is ASCII, so any non-ASCII byte fails.
enum FormatChecks {
    typealias Bytes = UnsafeBufferPointer<UInt8>
    typealias ByteSlice = Swift.Slice<UnsafeBufferPointer<UInt8>>

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    @inline(__always) static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    @inline(__always) static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66) }

    /// The decimal value of `count` digits at `start`, or nil when any is not an ASCII digit.
    static func number(_ bytes: Bytes, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for index in start..<start + count {
            guard isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - 0x30)
        }
        return value
    }

    // MARK: RFC 3339 date and date-time

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `full-date` (`YYYY-MM-DD`) starting at `bytes[0]`.
    static func parseDate(_ bytes: Bytes) -> Bool {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2)
        else { return false }
        return (1...12).contains(month) && day >= 1 && day <= daysInMonth(month, year: year)
    }

    static func isDate(_ bytes: Bytes) -> Bool {
        bytes.count == 10 && parseDate(bytes)
    }

    static func isDateTime(_ bytes: Bytes) -> Bool {
        guard bytes.count >= 20, parseDate(bytes), bytes[10] | 0x20 == UInt8(ascii: "t") else { return false }
        // partial-time: HH:MM:SS[.frac]
        guard bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > start else { return false }
        }
        guard index < bytes.count else { return false }
        // time-offset: Z or ±HH:MM
        var offsetMinutes = 0
        if bytes[index] | 0x20 == UInt8(ascii: "z") {
            guard index + 1 == bytes.count else { return false }
        } else {
            guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count,
                bytes[index + 3] == UInt8(ascii: ":"),
                let offsetHour = number(bytes, index + 1, 2), let offsetMinute = number(bytes, index + 4, 2),
                offsetHour <= 23, offsetMinute <= 59
            else { return false }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        if second == 60 {
            // A leap second exists only at 23:59:60 UTC.
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    // MARK: UUID

    static func isUUID(_ bytes: Bytes) -> Bool {
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard isHex(byte) else { return false }
            }
        }
        return true
    }

    // MARK: IP addresses

    /// Dotted-quad IPv4, decimal octets without leading zeros.
    static func isIPv4(_ bytes: ByteSlice) -> Bool {
        var octets = 0
        var index = bytes.startIndex
        while true {
            let start = index
            var value = 0
            while index < bytes.endIndex, isDigit(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
                if index - start > 3 { return false }
            }
            let length = index - start
            guard length > 0, value <= 255, length == 1 || bytes[start] != UInt8(ascii: "0") else { return false }
            octets += 1
            if index == bytes.endIndex { return octets == 4 }
            guard bytes[index] == UInt8(ascii: "."), octets < 4 else { return false }
            index += 1
        }
    }

    /// RFC 4291 text form, with an optional trailing dotted-quad; no zone id, no brackets.
    static func isIPv6(_ bytes: ByteSlice) -> Bool {
        guard !bytes.isEmpty else { return false }
        var groups = 0
        var sawDoubleColon = false
        var index = bytes.startIndex
        if bytes[index] == UInt8(ascii: ":") {
            guard bytes.count >= 2, bytes[index + 1] == UInt8(ascii: ":") else { return false }
            sawDoubleColon = true
            index += 2
            if index == bytes.endIndex { return true }
        }
        while index < bytes.endIndex {
            // One group, or the final IPv4 part.
            let start = index
            while index < bytes.endIndex, isHex(bytes[index]) { index += 1 }
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
                guard isIPv4(bytes[start...]) else { return false }
                groups += 2
                index = bytes.endIndex
                break
            }
            let length = index - start
            guard length >= 1, length <= 4 else { return false }
            groups += 1
            if index == bytes.endIndex { break }
            guard bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return false }
                sawDoubleColon = true
                index += 1
                if index == bytes.endIndex { break }
            } else if index == bytes.endIndex {
                return false  // trailing single colon
            }
        }
        return sawDoubleColon ? groups <= 7 : groups == 8
    }

    // MARK: Email (RFC 5321 mailbox)

    static func isAtext(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
            UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isEmail(_ bytes: Bytes) -> Bool {
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at + 1 < bytes.count else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        return isLocalPart(local) && isMailDomain(domain)
    }

    private static func isLocalPart(_ local: ByteSlice) -> Bool {
        guard local.count <= 64 else { return false }
        if local.first == UInt8(ascii: "\"") {
            // quoted-string: printable ASCII except `"` and `\`, or a quoted pair.
            guard local.count >= 2, local.last == UInt8(ascii: "\"") else { return false }
            var index = local.startIndex + 1
            let end = local.endIndex - 1
            while index < end {
                let byte = local[index]
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < end, local[index + 1] >= 0x20, local[index + 1] <= 0x7E else { return false }
                    index += 2
                    continue
                }
                guard byte >= 0x20, byte <= 0x7E, byte != UInt8(ascii: "\"") else { return false }
                index += 1
            }
            return true
        }
        // dot-atom
        var previousWasDot = true
        for byte in local {
            if byte == UInt8(ascii: ".") {
                if previousWasDot { return false }
                previousWasDot = true
            } else {
                guard isAtext(byte) else { return false }
                previousWasDot = false
            }
        }
        return !previousWasDot
    }

    private static func isMailDomain(_ domain: ByteSlice) -> Bool {
        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]"), domain.count > 2 else { return false }
            let literal = domain[(domain.startIndex + 1)..<(domain.endIndex - 1)]
            let prefix: [UInt8] = Array("IPv6:".utf8)
            if literal.count > prefix.count, literal.prefix(prefix.count).elementsEqual(prefix) {
                return isIPv6(literal[(literal.startIndex + prefix.count)...])
            }
            return isIPv4(literal)
        }
        return isHostname(domain)
    }

    /// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
    static func isHostname(_ name: ByteSlice) -> Bool {
        guard !name.isEmpty, name.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in name {
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength = 0
            } else {
                guard isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "-") else { return false }
                if labelLength == 0 && byte == UInt8(ascii: "-") { return false }
                labelLength += 1
                if labelLength > 63 { return false }
            }
            previous = byte
        }
        return labelLength > 0 && previous != UInt8(ascii: "-")
    }

    // MARK: URI (RFC 3986 absolute URI, fragment allowed)

    @inline(__always) static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }

    @inline(__always) static func isSubDelim(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="):
            true
        default:
            false
        }
    }

    /// Whether `bytes` consists of characters allowed by `allowed`, or valid `%XX` escapes.
    static func isEncoded(_ bytes: ByteSlice, allowing allowed: (UInt8) -> Bool) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                    isHex(bytes[index + 1]), isHex(bytes[index + 2])
                else { return false }
                index += 3
            } else {
                guard allowed(byte) else { return false }
                index += 1
            }
        }
        return true
    }

    static func isPathCharacter(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || isSubDelim(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@")
    }

    static func isURI(_ bytes: Bytes) -> Bool {
        let all = bytes[...]
        // scheme
        guard let colon = all.firstIndex(of: UInt8(ascii: ":")), colon > 0, isAlpha(bytes[0]) else { return false }
        for byte in bytes[1..<colon] {
            guard isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            else { return false }
        }
        var rest = bytes[(colon + 1)...]
        // fragment and query
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            let fragment = rest[(hash + 1)...]
            guard isEncoded(fragment, allowing: { isPathCharacter($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
            else { return false }
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: UInt8(ascii: "?")) {
            let query = rest[(question + 1)...]
            guard isEncoded(query, allowing: { isPathCharacter($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
            else { return false }
            rest = rest[..<question]
        }
        // hier-part
        if rest.count >= 2, rest[rest.startIndex] == UInt8(ascii: "/"), rest[rest.startIndex + 1] == UInt8(ascii: "/") {
            let afterSlashes = rest[(rest.startIndex + 2)...]
            let authorityEnd = afterSlashes.firstIndex(of: UInt8(ascii: "/")) ?? afterSlashes.endIndex
            guard isAuthority(afterSlashes[..<authorityEnd]) else { return false }
            rest = afterSlashes[authorityEnd...]
        }
        return isEncoded(rest, allowing: { isPathCharacter($0) || $0 == UInt8(ascii: "/") })
    }

    private static func isAuthority(_ authority: ByteSlice) -> Bool {
        var hostPart = authority
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            let userinfo = authority[..<at]
            guard isEncoded(userinfo, allowing: { isUnreserved($0) || isSubDelim($0) || $0 == UInt8(ascii: ":") }) else { return false }
            hostPart = authority[(at + 1)...]
        }
        var host = hostPart
        if hostPart.first == UInt8(ascii: "[") {
            guard let close = hostPart.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = hostPart[(hostPart.startIndex + 1)..<close]
            let isFuture = literal.first.map { $0 | 0x20 == UInt8(ascii: "v") } ?? false
            guard isFuture || isIPv6(literal) else { return false }
            let after = hostPart[(close + 1)...]
            if after.isEmpty { return true }
            guard after.first == UInt8(ascii: ":") else { return false }
            return after.dropFirst().allSatisfy(isDigit)
        }
        if let colon = hostPart.lastIndex(of: UInt8(ascii: ":")) {
            guard hostPart[(colon + 1)...].allSatisfy(isDigit) else { return false }
            host = hostPart[..<colon]
        }
        return isEncoded(host, allowing: { isUnreserved($0) || isSubDelim($0) })
    }
}
