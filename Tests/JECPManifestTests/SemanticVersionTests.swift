import JECPManifest
import Testing

@Suite struct SemanticVersionTests {
    @Test func parsesMajorMinorPatch() throws {
        let version = try #require(SemanticVersion("12.0.345"))
        #expect((version.major, version.minor, version.patch) == (12, 0, 345))
        #expect(version.description == "12.0.345")
        #expect(SemanticVersion("0.0.0") == SemanticVersion(major: 0, minor: 0, patch: 0))
    }

    @Test(arguments: [
        "1.0", "1", "1.0.0.0", "v1.0.0", "01.0.0", "1.00.0", "1.0.01", "1.0.0-beta", "1.0.0+build", " 1.0.0", "1..0",
        "", "-1.0.0", "1.a.0", "99999999999999999999.0.0", "١.٠.٠",
    ])
    func rejects(_ text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    @Test func ordersNumericallyNotLexically() throws {
        let texts = ["1.2.9", "1.10.0", "0.9.9", "1.2.10", "1.9.0", "2.0.0"]
        let sorted = try texts.map { try #require(SemanticVersion($0)) }.sorted().map(\.description)
        #expect(sorted == ["0.9.9", "1.2.9", "1.2.10", "1.9.0", "1.10.0", "2.0.0"])
        #expect(SemanticVersion("1.10.0")! > SemanticVersion("1.9.0")!)
        #expect(SemanticVersion("1.9.0")! > SemanticVersion("1.2.10")!)
        #expect(SemanticVersion("1.2.10")! > SemanticVersion("1.2.9")!)
    }
}
