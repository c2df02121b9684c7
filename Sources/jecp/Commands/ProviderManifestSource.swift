import ArgumentParser
import Foundation
import JECPClient
import JECPManifest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `--allow-http`, for the commands that check a manifest locally.
struct ManifestOptions: ParsableArguments {
    @Flag(name: .customLong("allow-http"), help: "Accept an http:// endpoint, as a Hub in test mode (JECP_TEST_MODE) does.")
    var allowHTTP = false
}

/// A manifest file (or standard input) and the media type to publish it as.
struct ManifestSource: Sendable {
    static let defaultFile = "jecp.yaml"

    /// The path, or `standard input`.
    let name: String
    let bytes: [UInt8]
    /// `application/json` for `.json` files and stdin starting with `{`, else `application/x-yaml`.
    let contentType: String

    /// `-` reads standard input.
    static func read(_ argument: String) throws(CLIFailure) -> ManifestSource {
        if argument == "-" {
            guard isatty(STDIN_FILENO) != 1 else { throw CLIFailure.usage("no manifest on standard input: pipe one in, or name a file") }
            let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            let firstByte = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            return ManifestSource(name: "standard input", bytes: bytes,
                                  contentType: firstByte == UInt8(ascii: "{") ? "application/json" : "application/x-yaml")
        }
        let path = (argument as NSString).expandingTildeInPath
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure.usage("cannot read the manifest \(path)" + (argument == defaultFile ? "; create one with `jecp provider init`" : ""))
        }
        let json = (path as NSString).pathExtension.lowercased() == "json"
        return ManifestSource(name: argument, bytes: [UInt8](data), contentType: json ? "application/json" : "application/x-yaml")
    }

    /// The Hub's own checks that need no registry or network. Failures carry the Hub's codes and
    /// `details.errors[]` shape, so scripts handle a local and a Hub rejection alike.
    func validate(allowHTTP: Bool) throws(CLIFailure) -> Manifest {
        do {
            return try ManifestParser(allowHTTPEndpoint: allowHTTP).parse(bytes, contentType: contentType)
        } catch {
            throw Self.failure(error, name: name)
        }
    }

    static func failure(_ error: ManifestError, name: String) -> CLIFailure {
        switch error {
        case .tooLarge(let bytes, let limit):
            return CLIFailure(code: "MANIFEST_TOO_LARGE", message: "\(name) is \(bytes) bytes; a manifest may have at most \(limit).",
                              details: ["file": .string(name), "size_bytes": .number(JSONNumber(bytes)), "limit_bytes": .number(JSONNumber(limit))])
        case .syntax(let message):
            return CLIFailure(code: "VALIDATION_FAILED", message: "\(name) is not valid YAML or JSON.",
                              details: ["file": .string(name), "errors": [["instance_path": "", "schema_path": "", "reason": .string(message)]]])
        case .invalid(let problems):
            return CLIFailure(code: "VALIDATION_FAILED", message: "\(name) has \(problems.count) error(s).",
                              details: ["file": .string(name), "errors": .array(problems.map { problem in
                                  ["instance_path": .string(problem.instancePath), "schema_path": .string(problem.schemaPath),
                                   "reason": .string(problem.reason)]
                              })])
        }
    }
}
