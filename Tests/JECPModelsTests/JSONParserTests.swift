import JECPModels
import Testing

@Suite("JSON parser and canonical writer")
struct JSONParserTests {
    // MARK: Canonical round trips

    @Test(
        "Valid documents serialize canonically",
        arguments: [
            (#"{"b":1,"a":[true,false,null],"c":{"z":"y","x":0}}"#, #"{"a":[true,false,null],"b":1,"c":{"x":0,"z":"y"}}"#),
            (" \n\t[ 1 , 2 ,\r\n 3 ] ", "[1,2,3]"),
            ("{ }", "{}"),
            ("[ ]", "[]"),
            ("[[],{},[{}]]", "[[],{},[{}]]"),
            ("null", "null"),
            ("true", "true"),
            ("false", "false"),
            (#""plain""#, #""plain""#),
            // Keys sort by UTF-8 bytes: "Z" (5A) < "a" (61) < "z" (7A) < "é" (C3 A9) < "😀" (F0 ...).
            (#"{"😀":5,"é":1,"z":2,"Z":3,"a":4}"#, #"{"Z":3,"a":4,"z":2,"é":1,"😀":5}"#),
            (#"{"ab":1,"a":2,"":3}"#, #"{"":3,"a":2,"ab":1}"#),
            ("\u{FEFF}{\"a\":1}", #"{"a":1}"#),
        ]
    )
    func canonicalRoundTrip(input: String, canonical: String) throws {
        let value = try JSONValue(parsing: input)
        #expect(value.serializedString() == canonical)
        #expect(value.serialized() == Array(canonical.utf8))
        // Canonical output is a fixed point.
        let reparsed = try JSONValue(parsing: canonical)
        #expect(reparsed == value)
        #expect(reparsed.serializedString() == canonical)
    }

    @Test(
        "Number literals keep their text",
        arguments: [
            "0", "-0", "1", "1.0", "1.50", "0.1", "-12.345", "1e5", "1E5", "1e+2", "1E-2", "0.000001",
            "123456789012345678901234567890", "3.141592653589793238462643383279", "-0.0e0",
        ]
    )
    func numbersKeepText(literal: String) throws {
        let value = try JSONValue(parsing: literal)
        let number = try #require(value.numberValue)
        #expect(number.text == literal)
        #expect(value.serializedString() == literal)
        let inArray = try JSONValue(parsing: "[\(literal)]")
        #expect(inArray.serializedString() == "[\(literal)]")
    }

    @Test("Numbers inside objects keep their text")
    func numbersInObjects() throws {
        let value = try JSONValue(parsing: #"{"price": 0.10, "big": 1e2, "n": -0}"#)
        #expect(value.serializedString() == #"{"big":1e2,"n":-0,"price":0.10}"#)
        #expect(value["price"]?.numberValue?.double == 0.1)
        #expect(value["big"]?.numberValue?.integerValue == 100)
    }

    @Test(
        "Strings decode escapes, surrogate pairs and UTF-8",
        arguments: [
            (#""a\"b\\c\/d""#, "a\"b\\c/d"),
            (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
            (#""\u0041\u00e9\u00E9""#, "Aéé"),
            (#""\ud83d\ude00""#, "😀"),
            (#""\uD834\uDD1E clef""#, "𝄞 clef"),
            (#""\u0000""#, "\u{0}"),
            (#""\u2028\u2029""#, "\u{2028}\u{2029}"),
            ("\"日本語 ✓ 😀\"", "日本語 ✓ 😀"),
            (#""mixed é \u00e9 😀 \ud83d\ude00""#, "mixed é é 😀 😀"),
            (#""""#, ""),
        ]
    )
    func stringDecoding(input: String, expected: String) throws {
        let value = try JSONValue(parsing: input)
        let decoded = try #require(value.stringValue)
        #expect(Array(decoded.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test(
        "Strings serialize with minimal escapes and raw UTF-8",
        arguments: [
            ("a\"b\\c/d", #""a\"b\\c/d""#),
            ("\n\r\t", #""\n\r\t""#),
            ("\u{0}\u{1}\u{8}\u{C}\u{1F}", #""\u0000\u0001\u0008\u000c\u001f""#),
            ("é😀", "\"é😀\""),
            ("\u{7F}", "\"\u{7F}\""),
        ]
    )
    func stringSerialization(value: String, serialized: String) throws {
        let json = JSONValue.string(value)
        #expect(json.serialized() == Array(serialized.utf8))
        let back = try #require(try JSONValue(parsing: serialized).stringValue)
        #expect(Array(back.unicodeScalars) == Array(value.unicodeScalars))
    }

    /// A random JSON tree (string keys and values drawn from an alphabet with escapes and non-ASCII).
    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let alphabet: [Character] = ["a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "😀", "中", "\u{2028}"]
        func randomString() -> String {
            String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        let pick = depth >= 4 ? Int.random(in: 0...3, using: &generator) : Int.random(in: 0...5, using: &generator)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            let literals = ["0", "-1", "42", "1.5", "-0.25", "1e10", "2.5E-3", "123456789"]
            return try! JSONValue(parsing: literals.randomElement(using: &generator)!)
        case 3: return .string(randomString())
        case 4:
            return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                object[randomString()] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    @Test("Random trees survive serialize → parse → serialize byte for byte")
    func randomTrees() throws {
        var generator = SeededGenerator(seed: 8259)
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let bytes = value.serialized()
            let parsed = try JSONValue(parsing: bytes)
            #expect(parsed == value)
            #expect(parsed.serialized() == bytes)
        }
    }

    // MARK: Rejections

    @Test(
        "Malformed documents are rejected",
        arguments: [
            "[1,2,]", #"{"a":1,}"#, "[,1]", "01", "-01", "00", #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#,
            #""\ud800x""#, "\"a\u{1}b\"", "\"a\nb\"", "\"a\tb\"", #""abc"#, #""abc\""#, "{} x", "[1] [2]", "1 2",
            "NaN", "-NaN", "Infinity", "-Infinity", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "[1 2]", #"{"a" 1}"#,
            #"{"a":1 "b":2}"#, "{a:1}", "{1:1}", "'a'", "tru", "nul", "falsey", "True", "", "   ", #""\x""#,
            #""\u12""#, #""\u12g4""#, "1e400", "-1e400", "[", "]", "{", #"{"a":"#, #"{"a":1"#, #""\u0041"#,
            "/* comment */ 1", "[1,]", "\u{FEFF}",
        ]
    )
    func rejects(input: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: input) }
    }

    @Test(
        "Invalid UTF-8 inside strings is rejected",
        arguments: [
            [0x22, 0xFF, 0x22], [0x22, 0x80, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
            [0x22, 0xE2, 0x82, 0x22], [0x22, 0x5C, 0x6E, 0xFF, 0x22],
        ] as [[UInt8]]
    )
    func rejectsInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes) }
    }

    @Test(
        "Errors report the byte offset of the problem",
        arguments: [("{} x", 3), ("[1,2,]", 5), ("01", 1), ("[1 2]", 3), ("  @", 2)] as [(String, Int)]
    )
    func errorOffsets(input: String, offset: Int) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue(parsing: input) }
        #expect(error?.offset == offset)
        #expect(error?.description.hasSuffix("at byte \(offset)") == true)
    }

    static func nested(_ depth: Int, open: String, close: String, core: String = "") -> String {
        String(repeating: open, count: depth) + core + String(repeating: close, count: depth)
    }

    @Test("Nesting up to maximumDepth parses, one deeper is rejected")
    func nestingLimit() throws {
        let limit = JSONValue.maximumDepth
        #expect(limit == 256)
        _ = try JSONValue(parsing: Self.nested(limit, open: "[", close: "]"))
        _ = try JSONValue(parsing: Self.nested(limit, open: #"{"a":"#, close: "}", core: "1"))
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Self.nested(limit + 1, open: "[", close: "]")) }
        #expect(throws: JSONParseError.self) {
            try JSONValue(parsing: Self.nested(limit + 1, open: #"{"a":"#, close: "}", core: "1"))
        }
        // Mixed nesting counts both kinds.
        let mixed = String(repeating: #"[{"k":"#, count: limit / 2 + 1) + "0" + String(repeating: "}]", count: limit / 2 + 1)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: mixed) }
        // Hostile depth fails cleanly instead of overflowing the stack.
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Self.nested(100_000, open: "[", close: "]")) }
    }

    @Test("Depth is released when containers close")
    func siblingsDoNotAccumulateDepth() throws {
        // 300 sibling arrays, each 200 deep: never more than 201 deep at once.
        let deep = Self.nested(200, open: "[", close: "]")
        let document = "[" + Array(repeating: deep, count: 300).joined(separator: ",") + "]"
        let value = try JSONValue(parsing: document)
        #expect(value.arrayValue?.count == 300)
    }

    // MARK: Numbers

    @Test("1 and 1.0 are the same JSONNumber, yet keep their own text")
    func numericEquality() throws {
        let one = try #require(try JSONValue(parsing: "1").numberValue)
        let onePointZero = try #require(try JSONValue(parsing: "1.0").numberValue)
        let exponent = try #require(try JSONValue(parsing: "1e0").numberValue)
        #expect(one == onePointZero)
        #expect(one == exponent)
        #expect(one.hashValue == onePointZero.hashValue)
        #expect(Set([one, onePointZero, exponent]).count == 1)
        #expect(one.text == "1")
        #expect(onePointZero.text == "1.0")
        #expect(try JSONValue(parsing: "[1]") == JSONValue(parsing: "[1.0]"))
        #expect(try JSONValue(parsing: "1") != JSONValue(parsing: "1.5"))
        #expect(try JSONValue(parsing: "1") != JSONValue(parsing: #""1""#))
        #expect(JSONNumber(1) == JSONNumber(1.0))
        #expect(JSONNumber(100) == JSONNumber(decimalText: "1e2"))
        #expect(JSONNumber(1) != JSONNumber(2))
    }

    @Test(
        "JSONNumber(Double) renders integers without a fraction",
        arguments: [(3.0, "3"), (-2.0, "-2"), (0.5, "0.5"), (0.1, "0.1"), (-0.0, "0"), (1e20, "1e+20")] as [(Double, String)]
    )
    func doubleRendering(value: Double, text: String) throws {
        let number = JSONNumber(value)
        #expect(number.text == text)
        // Whatever it renders must be valid JSON for the same value.
        #expect(try JSONValue(parsing: number.text).numberValue?.double == value)
    }

    @Test("schemaTypeName tells integers from other numbers")
    func schemaTypeNames() throws {
        #expect(try JSONValue(parsing: "3").schemaTypeName == "integer")
        #expect(try JSONValue(parsing: "3.0").schemaTypeName == "integer")
        #expect(try JSONValue(parsing: "3.5").schemaTypeName == "number")
        #expect(try JSONValue(parsing: "1e300").schemaTypeName == "number")
        #expect(JSONValue.null.schemaTypeName == "null")
        #expect(JSONValue.string("x").schemaTypeName == "string")
        #expect(JSONValue.array([]).schemaTypeName == "array")
        #expect(JSONValue.object([:]).schemaTypeName == "object")
        #expect(JSONValue.bool(true).schemaTypeName == "boolean")
    }

    @Test("Duplicate keys, including canonically equivalent spellings, are rejected", arguments: [
        #"{"a":1,"a":2}"#, #"{"caf\u00e9":1,"cafe\u0301":2}"#, #"{"x":{"k":1,"k":1}}"#,
    ])
    func rejectsDuplicateKeys(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }
}
