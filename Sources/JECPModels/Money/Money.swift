/// An amount of USDC in integer micro-units (6 decimals).
///
/// Every amount inside the Hub is a `Money`; floating point never touches a balance. Decimal
/// text is parsed exactly and rejected beyond 6 decimals, and rendering is the shortest exact
/// decimal (`0.005`, `4.995`, `5`).
public struct Money: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public static let microsPerUnit: Int64 = 1_000_000
    public static let zero = Money(micros: 0)

    public var micros: Int64

    public init(micros: Int64) { self.micros = micros }

    /// Whole units, e.g. `Money(units: 5)` is 5 USDC.
    public init(units: Int64) { self.micros = units * Self.microsPerUnit }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.micros < rhs.micros }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros + rhs.micros) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros - rhs.micros) }
    public static prefix func - (value: Money) -> Money { Money(micros: -value.micros) }

    public enum ParseError: Error, Sendable, Equatable {
        case notADecimal
        case tooManyDecimals
        case outOfRange
    }

    /// Parses `"12"`, `"0.005"`, `"-1.5"`, `"1e-3"` exactly. More than 6 decimal places is an error,
    /// not a rounding: silently rounding a price or a credit is how ledgers drift.
    public init(decimal text: String) throws(ParseError) {
        var bytes = Array(text.utf8)
        var exponent = 0
        if let eIndex = bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let parsed = Int(String(decoding: bytes[(eIndex + 1)...], as: UTF8.self)), abs(parsed) < 64 else {
                throw .notADecimal
            }
            exponent = parsed
            bytes = Array(bytes[..<eIndex])
        }
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes.removeFirst()
        } else if bytes.first == UInt8(ascii: "+") {
            bytes.removeFirst()
        }
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { throw .notADecimal }
                seenPoint = true
            } else if byte >= 0x30 && byte <= 0x39 {
                if seenPoint { fractionDigits.append(byte - 0x30) } else { integerDigits.append(byte - 0x30) }
            } else {
                throw .notADecimal
            }
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { throw .notADecimal }
        // Apply the exponent by moving digits across the decimal point.
        var digits = integerDigits + fractionDigits
        var scale = fractionDigits.count - exponent  // number of digits after the point
        while scale < 0 {
            digits.append(0)
            scale += 1
        }
        // Trailing zeros after the point carry no precision.
        while scale > 6, digits.last == 0 {
            digits.removeLast()
            scale -= 1
        }
        guard scale <= 6 else { throw .tooManyDecimals }
        while scale < 6 {
            digits.append(0)
            scale += 1
        }
        // Accumulate toward the sign so Int64.min (one more than Int64.max in magnitude) parses too.
        var micros: Int64 = 0
        for digit in digits {
            let (shifted, overflow1) = micros.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? shifted.subtractingReportingOverflow(Int64(digit)) : shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { throw .outOfRange }
            micros = sum
        }
        self.micros = micros
    }

    /// The exact decimal text, shortest form.
    public var decimalString: String {
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(Self.microsPerUnit)
        var fraction = magnitude % UInt64(Self.microsPerUnit)
        var text = micros < 0 ? "-" : ""
        text += String(whole)
        if fraction != 0 {
            var width = 6
            while fraction % 10 == 0 {
                fraction /= 10
                width -= 1
            }
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: width - digits.count) + digits
        }
        return text
    }

    public var description: String { decimalString }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.micros = try container.decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(micros)
    }
}

extension Money {
    /// The JSON number for this amount, exact on the wire (`0.005`, never `0.004999999`).
    public var json: JSONValue { .number(JSONNumber(decimalText: decimalString)) }

    /// Parses a JSON number or decimal string exactly.
    public init(json: JSONValue) throws(ParseError) {
        switch json {
        case .number(let number): try self.init(decimal: number.text)
        case .string(let text): try self.init(decimal: text)
        default: throw .notADecimal
        }
    }
}
