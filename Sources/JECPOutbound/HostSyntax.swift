/// Step 3 of the pipeline: what the host of a URL is, after percent-decoding.
enum HostSyntax: Equatable {
    /// A canonical IP literal: dotted quad, or bracketed IPv6.
    case literal(IPAddress)
    /// A registered name (RFC 1123): lowercase, no trailing dot.
    case name(String)
    /// A spelling that WHATWG URL parsers (browsers, many HTTP libraries) read as an IPv4 address,
    /// e.g. `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`, `127.1`. Never connected to: the guard rejects
    /// it, naming the address it stands for.
    case legacyIPv4(IPAddress)

    struct Failure: Error {
        let message: String
    }

    static func classify(_ raw: String, bracketed: Bool) throws(Failure) -> HostSyntax {
        if bracketed {
            if raw.first == "v" || raw.first == "V" {
                throw Failure(message: "IPvFuture literals are not supported")
            }
            if raw.contains("%") {
                throw Failure(message: "IPv6 zone identifiers are not allowed")
            }
            guard let address = IPAddress(raw), !address.isIPv4 else {
                throw Failure(message: "\"[\(raw)]\" is not a valid IPv6 address")
            }
            return .literal(address)
        }

        guard let decoded = percentDecoded(raw) else {
            throw Failure(message: "the host is not valid percent-encoded text")
        }
        guard !decoded.isEmpty else { throw Failure(message: "the host is empty") }
        guard decoded.allSatisfy({ $0 < 0x80 }) else {
            throw Failure(message: "the host contains non-ASCII characters (write the IDNA A-label form, xn--…)")
        }
        var host = String(decoding: decoded, as: UTF8.self).lowercased()
        if host.hasSuffix("."), host.count > 1 { host.removeLast() }

        if let address = IPAddress(host), address.isIPv4 {
            return .literal(address)
        }
        guard host.utf8.allSatisfy({ isDigit($0) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x2d || $0 == 0x2e }) else {
            throw Failure(message: "the host \"\(printable(host))\" holds characters a host name may not")
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        // WHATWG: a host whose last label is numeric is an IPv4 address or invalid; no real name
        // ends that way (top-level domains are alphabetic), so it is never a registered name here.
        if let last = labels.last, isNumericLabel(last) {
            if let address = legacyIPv4(labels) {
                return .legacyIPv4(address)
            }
            throw Failure(message: "the host \"\(host)\" is neither a host name nor a valid IPv4 address")
        }
        guard host.utf8.count <= 253,
            labels.allSatisfy({ label in
                (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
            })
        else { throw Failure(message: "\"\(host)\" is not a valid host name (RFC 1123)") }
        return .name(host)
    }

    /// nil for a malformed escape (the parser has ruled those out already).
    private static func percentDecoded(_ text: String) -> [UInt8]? {
        var result: [UInt8] = []
        var bytes = text.utf8[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                result.append(byte)
                continue
            }
            guard let high = bytes.popFirst().flatMap(hexValue), let low = bytes.popFirst().flatMap(hexValue) else {
                return nil
            }
            result.append(high << 4 | low)
        }
        return result
    }

    private static func isNumericLabel(_ label: Substring) -> Bool {
        if label.hasPrefix("0x") {
            return label.dropFirst(2).utf8.allSatisfy { hexValue($0) != nil }
        }
        return !label.isEmpty && label.utf8.allSatisfy(isDigit)
    }

    /// The WHATWG IPv4 parser: 1–4 parts, each decimal, octal (leading 0) or hex (0x); the last
    /// part fills the remaining bytes.
    private static func legacyIPv4(_ labels: [Substring]) -> IPAddress? {
        guard (1...4).contains(labels.count) else { return nil }
        var numbers: [UInt64] = []
        for label in labels {
            var digits = label
            var radix: UInt64 = 10
            if digits.hasPrefix("0x") {
                digits = digits.dropFirst(2)
                radix = 16
            } else if digits.count > 1 && digits.hasPrefix("0") {
                digits = digits.dropFirst()
                radix = 8
            }
            guard !(label.isEmpty), digits.utf8.count <= 32 else { return nil }
            var value: UInt64 = 0
            for byte in digits.utf8 {
                guard let digit = hexValue(byte), UInt64(digit) < radix else { return nil }
                value = value * radix + UInt64(digit)
                guard value <= UInt64(UInt32.max) else { return nil }
            }
            numbers.append(value)
        }
        guard numbers.dropLast().allSatisfy({ $0 <= 255 }) else { return nil }
        let lastLimit: UInt64 = 1 << (8 * UInt64(5 - numbers.count))
        guard numbers.last! < lastLimit else { return nil }
        var value = numbers.last!
        for (index, number) in numbers.dropLast().enumerated() {
            value += number << (8 * UInt64(3 - index))
        }
        return IPAddress(bytes: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) })
    }

    /// For messages: the host with anything unprintable shown as "?".
    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "?" })
    }
}
