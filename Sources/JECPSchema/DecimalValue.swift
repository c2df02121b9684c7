import JECPModels

/// An exact decimal read from a JSON number's literal text: `±digits × 10^exponent`.
///
/// Used where binary floating point gives wrong answers: `multipleOf` (0.0075 is a multiple of
/// 0.0001) and bounds whose doubles compare equal although the decimals differ.
struct DecimalValue: Sendable, CustomStringConvertible {
    let negative: Bool
    /// Significant digits (0...9), without leading or trailing zeros; empty for zero.
    let digits: [UInt8]
    let exponent: Int
    /// The literal, for messages.
    let text: String
    /// The same value when it has at most 19 significant digits (the allocation-free fast path).
    let small: (mantissa: UInt64, exponent: Int)?
    let double: Double

    var isZero: Bool { digits.isEmpty }
    var description: String { text }

    init(_ number: JSONNumber) {
        if let parsed = DecimalValue(text: number.text, double: number.double) {
            self = parsed
        } else {
            // Not a decimal literal (cannot happen for parsed JSON); fall back to the double's text.
            self = DecimalValue(text: String(number.double), double: number.double)
                ?? DecimalValue(negative: false, digits: [], exponent: 0, text: number.text, double: number.double)
        }
    }

    private init(negative: Bool, digits: [UInt8], exponent: Int, text: String, double: Double) {
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
        self.text = text
        self.double = double
        if digits.count <= 19 {
            var mantissa: UInt64 = 0
            for digit in digits { mantissa = mantissa * 10 + UInt64(digit) }
            self.small = (mantissa, exponent)
        } else {
            self.small = nil
        }
    }

    private init?(text: String, double: Double) {
        guard let parsed = DecimalValue.parse(text.utf8, collectDigits: true) else { return nil }
        self.init(negative: parsed.negative, digits: parsed.digits, exponent: parsed.exponent, text: text, double: double)
    }

    /// Parses a JSON number literal. With `collectDigits` false, `digits` stays empty and the
    /// mantissa (nil when over 19 significant digits) is returned instead.
    static func parse(_ utf8: String.UTF8View, collectDigits: Bool)
        -> (negative: Bool, digits: [UInt8], mantissa: UInt64?, exponent: Int)?
    {
        var negative = false
        var digits: [UInt8] = []
        var mantissa: UInt64? = 0
        var significant = 0
        var exponent = 0
        var pendingZeros = 0  // zeros seen after the last non-zero digit
        var seenNonZero = false
        var inFraction = false
        var iterator = utf8.makeIterator()
        var byte = iterator.next()
        if byte == UInt8(ascii: "-") {
            negative = true
            byte = iterator.next()
        } else if byte == UInt8(ascii: "+") {
            byte = iterator.next()
        }
        var sawDigit = false
        func push(_ digit: UInt8) {
            if collectDigits { digits.append(digit) }
            significant += 1
            if let current = mantissa {
                let (times10, overflow1) = current.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
                mantissa = (overflow1 || overflow2) ? nil : sum
            }
        }
        while let current = byte {
            if current >= 0x30 && current <= 0x39 {
                sawDigit = true
                let digit = current - 0x30
                if inFraction { exponent -= 1 }
                if digit == 0 {
                    if seenNonZero { pendingZeros += 1 }
                } else {
                    if pendingZeros > 0 {
                        for _ in 0..<pendingZeros { push(0) }
                        pendingZeros = 0
                    }
                    seenNonZero = true
                    push(digit)
                }
            } else if current == UInt8(ascii: ".") && !inFraction {
                inFraction = true
            } else {
                break
            }
            byte = iterator.next()
        }
        guard sawDigit else { return nil }
        // Trailing zeros were not pushed: each one scales the value by ten.
        exponent += pendingZeros
        if let current = byte {
            guard current == UInt8(ascii: "e") || current == UInt8(ascii: "E") else { return nil }
            var exponentNegative = false
            var next = iterator.next()
            if next == UInt8(ascii: "-") || next == UInt8(ascii: "+") {
                exponentNegative = next == UInt8(ascii: "-")
                next = iterator.next()
            }
            var value = 0
            var sawExponentDigit = false
            while let digitByte = next, digitByte >= 0x30 && digitByte <= 0x39 {
                sawExponentDigit = true
                if value < 100_000_000 { value = value * 10 + Int(digitByte - 0x30) }
                next = iterator.next()
            }
            guard sawExponentDigit, next == nil else { return nil }
            exponent += exponentNegative ? -value : value
        }
        if !seenNonZero { return (false, [], 0, 0) }
        return (negative, digits, significant <= 19 ? mantissa : nil, exponent)
    }

