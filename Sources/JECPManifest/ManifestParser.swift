import JECPModels
import JECPSchema

/// Turns a submitted manifest into a ``Manifest``, or says everything that is wrong with it.
///
/// Checks run in the order of 04 §6.1: size (§4.4), syntax, the canonical schema (§5.1), then the
/// publish-time rules the schema cannot express (``ManifestRules``). Schema violations and rule
/// failures are reported together, sorted by instance path. Checks that need the registry or the
/// network (namespace ownership, version uniqueness, `/health`, DNS, composite sub-prices and
/// tiers) are the Hub's.
public struct ManifestParser: Sendable {
    /// 10 KB serialized (04 §4.4).
    public static let maximumSize = 10_240

    public let allowHTTPEndpoint: Bool

    /// - Parameter allowHTTPEndpoint: accept `http://` endpoints (the Hub's test mode only).
    public init(allowHTTPEndpoint: Bool = false) {
        self.allowHTTPEndpoint = allowHTTPEndpoint
    }

    /// Parses and validates a request body.
    ///
    /// JSON when `contentType` is `application/json` (or `+json`), or when it is neither JSON nor
    /// YAML and the body starts with `{`; YAML otherwise (`application/x-yaml`, `application/yaml`,
    /// `text/yaml`...). JSON goes through the strict JSON parser so positions are exact.
    public func parse(_ body: [UInt8], contentType: String?) throws(ManifestError) -> Manifest {
        guard body.count <= Self.maximumSize else { throw .tooLarge(bytes: body.count, limit: Self.maximumSize) }
        return try check(try Self.decode(body, contentType: contentType))
    }

    /// The same checks on an already-decoded document; its size is that of its canonical JSON.
    public func validate(_ json: JSONValue) throws(ManifestError) -> Manifest {
        let size = json.serialized().count
        guard size <= Self.maximumSize else { throw .tooLarge(bytes: size, limit: Self.maximumSize) }
        return try check(json)
    }

    private func check(_ json: JSONValue) throws(ManifestError) -> Manifest {
        let schema = ManifestSchema.compiled(allowHTTPEndpoint: allowHTTPEndpoint)
        var problems = schema.validate(json, limit: 1_000).map(ManifestRules.problem(for:))
        let reported = Set(problems.map(\.instancePath))
        // A rule failure at a place the schema already rejected says the same thing twice.
        problems += ManifestRules.problems(in: json).filter { !reported.contains($0.instancePath) }
        guard problems.isEmpty else { throw .invalid(ManifestRules.sorted(problems)) }
        return Manifest(validated: json)
    }

    // MARK: - Decoding

    enum Syntax { case json, yaml }

    static func syntax(of body: [UInt8], contentType: String?) -> Syntax {
        if let contentType {
            // A media type has no inner whitespace: dropping all of it trims the ends.
            let mediaType = String(contentType.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }).lowercased()
            if mediaType == "application/json" || mediaType.hasSuffix("+json") { return .json }
            if mediaType.hasSuffix("/yaml") || mediaType.hasSuffix("/x-yaml") || mediaType.hasSuffix("+yaml") { return .yaml }
        }
        var index = 0
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < body.count, [0x20, 0x09, 0x0A, 0x0D].contains(body[index]) { index += 1 }
        return index < body.count && body[index] == UInt8(ascii: "{") ? .json : .yaml
    }

    static func decode(_ body: [UInt8], contentType: String?) throws(ManifestError) -> JSONValue {
        switch syntax(of: body, contentType: contentType) {
        case .json:
            let value: JSONValue
            do {
                value = try JSONValue(parsing: body)
            } catch {
                let (line, column) = position(ofByte: error.offset, in: body)
                throw .syntax("JSON syntax error at line \(line), column \(column): \(error.message)")
            }
            guard case .object = value else { throw .syntax("JSON document is not an object; a manifest is an object") }
            return value
        case .yaml:
            var text = body[...]
            // 04 §4.3 says no BOM; tolerated like the JSON parser does, since it carries no meaning.
            if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
            guard let string = String(validating: text, as: UTF8.self) else {
                throw .syntax("manifest is not valid UTF-8")
            }
            return try YAMLDecoding.decode(string)
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    static func position(ofByte offset: Int, in body: [UInt8]) -> (line: Int, column: Int) {
        let end = min(max(offset, 0), body.count)
        var line = 1
        var lineStart = 0
        for index in 0..<end where body[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: body[lineStart..<end], as: UTF8.self).count + 1
        return (line, column)
    }
}
