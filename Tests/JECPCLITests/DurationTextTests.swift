import Testing

@testable import jecp

@Suite struct DurationTextTests {
    @Test(arguments: [("300", 300), ("90s", 90), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("2d", 172_800), (" 5M ", 300), ("1d2h3m4s", 93_784)])
    func parses(text: String, seconds: Int) throws {
        #expect(try DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "0", "-5", "5x", "m", "30m1h", "1m1m", "1.5h", "5 m", "400d", "99999999999999999999"])
    func rejects(text: String) {
        let error = #expect(throws: CLIFailure.self) { try DurationText.seconds(text) }
        #expect(error?.exitCode == .usage)
    }
}
