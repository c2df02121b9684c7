import JECPManifest
import JECPModels
import Testing

/// YAML typing, observed through a manifest's free-form `metadata`.
@Suite struct YAMLDecodingTests {
    /// The minimal manifest with `metadata:` holding `lines` (each indented under it).
    static func metadata(_ lines: String) throws -> JSONValue {
        let indented = lines.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        let yaml = Fixtures.minimalYAML + "\nmetadata:\n" + indented + "\n"
        let manifest = try ManifestParser().parse(Array(yaml.utf8), contentType: "application/x-yaml")
        return try #require(manifest.raw["metadata"])
    }

    @Test func scalarsFollowTheYAML12CoreSchema() throws {
        let value = try Self.metadata(
            """
            yes_word: yes
            on_word: on
            true_word: true
            false_caps: FALSE
            null_word: null
            tilde: ~
            empty:
            int: 42
            negative: -7
            plus: +12
            leading_zero: 007
            hex: 0x1F
            octal: 0o17
            float: 1.50
            half: .5
            trailing_point: 1.
            exponent: 6.02e+23
            version_like: 1.0.0
            quoted_number: "42"
            quoted_bool: 'true'
            tagged_string: !!str 12
            tagged_int: !!int "12"
            money: 0.005
            block: |
              line one
              line two
            """)
        #expect(value["yes_word"] == "yes")
        #expect(value["on_word"] == "on")
        #expect(value["true_word"] == true)
        #expect(value["false_caps"] == false)
        #expect(value["null_word"] == .null)
        #expect(value["tilde"] == .null)
        #expect(value["empty"] == .null)
        #expect(value["int"]?.numberValue?.text == "42")
        #expect(value["negative"]?.numberValue?.text == "-7")
        #expect(value["plus"]?.numberValue?.text == "12")
        #expect(value["leading_zero"]?.numberValue?.text == "7")
        #expect(value["hex"]?.numberValue?.text == "31")
        #expect(value["octal"]?.numberValue?.text == "15")
        #expect(value["float"]?.numberValue?.text == "1.50")
        #expect(value["half"]?.numberValue?.text == "0.5")
        #expect(value["trailing_point"]?.numberValue?.text == "1")
        #expect(value["exponent"]?.numberValue?.text == "6.02e+23")
        #expect(value["version_like"] == "1.0.0")
        #expect(value["quoted_number"] == "42")
        #expect(value["quoted_bool"] == "true")
        #expect(value["tagged_string"] == "12")
        #expect(value["tagged_int"]?.numberValue?.text == "12")
        #expect(value["money"]?.numberValue?.text == "0.005")
        #expect(value["block"] == "line one\nline two\n")
        // Every number is valid JSON on the way out.
        #expect(try JSONValue(parsing: value.serialized()) == value)
    }

    @Test func anchorsWithoutAliasesAreFine() throws {
        let value = try Self.metadata("first: &label hello\nsecond: world")
        #expect(value == ["first": "hello", "second": "world"])
    }

    @Test(arguments: [
        "first: &a hello\nsecond: *a",
        "base: &b { x: 1 }\nderived:\n  <<: *b\n  y: 2",
        "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
        "&k key: value\nother: { *k : 1 }",
    ])
    func aliasesAreRefused(_ yaml: String) {
        let message = Fixtures.syntaxError(Fixtures.minimalYAML + "\nmetadata:\n" + yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        #expect(message.contains("YAML aliases are not allowed"))
    }

    @Test func multipleDocumentsAreRefused() {
        let message = Fixtures.syntaxError(Fixtures.minimalYAML + "\n---\nnamespace: second\n")
        #expect(message.contains("single YAML document"))
        #expect(message.contains("line"))
    }

    @Test(arguments: [
        ("1: one", "not a string"),
        ("true: yes", "not a string"),
        ("[a, b]: pair", "not a string"),
        ("x: .inf", "no JSON representation"),
        ("x: .nan", "no JSON representation"),
        ("x: !!binary aGVsbG8=", "not supported"),
        ("x: !custom thing", "not supported"),
        ("x: !!int twelve", "not a valid integer"),
        ("x: !!float 1.2.3", "not a valid number"),
        ("x: 1\nx: 2", "duplicate key"),
        ("x: 1\n\"x\": 2", "duplicate key"),
        ("x: a\u{01}b", "control characters"),
    ])
    func unrepresentableYAMLIsASyntaxError(_ yaml: String, _ expected: String) {
        let message = Fixtures.syntaxError(Fixtures.minimalYAML + "\nmetadata:\n" + yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        #expect(message.contains(expected), "\(message)")
        #expect(message.contains("line"), "\(message)")
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let message = Fixtures.syntaxError(Fixtures.minimalYAML + "\nmetadata:\n  deep: " + deep)
        #expect(message.contains("nesting"))
    }
}
