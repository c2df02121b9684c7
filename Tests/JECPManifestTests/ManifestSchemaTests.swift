import JECPManifest
import JECPModels
import JECPSchema
import Testing

@Suite struct ManifestSchemaTests {
    @Test func embeddedSchemaIsTheSpecFile() throws {
        let onDisk = try Fixtures.sharedFile("spec/schemas/v1/manifest.schema.json")
        #expect(Array(ManifestSchema.json.utf8) == onDisk)
        #expect(ManifestSchema.value == (try JSONValue(parsing: onDisk)))
    }

    @Test func compiledSchemaAcceptsTheFixture() throws {
        let fixture = try Fixtures.minimal()
        #expect(ManifestSchema.compiled(allowHTTPEndpoint: false).validate(fixture).isEmpty)
        #expect(ManifestSchema.compiled(allowHTTPEndpoint: true).validate(fixture).isEmpty)
    }

    @Test func onlyTheEndpointPatternIsRelaxed() throws {
        let http = try Fixtures.minimal().setting(["endpoint"], to: "http://127.0.0.1:9000")
        #expect(!ManifestSchema.compiled(allowHTTPEndpoint: false).isValid(http))
        #expect(ManifestSchema.compiled(allowHTTPEndpoint: true).isValid(http))
        let badNamespace = http.setting(["namespace"], to: "No")
        #expect(!ManifestSchema.compiled(allowHTTPEndpoint: true).isValid(badNamespace))
    }
}
