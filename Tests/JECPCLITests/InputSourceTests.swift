import Foundation
import JECPModels
import Testing

@testable import jecp

@Suite struct InputSourceTests {
    @Test func readsInlineFileAndStdin() throws {
        #expect(try InputSource.read(#"{"a":1}"#, standardInput: { nil }) == ["a": 1])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-input-\(UUID().uuidString).json").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(#"{"b":"x"}"#.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try InputSource.read("@" + path, standardInput: { nil }) == ["b": "x"])
        #expect(try InputSource.read("-", standardInput: { Data(#"{"c":true}"#.utf8) }) == ["c": true])
        #expect(try InputSource.read(nil, standardInput: { Data(#"{"d":null}"#.utf8) }) == ["d": nil])
        #expect(try InputSource.read(nil, standardInput: { Data("\n".utf8) }) == .object([:]))
        #expect(try InputSource.read(nil, standardInput: { nil }) == .object([:]))
    }

    @Test func keepsNumbersExact() throws {
        let value = try InputSource.read(#"{"price":0.1}"#, standardInput: { nil })
        #expect(value["price"]?.numberValue?.text == "0.1")
    }

    @Test(arguments: ["{", "[1]", "@/nonexistent/file.json", "{\"a\":1,}"])
    func rejectsWithUsageErrors(argument: String) {
        let error = #expect(throws: CLIFailure.self) { try InputSource.read(argument, standardInput: { nil }) }
        #expect(error?.exitCode == .usage)
    }
}
