import JECPModels
import Testing

/// A small deterministic generator so property tests are reproducible (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Money")
struct MoneyTests {
    // MARK: Parsing

    @Test(
        "Money(decimal:) parses exactly",
        arguments: [
            ("0.005", 5_000),
            ("1e-3", 1_000),
            ("1E-3", 1_000),
            ("-1.5", -1_500_000),
            ("12", 12_000_000),
            ("+2.5", 2_500_000),
            ("0", 0),
            ("-0", 0),
            ("0.000001", 1),
            ("0.1000000", 100_000),
            ("1.000000000000", 1_000_000),
            ("1000", 1_000_000_000),
            ("1e3", 1_000_000_000),
            ("1E+3", 1_000_000_000),
            ("12.5e-2", 125_000),
            ("0.0000015e1", 15),
            ("4.995", 4_995_000),
            ("007.5", 7_500_000),
            ("9223372036854.775807", Int64.max),
            ("-9223372036854.775807", -Int64.max),
        ] as [(String, Int64)]
    )
    func parsesExactly(text: String, micros: Int64) throws {
        #expect(try Money(decimal: text).micros == micros)
    }

    @Test(
        "More than 6 significant decimals is rejected, not rounded",
        arguments: ["0.1234567", "0.0000001", "1e-7", "1.0000005", "-0.00000001", "5e-10", "1000.0000001"]
    )
    func rejectsTooManyDecimals(text: String) {
        #expect(throws: Money.ParseError.tooManyDecimals) { try Money(decimal: text) }
    }

    @Test(
        "Garbage is notADecimal",
        arguments: [
            "", "abc", "1.2.3", "1,5", " 1", "1 ", "-", "+", ".", "1e", "e5", "0x10", "1e1.5", "--1", "+-1",
            "NaN", "Infinity", "1_000", "\u{0661}", "１", "1e999", "$5",
        ]
    )
    func rejectsGarbage(text: String) {
        #expect(throws: Money.ParseError.notADecimal) { try Money(decimal: text) }
    }

    @Test(
        "Values beyond Int64 micros are outOfRange",
        arguments: [
            "9223372036854.775808", "-9223372036854.775809", "10000000000000", "99999999999999999999", "1e20",
            "9.3e12",
        ]
    )
    func rejectsOverflow(text: String) {
        #expect(throws: Money.ParseError.outOfRange) { try Money(decimal: text) }
    }

    @Test("Int64.min micros renders to text that parses back")
    func int64MinRoundTrips() {
        let minimum = Money(micros: .min)
        #expect(minimum.decimalString == "-9223372036854.775808")
        let parsed = try? Money(decimal: minimum.decimalString)
        #expect(parsed == minimum)
    }

    // MARK: Rendering

    @Test(
        "decimalString is the shortest exact decimal",
        arguments: [
            (5_000, "0.005"),
            (4_995_000, "4.995"),
            (5_000_000, "5"),
            (0, "0"),
            (1, "0.000001"),
            (10, "0.00001"),
            (100_000, "0.1"),
            (1_000_010, "1.00001"),
            (123_456_789, "123.456789"),
            (-5_000, "-0.005"),
            (-1_500_000, "-1.5"),
            (-1, "-0.000001"),
            (-7_000_000, "-7"),
            (Int64.max, "9223372036854.775807"),
            (Int64.min, "-9223372036854.775808"),
        ] as [(Int64, String)]
    )
    func rendersShortest(micros: Int64, text: String) {
        #expect(Money(micros: micros).decimalString == text)
        #expect(Money(micros: micros).description == text)
    }

    /// An independent rendering: sign, whole part, six-digit fraction with trailing zeros trimmed.
    static func referenceText(_ micros: Int64) -> String {
        let magnitude = micros.magnitude
        var text = (micros < 0 ? "-" : "") + String(magnitude / 1_000_000)
        let fraction = String(magnitude % 1_000_000)
        var padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        while padded.hasSuffix("0") { padded.removeLast() }
        if !padded.isEmpty { text += "." + padded }
        return text
    }

    @Test("decimalString round-trips through Money(decimal:) for random amounts")
    func randomRoundTrip() throws {
        var generator = SeededGenerator(seed: 0x4A45_4350)
        var samples: [Int64] = []
        for _ in 0..<5_000 { samples.append(Int64.random(in: (Int64.min + 1)...Int64.max, using: &generator)) }
        // Realistic amounts, where short fractions are common.
        for _ in 0..<5_000 { samples.append(Int64.random(in: -10_000_000_000...10_000_000_000, using: &generator)) }
        for _ in 0..<2_000 { samples.append(Int64.random(in: -1_000...1_000, using: &generator) * 1_000) }
        var failures: [Int64] = []
        for micros in samples {
            let money = Money(micros: micros)
            let text = money.decimalString
            let parsed = try? Money(decimal: text)
            if parsed != money || text != Self.referenceText(micros) { failures.append(micros) }
        }
        #expect(failures.isEmpty, "first failures: \(failures.prefix(5))")
    }

    // MARK: Arithmetic and JSON

