/// An IPv4 or IPv6 address, parsed strictly.
///
/// Only the canonical text forms are accepted: dotted-quad IPv4 with decimal octets and no leading
/// zeros, and RFC 4291 IPv6 text (with an optional trailing dotted quad, e.g. `::ffff:1.2.3.4`).
/// No brackets, no zone identifiers. Legacy IPv4 spellings (`127.1`, `0x7f.0.0.1`, `2130706433`)
/// are not addresses here; the URL guard recognises and rejects them separately.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, network order.
    public let bytes: [UInt8]

    public var isIPv4: Bool { self.bytes.count == 4 }

    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        if let v4 = Self.parseIPv4(utf8[...]) {
            self.bytes = v4
        } else if let v6 = Self.parseIPv6(utf8) {
            self.bytes = v6
        } else {
            return nil
        }
    }

    /// From raw network-order bytes: 4 (IPv4) or 16 (IPv6).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// For an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), the IPv4 address it carries.
    public var ipv4Mapped: IPAddress? {
        guard self.bytes.count == 16, self.bytes[0..<10].allSatisfy({ $0 == 0 }), self.bytes[10] == 0xff,
            self.bytes[11] == 0xff
        else { return nil }
        return IPAddress(bytes: Array(self.bytes[12..<16]))
    }

    /// Canonical text: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run compressed,
    /// IPv4-mapped addresses in mixed notation).
    public var description: String {
        if self.isIPv4 {
            return self.bytes.map(String.init).joined(separator: ".")
        }
        if let mapped = self.ipv4Mapped {
            return "::ffff:\(mapped)"
        }
        let groups = (0..<8).map { UInt16(self.bytes[2 * $0]) << 8 | UInt16(self.bytes[2 * $0 + 1]) }
        // Longest run of at least two zero groups; the first one wins a tie (RFC 5952 §4.2).
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    // MARK: Parsing

    /// Four decimal octets 0...255, no leading zeros (an octal-looking `010` is refused, not guessed).
    static func parseIPv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(4)
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isDigit) else { return nil }
            if part.count > 1 && part.first == UInt8(ascii: "0") { return nil }
            let value = part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard value <= 255 else { return nil }
            result.append(UInt8(value))
        }
        return result
    }

    static func parseIPv6(_ text: [UInt8]) -> [UInt8]? {
        guard text.count >= 2, text.count <= 45 else { return nil }
        let colon = UInt8(ascii: ":")
        // Split around the single "::" allowed, if any.
        var doubleColon: Int?
        var index = 0
        while index + 1 < text.count {
            if text[index] == colon && text[index + 1] == colon {
                guard doubleColon == nil else { return nil }
                doubleColon = index
                index += 2
                if index < text.count && text[index] == colon { return nil }  // ":::"
                continue
            }
            index += 1
        }
        let head: ArraySlice<UInt8>
        let tail: ArraySlice<UInt8>
        if let doubleColon {
            head = text[..<doubleColon]
            tail = text[(doubleColon + 2)...]
        } else {
            head = text[...]
            tail = []
        }
        // A trailing dotted quad may end whichever side holds the last group.
        guard var headGroups = parseGroups(head, mayEndWithIPv4: doubleColon == nil),
            let tailGroups = parseGroups(tail, mayEndWithIPv4: true)
        else { return nil }
        if doubleColon == nil {
            guard headGroups.count == 8 else { return nil }
        } else {
            // "::" stands for one or more zero groups (RFC 4291 §2.2).
            let explicit = headGroups.count + tailGroups.count
            guard explicit <= 7 else { return nil }
            headGroups += Array(repeating: 0, count: 8 - explicit)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for group in headGroups + tailGroups {
            bytes.append(UInt8(group >> 8))
            bytes.append(UInt8(group & 0xff))
        }
        return bytes
    }

    /// Colon-separated hex groups (1–4 digits each); an embedded IPv4 counts as two groups.
    private static func parseGroups(_ text: ArraySlice<UInt8>, mayEndWithIPv4: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (position, part) in parts.enumerated() {
            if position == parts.count - 1, mayEndWithIPv4, part.contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(part) else { return nil }
                groups.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                groups.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                continue
            }
            guard (1...4).contains(part.count) else { return nil }
            var value: UInt16 = 0
            for byte in part {
                guard let digit = hexValue(byte) else { return nil }
                value = value << 4 | UInt16(digit)
            }
            groups.append(value)
        }
        return groups
    }
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
