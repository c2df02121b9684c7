import JECPModels
import Yams

/// YAML → ``JSONValue`` with YAML 1.2 core-schema typing (04 §4.2: YAML 1.2.2).
///
/// Plain scalars resolve by the core schema only: `true`/`false` are booleans but `yes`/`on` stay
/// strings (Yams' default resolver follows YAML 1.1), `1.0.0` is a string, `1.0` is a number.
/// Quoted and block scalars are always strings. Numbers keep their literal text (normalised to JSON
/// grammar), so `0.005` never passes through a `Double`.
///
/// Refused, as syntax errors: aliases (an alias bomb expands exponentially when converted, and a
/// manifest has no use for them), more than one document, non-string mapping keys, tags other than
/// the core ones, `.inf`/`.nan` (JSON has no such numbers) and nesting deeper than JSON's limit.
enum YAMLDecoding {
    /// YAML 1.2.2 §10.3.2, in resolution order (an int is not also tried as a float).
    static let coreSchema: Resolver = {
        do {
            return try Resolver.basic
                .appending(.null, "^(?:null|Null|NULL|~|)$")
                .appending(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
                .appending(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
                .appending(
                    .float,
                    #"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"#)
        } catch {
            preconditionFailure("core schema patterns are fixed and valid: \(error)")
        }
    }()

    static func decode(_ text: String) throws(ManifestError) -> JSONValue {
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text, resolver: coreSchema)
            root = try parser.singleRoot()
        } catch {
            throw .syntax(message(for: error))
        }
        guard let root else { throw .syntax("YAML document is empty; a manifest is a mapping") }
        guard case .mapping = root else {
            throw .syntax("YAML document\(position(root.mark)) is not a mapping; a manifest is a mapping")
        }
        // Yams holds anchors weakly from nodes and strongly from the parser: keep it alive while
        // converting so alias detection sees them.
        return try withExtendedLifetime(parser) { () throws(ManifestError) -> JSONValue in
            var converter = Converter()
            return try converter.convert(root, depth: 0)
        }
    }

    /// One line: `YAML syntax error at line 3, column 7: mapping values are not allowed in this context`.
    static func message(for error: any Error) -> String {
        guard let error = error as? YamlError else { return "YAML syntax error: \(error)" }
        switch error {
        case .composer(_, "but found another document", let mark, _):
            return "YAML syntax error at line \(mark.line), column \(mark.column): a manifest is a single YAML document, but found another"
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return "YAML syntax error at line \(mark.line), column \(mark.column): \(problem)\(during)"
        case .reader(let problem, let offset, _, let yaml):
            guard let offset else { return "YAML syntax error: \(problem)" }
            // The reader reports a character offset; say where that is, like the other errors.
            let before = yaml.prefix(offset)
            let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            let column = before.reversed().prefix { $0 != "\n" }.count + 1
            return "YAML syntax error at line \(line), column \(column): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return "YAML syntax error at line \(context.mark.line), column \(context.mark.column): duplicate key \(keys)"
        default:
            return "YAML syntax error: \(error)"
        }
    }

    static func position(_ mark: Mark?) -> String {
        mark.map { " at line \($0.line), column \($0.column)" } ?? ""
    }

    private struct Converter {
        /// Anchors already converted: meeting one again means the node came through an alias.
        var seenAnchors: Set<ObjectIdentifier> = []

        mutating func convert(_ node: Node, depth: Int) throws(ManifestError) -> JSONValue {
            guard depth < JSONValue.maximumDepth else {
                throw .syntax("YAML nesting deeper than \(JSONValue.maximumDepth)\(position(node.mark))")
            }
            try checkNotAlias(node)
            switch node {
            case .scalar(let scalar):
                return try Self.scalar(scalar, tag: node.tag.rawValue)
            case .sequence(let sequence):
                try Self.requireTag(node, Tag.Name.seq.rawValue)
                var elements: [JSONValue] = []
                elements.reserveCapacity(sequence.count)
                for element in sequence { elements.append(try convert(element, depth: depth + 1)) }
                return .array(elements)
            case .mapping(let mapping):
                try Self.requireTag(node, Tag.Name.map.rawValue)
                var object: [String: JSONValue] = [:]
                object.reserveCapacity(mapping.count)
                for (key, value) in mapping {
                    try checkNotAlias(key)
                    guard case .scalar(let scalar) = key, key.tag.rawValue == Tag.Name.str.rawValue else {
                        throw .syntax("YAML mapping key\(position(key.mark)) is not a string; manifest keys are strings")
                    }
                    let converted = try convert(value, depth: depth + 1)
                    guard object.updateValue(converted, forKey: scalar.string) == nil else {
                        throw .syntax("YAML duplicate key '\(scalar.string)'\(position(key.mark))")
                    }
                }
                return .object(object)
            case .alias:
                throw .syntax("YAML aliases are not allowed\(position(node.mark))")
            }
        }

        /// The parser resolves an alias to its anchored node itself, so an alias shows up as a
        /// second visit of the same anchor object (shadowing anchors are distinct objects).
        mutating func checkNotAlias(_ node: Node) throws(ManifestError) {
            if case .alias = node { throw .syntax("YAML aliases are not allowed\(position(node.mark))") }
            if let anchor = node.anchor, !seenAnchors.insert(ObjectIdentifier(anchor)).inserted {
                throw .syntax("YAML aliases are not allowed (an alias of '&\(anchor.rawValue)' defined\(position(node.mark)))")
            }
        }

        static func requireTag(_ node: Node, _ expected: String) throws(ManifestError) {
            let tag = node.tag.rawValue
            guard tag == expected else { throw .syntax("YAML tag '\(tag)'\(position(node.mark)) is not supported") }
        }

        static func scalar(_ scalar: Node.Scalar, tag: String) throws(ManifestError) -> JSONValue {
            let text = scalar.string
            func invalid(_ kind: String) -> ManifestError {
                .syntax("YAML value '\(text)'\(position(scalar.mark)) is not a valid \(kind)")
            }
            switch tag {
            case Tag.Name.str.rawValue:
                return .string(text)
            case Tag.Name.null.rawValue:
                guard ["null", "Null", "NULL", "~", ""].contains(text) else { throw invalid("null") }
                return .null
            case Tag.Name.bool.rawValue:
                switch text {
                case "true", "True", "TRUE": return .bool(true)
                case "false", "False", "FALSE": return .bool(false)
                default: throw invalid("boolean")
                }
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
                if [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"]
                    .contains(text)
                {
                    throw .syntax("YAML value '\(text)'\(position(scalar.mark)) has no JSON representation")
                }
                guard let literal = YAMLNumber.jsonLiteral(text, integerOnly: tag == Tag.Name.int.rawValue),
                    case .number(let number)? = try? JSONValue(parsing: literal)
                else { throw invalid(tag == Tag.Name.int.rawValue ? "integer" : "number") }
                return .number(number)
            default:
                throw .syntax("YAML tag '\(tag)'\(position(scalar.mark)) is not supported")
            }
        }
    }
}

/// Rewrites a YAML 1.2 core-schema number into JSON number grammar (`+1` → `1`, `.5` → `0.5`,
/// `1.` → `1`, `007` → `7`, `0x1F` → `31`), keeping every significant digit.
enum YAMLNumber {
    static func jsonLiteral(_ text: String, integerOnly: Bool) -> String? {
        var bytes = Substring(text)
        if bytes.hasPrefix("0x") || bytes.hasPrefix("0o") {
            let radix = bytes.hasPrefix("0x") ? 16 : 8
            guard let value = UInt64(bytes.dropFirst(2), radix: radix) else { return nil }
            return String(value)
        }
        var sign = ""
        if bytes.first == "+" || bytes.first == "-" {
            if bytes.first == "-" { sign = "-" }
            bytes = bytes.dropFirst()
        }
        var exponent = ""
        if let e = bytes.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = String(bytes[e...])
            bytes = bytes[..<e]
        }
        var integer = bytes
        var fraction: Substring = ""
        if let point = bytes.firstIndex(of: ".") {
            integer = bytes[..<point]
            fraction = bytes[bytes.index(after: point)...]
        }
        let digits: (Character) -> Bool = { $0 >= "0" && $0 <= "9" }
        guard integer.allSatisfy(digits), fraction.allSatisfy(digits), !(integer.isEmpty && fraction.isEmpty) else {
            return nil
        }
        if integerOnly && (!fraction.isEmpty || !exponent.isEmpty || bytes.contains(".")) { return nil }
        let trimmed = integer.drop(while: { $0 == "0" })
        let whole = trimmed.isEmpty ? "0" : String(trimmed)
        return sign + whole + (fraction.isEmpty ? "" : "." + fraction) + exponent
    }
}
