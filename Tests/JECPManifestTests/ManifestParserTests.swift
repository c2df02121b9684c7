import JECPManifest
import JECPModels
import JECPSchema
import Testing

@Suite struct ManifestParserTests {
    let parser = ManifestParser()

    @Test func specFixtureParsesAsJSON() throws {
        let body = try Fixtures.minimalJSON()
        for contentType in ["application/json", "application/json; charset=utf-8", nil] {
            let manifest = try parser.parse(body, contentType: contentType)
            #expect(manifest.raw == (try JSONValue(parsing: body)))
            #expect(manifest.fullID == "example/translate")
            #expect(manifest.version == SemanticVersion(major: 1, minor: 0, patch: 0))
            #expect(manifest.actions.map(\.id) == ["translate"])
            #expect(manifest.actions.first?.price == Money(micros: 5_000))
        }
    }

    @Test func yamlAndJSONGiveTheSameManifest() throws {
        let fromJSON = try parser.parse(Fixtures.minimalJSON(), contentType: "application/json")
        for contentType in ["application/x-yaml", "application/yaml", "text/yaml", "text/plain", nil] {
            let fromYAML = try parser.parse(Array(Fixtures.minimalYAML.utf8), contentType: contentType)
            #expect(fromYAML.raw == fromJSON.raw)
            #expect(fromYAML == fromJSON)
        }
    }

    @Test func jsonSentAsYAMLStillParses() throws {
        // JSON is YAML (04 §4.2): a client that labels a JSON manifest as YAML is not wrong.
        let body = try Fixtures.minimalJSON()
        let manifest = try parser.parse(body, contentType: "application/x-yaml")
        #expect(manifest.raw == (try JSONValue(parsing: body)))
    }

    @Test func everyOptionalFieldSurvivesIntoRaw() throws {
        let expected = try JSONValue(parsing: Fixtures.fullJSON)
        let fromYAML = try parser.parse(Array(Fixtures.fullYAML.utf8), contentType: "application/x-yaml")
        let fromJSON = try parser.parse(Array(Fixtures.fullJSON.utf8), contentType: "application/json")
        #expect(fromYAML.raw == expected)
        #expect(fromJSON.raw == expected)
        #expect(try parser.validate(expected).raw == expected)
        // Number literals keep their text, so money-like values never pass through a Double.
        let rate = fromYAML.raw["actions"]?.arrayValue?.first?["pricing"]?["input_per_token_usdc"]?.numberValue
        #expect(rate?.text == "0.000001")
    }

    @Test func validateAcceptsADecodedManifest() throws {
        let manifest = try parser.validate(Fixtures.minimal())
        #expect(manifest.namespace == "example")
        #expect(manifest.endpoint == "https://example.com/jecp")
    }

    @Test func httpEndpointOnlyInTestMode() throws {
        let manifest = try Fixtures.minimal().setting(["endpoint"], to: "http://127.0.0.1:8080/jecp")
        let problems = Fixtures.problems(manifest)
        #expect(problems.map(\.instancePath) == ["/endpoint"])
        #expect(problems.first?.schemaPath == "/properties/endpoint/pattern")
        let accepted = try ManifestParser(allowHTTPEndpoint: true).validate(manifest)
        #expect(accepted.endpoint == "http://127.0.0.1:8080/jecp")
        // Test mode relaxes the scheme only: anything else is still refused.
        let ftp = Fixtures.problems(manifest.setting(["endpoint"], to: "ftp://127.0.0.1/"), parser: ManifestParser(allowHTTPEndpoint: true))
        #expect(ftp.map(\.instancePath) == ["/endpoint"])
    }

    @Test func compiledSchemasValidateTheExample() throws {
        let manifest = try parser.parse(Fixtures.minimalJSON(), contentType: nil)
        let action = try #require(manifest.actions.first)
        let schemas = try action.compileSchemas()
        let example = try #require(action.examples.first)
        #expect(schemas.input.isValid(try #require(example["input"])))
        #expect(schemas.output.isValid(try #require(example["output"])))
        #expect(!schemas.input.isValid(["text": "Hello"]))
    }

    @Test func inputFormatsAreAssertedOutputFormatsAreNot() throws {
        let manifest = try parser.parse(Array(Fixtures.fullYAML.utf8), contentType: nil)
        let schemas = try #require(manifest.action(id: "summarize")).compileSchemas()
        #expect(schemas.input.isValid(["text": "a", "due": "2026-06-30"]))
        #expect(!schemas.input.isValid(["text": "a", "due": "tomorrow"]))
    }
}
