import Foundation
import JECPManifest
import JECPModels
import Testing

@Suite struct ManifestParserErrorTests {
    let parser = ManifestParser()

    // MARK: Size

    @Test func overTenKilobytesIsTooLarge() throws {
        let fixture = try Fixtures.minimalJSON()
        // JSON whitespace keeps the document valid while setting its exact size.
        let atLimit = fixture + Array(repeating: UInt8(ascii: " "), count: ManifestParser.maximumSize - fixture.count)
        #expect(atLimit.count == 10_240)
        _ = try parser.parse(atLimit, contentType: "application/json")
        #expect(throws: ManifestError.tooLarge(bytes: 10_241, limit: 10_240)) {
            try parser.parse(atLimit + [0x20], contentType: "application/json")
        }
        // The size check comes first: a large body is refused before anyone parses it.
        #expect(throws: ManifestError.tooLarge(bytes: 20_000, limit: 10_240)) {
            try parser.parse(Array(repeating: UInt8(ascii: "["), count: 20_000), contentType: nil)
        }
    }

    @Test func decodedManifestIsMeasuredAsJSON() throws {
        let big = try Fixtures.minimal().setting(["metadata"], to: ["blob": .string(String(repeating: "x", count: 10_000))])
        #expect {
            try parser.validate(big)
        } throws: { error in
            guard case ManifestError.tooLarge(let bytes, 10_240) = error else { return false }
            return bytes == big.serialized().count
        }
    }

    // MARK: Syntax

    @Test func badYAMLNamesLineAndColumn() {
        let message = Fixtures.syntaxError("namespace: example\ndisplay_name: [unclosed\ncapability: x\n")
        #expect(message.contains("YAML syntax error at line"))
        #expect(message.contains("column"))
        let tab = Fixtures.syntaxError("namespace: example\nactions:\n  - id: a\n   bad: indentation\n")
        #expect(tab.contains("line 4"))
    }

    @Test func badJSONNamesLineAndColumn() {
        let message = Fixtures.syntaxError("{\n  \"namespace\": \"example\",\n  \"version\": 1.0.,\n}", contentType: "application/json")
        #expect(message.hasPrefix("JSON syntax error at line 3, column"))
        // Sniffed as JSON without a content type, because it starts with `{`.
        #expect(Fixtures.syntaxError("  {\"a\": 1,}", contentType: nil).hasPrefix("JSON syntax error at line 1, column 11"))
    }

    @Test func documentMustBeAMapping() {
        #expect(Fixtures.syntaxError("- namespace: example\n").contains("not a mapping"))
        #expect(Fixtures.syntaxError("just a string\n").contains("not a mapping"))
        #expect(Fixtures.syntaxError("").contains("empty"))
        #expect(Fixtures.syntaxError("# only a comment\n").contains("empty"))
        #expect(Fixtures.syntaxError("[1, 2]", contentType: "application/json").contains("not an object"))
    }

    @Test func invalidUTF8IsASyntaxError() {
        #expect(throws: ManifestError.syntax("manifest is not valid UTF-8")) {
            try parser.parse(Array("namespace: ".utf8) + [0xC3, 0x28], contentType: "application/x-yaml")
        }
    }

    // MARK: Schema

    @Test func listsEverySchemaViolationWithPaths() throws {
        let manifest = try Fixtures.minimal()
            .setting(["namespace"], to: "Bad_Namespace")
            .setting(["version"], to: "1.0")
            .setting(["actions", "0", "pricing"], to: nil)
            .setting(["surprise"], to: true)
        let problems = Fixtures.problems(manifest)
        let found = Set(problems.map { "\($0.instancePath) \($0.schemaPath)" })
        #expect(found.contains("/namespace /properties/namespace/pattern"))
        #expect(found.contains("/version /properties/version/pattern"))
        #expect(found.contains("/surprise /additionalProperties"))
        let missingPricing = try #require(problems.first { $0.instancePath == "/actions/0" })
        #expect(missingPricing.schemaPath.hasSuffix("/required"))
        #expect(missingPricing.reason.contains("pricing"))
        #expect(problems.count == 4)
        // Sorted by instance path.
        #expect(problems.map(\.instancePath) == ["/actions/0", "/namespace", "/surprise", "/version"])
    }

    @Test func unquotedYAMLVersionIsANumberAndRejected() throws {
        let yaml = Fixtures.minimalYAML.replacingOccurrences(of: "version: 1.0.0", with: "version: 1.0")
        #expect {
            try parser.parse(Array(yaml.utf8), contentType: "application/x-yaml")
        } throws: { error in
            guard case ManifestError.invalid(let problems) = error else { return false }
            return problems.map(\.instancePath) == ["/version"] && problems[0].schemaPath == "/properties/version/type"
        }
    }

    @Test func versionWithLeadingZerosIsRejected() throws {
        let problems = Fixtures.problems(try Fixtures.minimal().setting(["version"], to: "1.01.0"))
        #expect(problems.map(\.instancePath) == ["/version"])
        #expect(problems.first?.schemaPath == ManifestRule.semanticVersion)
    }

    // MARK: Action schemas

    @Test(arguments: [
        (#"{"type": 12}"#, "input_schema"),
        (#"{"minLength": -1}"#, "input_schema"),
        (#"{"type": "object", "properties": {"a": {"pattern": "[unclosed"}}}"#, "output_schema"),
        (#"{"$ref": "https://example.com/remote.json"}"#, "output_schema"),
        (#"{"required": "text"}"#, "input_schema"),
    ])
    func actionSchemaMustBeValid2020_12(schema: String, key: String) throws {
        let manifest = try Fixtures.minimal().setting(["actions", "0", key], to: JSONValue(parsing: schema))
        let problems = Fixtures.problems(manifest)
        #expect(!problems.isEmpty)
        for problem in problems {
            #expect(problem.instancePath == "/actions/0/\(key)")
            #expect(problem.schemaPath == ManifestRule.jsonSchema)
            #expect(problem.reason.hasPrefix("not a valid JSON Schema 2020-12"))
        }
    }

    // MARK: Prices

    @Test func priceBeyondMicrosIsRejected() throws {
        let problems = Fixtures.problems(try Fixtures.minimal().setting(["actions", "0", "pricing", "base"], to: "$0.0000001"))
        #expect(problems == [
            ManifestProblem(
                instancePath: "/actions/0/pricing/base", schemaPath: ManifestRule.price,
                reason: "'$0.0000001' has more than 6 decimal places")
        ])
    }

    @Test func priceTooLargeOrMalformedIsRejected() throws {
        let huge = Fixtures.problems(try Fixtures.minimal().setting(["actions", "0", "pricing", "base"], to: "$99999999999999999"))
        #expect(huge.map(\.schemaPath) == [ManifestRule.price])
        // Not the `$` literal: the schema's pattern says so, and the rule does not repeat it.
        let bare = Fixtures.problems(try Fixtures.minimal().setting(["actions", "0", "pricing", "base"], to: "0.005"))
        #expect(bare.map(\.schemaPath) == ["/properties/actions/items/$ref/properties/pricing/$ref/properties/base/pattern"])
    }

    // MARK: Uniqueness and composites

    @Test func duplicateActionIdsAreRejected() throws {
        let manifest = try Fixtures.minimal()
        let action = try #require(manifest["actions"]?.arrayValue?.first)
        let problems = Fixtures.problems(manifest.setting(["actions"], to: [action, action.setting(["name"], to: "Again"), action]))
        #expect(problems.map(\.instancePath) == ["/actions/1/id", "/actions/2/id"])
        #expect(problems.allSatisfy { $0.schemaPath == ManifestRule.uniqueActionID && $0.reason.contains("/actions/0") })
    }

    @Test func duplicateStepIdsAreRejected() throws {
        let step: JSONValue = ["id": "first", "call": "other/cap", "action": "run", "input": [:]]
        let manifest = try Fixtures.minimal().setting(["actions", "0", "composes"], to: ["steps": [step, step]])
        let problems = Fixtures.problems(manifest)
        #expect(problems.map(\.instancePath) == ["/actions/0/composes/steps/1/id"])
        #expect(problems.first?.schemaPath == ManifestRule.uniqueStepID)
    }

    @Test func compositeCannotStreamAndIsReportedOnce() throws {
        let step: JSONValue = ["id": "first", "call": "other/cap", "action": "run", "input": [:]]
        let manifest = try Fixtures.minimal()
            .setting(["actions", "0", "composes"], to: ["steps": [step]])
            .setting(["actions", "0", "streaming"], to: true)
        let problems = Fixtures.problems(manifest)
        #expect(problems.count == 1)
        #expect(problems.first?.instancePath == "/actions/0")
        #expect(problems.first?.reason.contains("composite actions are not streamable") == true)
    }

    // MARK: Deprecation

    @Test func deprecationNeedsSunsetAndSemverSuccessor() throws {
        let base = try Fixtures.minimal()
        let noSunset = Fixtures.problems(base.setting(["deprecation"], to: ["status": "deprecated"]))
        #expect(noSunset.map(\.instancePath) == ["/deprecation"])
        #expect(noSunset.first?.reason.contains("sunset_at") == true)

        let badSuccessor = Fixtures.problems(
            base.setting(["deprecation"], to: ["status": "sunset", "sunset_at": "2026-01-01T00:00:00Z", "successor_version": "02.0.0"]))
        #expect(badSuccessor.map(\.instancePath) == ["/deprecation/successor_version"])
        #expect(badSuccessor.first?.schemaPath == ManifestRule.semanticVersion)

        let badSunset = Fixtures.problems(base.setting(["deprecation"], to: ["status": "deprecated", "sunset_at": "2026-02-30T00:00:00Z"]))
        #expect(badSunset.map(\.instancePath) == ["/deprecation/sunset_at"])
    }
}