    // MARK: Comparison

    /// -1, 0 or 1 as `self` is less than, equal to or greater than `other`.
    func compare(_ other: DecimalValue) -> Int {
        let lhsSign = isZero ? 0 : (negative ? -1 : 1)
        let rhsSign = other.isZero ? 0 : (other.negative ? -1 : 1)
        if lhsSign != rhsSign { return lhsSign < rhsSign ? -1 : 1 }
        if lhsSign == 0 { return 0 }
        let magnitude = DecimalValue.compareMagnitude(self, other)
        return negative ? -magnitude : magnitude
    }

    private static func compareMagnitude(_ lhs: DecimalValue, _ rhs: DecimalValue) -> Int {
        // Position of the most significant digit decides first.
        let lhsTop = lhs.digits.count + lhs.exponent
        let rhsTop = rhs.digits.count + rhs.exponent
        if lhsTop != rhsTop { return lhsTop < rhsTop ? -1 : 1 }
        let count = max(lhs.digits.count, rhs.digits.count)
        for index in 0..<count {
            let left = index < lhs.digits.count ? lhs.digits[index] : 0
            let right = index < rhs.digits.count ? rhs.digits[index] : 0
            if left != right { return left < right ? -1 : 1 }
        }
        return 0
    }

    // MARK: multipleOf

    /// Whether `number` is an integer multiple of `self` (which is positive).
    func divides(_ number: JSONNumber) -> Bool {
        if let small, let parsed = DecimalValue.parse(number.text.utf8, collectDigits: false) {
            if parsed.digits.isEmpty && parsed.mantissa == 0 { return true }  // zero
            if let mantissa = parsed.mantissa,
                let result = DecimalValue.smallRemainderIsZero(mantissa, parsed.exponent, small.mantissa, small.exponent)
            {
                return result
            }
        }
        return dividesExactly(DecimalValue(number))
    }

    /// `a × 10^ea` mod `b × 10^eb` == 0, when it can be computed in 128 bits.
    private static func smallRemainderIsZero(_ a: UInt64, _ ea: Int, _ b: UInt64, _ eb: Int) -> Bool? {
        guard b != 0 else { return nil }
        let common = min(ea, eb)
        guard let lhs = scaled(a, ea - common), let rhs = scaled(b, eb - common) else { return nil }
        return lhs % rhs == 0
    }

    private static func scaled(_ value: UInt64, _ power: Int) -> UInt128? {
        guard power <= 38 else { return nil }
        var result = UInt128(value)
        for _ in 0..<power {
            let (product, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = product
        }
        return result
    }

    private func dividesExactly(_ value: DecimalValue) -> Bool {
        if value.isZero { return true }
        if isZero { return false }
        let common = min(value.exponent, exponent)
        // divisor = digits followed by (exponent - common) zeros; it must fit 128 bits for the
        // streaming remainder below.
        let divisorZeros = exponent - common
        if digits.count + divisorZeros <= 37 {
            var divisor: UInt128 = 0
            for digit in digits { divisor = divisor * 10 + UInt128(digit) }
            for _ in 0..<divisorZeros { divisor *= 10 }
            var remainder: UInt128 = 0
            for digit in value.digits { remainder = (remainder * 10 + UInt128(digit)) % divisor }
            let valueZeros = value.exponent - common
            if valueZeros > 0 {
                for _ in 0..<valueZeros {
                    remainder = (remainder * 10) % divisor
                    if remainder == 0 { break }
                }
            }
            return remainder == 0
        }
        // A divisor over 37 digits: a smaller value cannot be a (non-zero) multiple of it.
        let valueTop = value.digits.count + value.exponent
        let divisorTop = digits.count + exponent
        if valueTop < divisorTop { return false }
        let quotient = value.double / double
        return quotient.isFinite && quotient == quotient.rounded()
    }
}
