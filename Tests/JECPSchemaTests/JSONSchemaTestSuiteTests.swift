import Foundation
import JECPModels
import JECPSchema
import Testing

/// Runs the official JSON Schema Test Suite (draft 2020-12) against ``CompiledSchema``.
///
/// The suite lives next to the repository (`../shared/testdata/json-schema-test-suite`); its
/// `remotes/` documents are registered under `http://localhost:1234/<relative path>`.
enum OfficialSuite {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("../../../shared/testdata/json-schema-test-suite")
        .standardizedFileURL

    static let draftDirectory = root.appendingPathComponent("tests/draft2020-12")

    /// Formats asserted by `CompiledSchema(formatAssertion: true)`; their `optional/format` files run too.
    static let assertedFormats = ["date", "date-time", "email", "uri", "uuid", "ipv4", "ipv6"]

    /// Cases not run, with the reason. Keys are `file`, `file | group` or `file | group | test`.
    /// Empty: `vocabulary.json` passes (a custom meta-schema's `$vocabulary` is honoured), and the
    /// cases that `$ref` the 2020-12 meta-schema use the copies built into `JECPSchema`.
    static let skipped: [String: String] = [:]

    struct File: Sendable, CustomTestStringConvertible {
        let path: String  // relative to draftDirectory
        let formatAssertion: Bool
        var testDescription: String { path }
    }

    static let files: [File] = {
        let manager = FileManager.default
        let core = ((try? manager.contentsOfDirectory(atPath: draftDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }
            .sorted()
            .map { File(path: $0, formatAssertion: false) }
        let formats = assertedFormats.map { File(path: "optional/format/\($0).json", formatAssertion: true) }
        return core + formats
    }()

    static let registry: SchemaRegistry = {
        var registry = SchemaRegistry()
        let remotes = root.appendingPathComponent("remotes")
        let enumerator = FileManager.default.enumerator(atPath: remotes.path)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".json"),
                let data = FileManager.default.contents(atPath: remotes.appendingPathComponent(relative).path),
                let document = try? JSONValue(parsing: data)
            else { continue }
            registry.add(document, uri: "http://localhost:1234/" + relative)
        }
        return registry
    }()

    static func skipReason(_ file: String, _ group: String, _ test: String) -> String? {
        skipped[file] ?? skipped["\(file) | \(group)"] ?? skipped["\(file) | \(group) | \(test)"]
    }
}

@Suite("JSON Schema Test Suite, draft 2020-12")
struct JSONSchemaTestSuiteTests {
    @Test func suiteIsPresent() {
        #expect(OfficialSuite.files.count > 40, "test suite not found at \(OfficialSuite.draftDirectory.path)")
    }

    @Test(arguments: OfficialSuite.files)
    func suiteFile(_ file: OfficialSuite.File) throws {
        let url = OfficialSuite.draftDirectory.appendingPathComponent(file.path)
        let document = try JSONValue(parsing: try Data(contentsOf: url))
        let groups = try #require(document.arrayValue)
        var failures: [String] = []
        var passed = 0
        for group in groups {
            let groupDescription = group["description"]?.stringValue ?? "?"
            let tests = group["tests"]?.arrayValue ?? []
            let compiled: CompiledSchema
            do {
                compiled = try CompiledSchema(
                    group["schema"] ?? .null, registry: OfficialSuite.registry, formatAssertion: file.formatAssertion)
            } catch {
                failures.append("\(groupDescription): schema did not compile: \(error)")
                continue
            }
            for test in tests {
                let testDescription = test["description"]?.stringValue ?? "?"
                if OfficialSuite.skipReason(file.path, groupDescription, testDescription) != nil { continue }
                let data = test["data"] ?? .null
                let expected = test["valid"]?.boolValue ?? false
                let valid = compiled.isValid(data)
                let violations = compiled.validate(data)
                if valid != expected {
                    failures.append(
                        "\(groupDescription) / \(testDescription): expected \(expected ? "valid" : "invalid"), got \(valid ? "valid" : "invalid") \(violations)")
                } else if violations.isEmpty != valid {
                    failures.append("\(groupDescription) / \(testDescription): isValid=\(valid) but validate() returned \(violations)")
                } else {
                    passed += 1
                }
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(file.path): \(failures.count) failing case(s):\n" + failures.joined(separator: "\n")))
        print("\(file.path): \(passed) passed, \(failures.count) failed")
    }
}
