import JECPModels
import JECPSchema
import Testing

/// `pattern` follows ECMA-262 (code points, ASCII `\d`/`\w`, `$` only at the end) and runs in linear time.
@Suite("ECMA-262 patterns")
struct PatternTests {
    static func matches(_ pattern: String, _ input: String) throws -> Bool {
        try CompiledSchema(["pattern": .string(pattern)]).isValid(.string(input))
    }

    @Test(arguments: [
        ("^[A-Z]{3}$", "EUR", true), ("^[A-Z]{3}$", "EURO", false), ("^[A-Z]{3}$", "EUR\n", false),
        ("\\d+", "ab12", true), ("^\\d+$", "١٢", false), ("^\\w+$", "héllo", false), ("^\\p{L}+$", "héllo", true),
        ("^(?:a|bc)*$", "abcbca", true), ("^(?:a|bc)*$", "abcb", false), ("^a{2,3}$", "aaaa", false), ("^a{2,}$", "aaaa", true),
        ("colou?r", "the color", true), ("\\bfoo\\b", "a foo b", true), ("\\bfoo\\b", "afoob", false),
        ("^[^\\s@]+@[^\\s@]+$", "a@b", true), ("^[^\\s@]+@[^\\s@]+$", "a b@c", false), ("^.$", "😀", true),
        ("^[😀-😂]$", "😁", true), ("^\\u{1F600}$", "😀", true), ("^\\uD83D\\uDE00$", "😀", true), ("[]", "a", false),
        ("a{", "a{", true), ("^x]$", "x]", true), ("^(a+)+$", String(repeating: "a", count: 5000) + "b", false),
        ("(a)\\1", "aa", true), ("^(?=a)a$", "a", true), ("^\\p{Script=Greek}+$", "αβ", true),
    ])
    func pattern(_ pattern: String, _ input: String, _ expected: Bool) throws {
        #expect(try Self.matches(pattern, input) == expected)
    }
}