    @Test("Arithmetic and ordering work on micros")
    func arithmetic() {
        #expect(Money(units: 5) == Money(micros: 5_000_000))
        #expect(Money(micros: 1_500) + Money(micros: 500) == Money(micros: 2_000))
        #expect(Money(micros: 1_500) - Money(micros: 2_000) == Money(micros: -500))
        #expect(-Money(micros: 7) == Money(micros: -7))
        #expect(Money(micros: -1) < .zero)
        #expect(Money(micros: 4_999_999) < Money(units: 5))
    }

    @Test(
        "Money.json is an exact JSON number",
        arguments: [
            (5_000, "0.005"), (4_995_000, "4.995"), (5_000_000, "5"), (-250, "-0.00025"), (0, "0"),
            (100_000, "0.1"),
        ] as [(Int64, String)]
    )
    func jsonText(micros: Int64, text: String) throws {
        let json = Money(micros: micros).json
        let number = try #require(json.numberValue)
        #expect(number.text == text)
        #expect(json.serializedString() == text)
        // And it comes back exactly, both as a parsed number and as a string.
        #expect(try Money(json: JSONValue(parsing: json.serializedString())) == Money(micros: micros))
        #expect(try Money(json: .string(text)) == Money(micros: micros))
    }

    @Test("Money(json:) rejects non-numbers and inexact numbers")
    func jsonRejections() throws {
        #expect(throws: Money.ParseError.notADecimal) { try Money(json: .bool(true)) }
        #expect(throws: Money.ParseError.notADecimal) { try Money(json: .null) }
        #expect(throws: Money.ParseError.notADecimal) { try Money(json: ["0.1"]) }
        #expect(throws: Money.ParseError.tooManyDecimals) { try Money(json: JSONValue(parsing: "0.1234567")) }
        // 0.1 parsed from JSON stays exactly 100000 micros (no binary floating point in between).
        #expect(try Money(json: JSONValue(parsing: "0.1")).micros == 100_000)
    }

    // MARK: Revenue split

    @Test("5000 micros splits 4250 / 500 / 250")
    func splitExample() {
        let split = RevenueSplit(price: Money(micros: 5_000))
        #expect(split.provider.micros == 4_250)
        #expect(split.hub.micros == 500)
        #expect(split.payment.micros == 250)
        #expect(split.total.micros == 5_000)
    }

    @Test(
        "Rounding remainders go to the hub",
        arguments: [
            (0, 0, 0, 0), (1, 0, 1, 0), (19, 16, 3, 0), (20, 17, 2, 1), (99, 84, 11, 4), (100, 85, 10, 5),
            (1_000_000, 850_000, 100_000, 50_000),
        ] as [(Int64, Int64, Int64, Int64)]
    )
    func splitRemainders(price: Int64, provider: Int64, hub: Int64, payment: Int64) {
        let split = RevenueSplit(price: Money(micros: price))
        #expect(split.provider.micros == provider)
        #expect(split.hub.micros == hub)
        #expect(split.payment.micros == payment)
    }

    /// Checks the split invariants; returns a description of the first violation.
    static func splitViolation(_ price: Int64) -> String? {
        let split = RevenueSplit(price: Money(micros: price))
        let provider = split.provider.micros, hub = split.hub.micros, payment = split.payment.micros
        // floor(85%) and floor(5%), computed without overflow for any non-negative Int64.
        let expectedProvider = price / 100 * 85 + price % 100 * 85 / 100
        let expectedPayment = price / 100 * 5 + price % 100 * 5 / 100
        guard provider + hub + payment == price, split.total.micros == price else { return "sum != \(price)" }
        guard provider == expectedProvider else { return "provider \(provider) != floor(85% of \(price))" }
        guard payment == expectedPayment else { return "payment \(payment) != floor(5% of \(price))" }
        // hub - price/10 is in [0, 2): 10 * hub - price in [0, 20).
        let scaledDeviation = hub.multipliedReportingOverflow(by: 10).partialValue &- price
        guard (0..<20).contains(scaledDeviation) else { return "hub \(hub) not within 2 micros of 10% of \(price)" }
        return nil
    }

    @Test("Split invariants hold for every price from 0 to 100000 micros")
    func splitExhaustive() {
        var failures: [String] = []
        for price in Int64(0)...100_000 {
            if let failure = Self.splitViolation(price) {
                failures.append(failure)
                if failures.count == 5 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("Split invariants hold for random large prices")
    func splitRandomLarge() {
        var generator = SeededGenerator(seed: 85_10_05)
        var failures: [String] = []
        // Up to ~92 billion USDC: well beyond any price or budget the Hub accepts.
        for _ in 0..<20_000 {
            let price = Int64.random(in: 100_000...(Int64.max / 100), using: &generator)
            if let failure = Self.splitViolation(price) { failures.append(failure) }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test("Splitting the largest representable price does not trap")
    func splitDoesNotOverflow() async {
        await #expect(processExitsWith: .success) {
            let split = RevenueSplit(price: Money(micros: Int64.max))
            precondition(split.total.micros == Int64.max)
        }
    }
}
