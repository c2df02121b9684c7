import Foundation
import JECPClient

/// The `input` of `jecp invoke`: `--input '{"a":1}'`, `--input @file.json`, `--input -` or piped
/// stdin. Parsed strictly, so a typo is reported here instead of as a Hub validation error.
enum InputSource {
    static func read(_ argument: String?, standardInput: () -> Data?) throws(CLIFailure) -> JSONValue {
        let bytes: Data
        let origin: String
        switch argument {
        case .some(let text) where text.hasPrefix("@"):
            let path = (String(text.dropFirst()) as NSString).expandingTildeInPath
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIFailure.usage("cannot read the input file \(path)")
            }
            (bytes, origin) = (data, path)
        case .some("-"):
            (bytes, origin) = (standardInput() ?? Data(), "standard input")
        case .some(let text):
            (bytes, origin) = (Data(text.utf8), "--input")
        case .none:
            // Nothing piped (or a terminal): an action without input fields takes `{}`.
            let data = standardInput() ?? Data()
            if data.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) { return .object([:]) }
            (bytes, origin) = (data, "standard input")
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw CLIFailure.usage("\(origin) is not valid JSON: \(error)")
        }
        guard case .object = value else { throw CLIFailure.usage("\(origin) must be a JSON object, got \(value.schemaTypeName)") }
        return value
    }
}
