import JECPModels

/// What the keywords of one schema evaluated, for `unevaluatedProperties`/`unevaluatedItems`.
///
/// Only collected when some schema up the in-place chain has an `unevaluated*` keyword: evaluation
/// functions take an `Annotations?` that is nil otherwise, so the common case allocates nothing.
final class Annotations {
    var allProperties = false
    var properties: Set<String> = []
    var allItems = false
    /// Items `0..<itemPrefix` were evaluated (`prefixItems`).
    var itemPrefix = 0
    /// Items matched by `contains`.
    var itemIndices: Set<Int> = []

    func merge(_ other: Annotations) {
        if other.allProperties {
            allProperties = true
        } else if !other.properties.isEmpty && !allProperties {
            properties.formUnion(other.properties)
        }
        if other.allItems {
            allItems = true
        } else if !allItems {
            itemPrefix = max(itemPrefix, other.itemPrefix)
            if !other.itemIndices.isEmpty { itemIndices.formUnion(other.itemIndices) }
        }
    }

    func isEvaluated(property: String) -> Bool { allProperties || properties.contains(property) }
    func isEvaluated(item: Int) -> Bool { allItems || item < itemPrefix || itemIndices.contains(item) }
}

/// A step of the instance path, kept as a stack and rendered only when a violation is reported.
enum InstancePathSegment {
    case key(String)
    case index(Int)
}

/// A `$ref`/`$dynamicRef` crossed on the way to the current node: schema paths are rendered along
/// the evaluation path (`/properties/a/$ref/minimum`), so each crossing is remembered.
struct ReferenceFrame {
    /// The node holding the reference keyword.
    let owner: NodeID
    let dynamic: Bool
    /// The node the reference led to.
    let target: NodeID
}

/// One validation run. `collecting` runs gather every violation (up to `limit`); the others stop
/// at the first failure and record nothing.
struct Evaluator {
    /// Evaluation depth bound. Reference cycles that never consume the instance are rejected at
    /// compile time, so depth grows with the instance's nesting (the parser caps that at 256) times
    /// the schema's indirection; this bounds the rest (programmatic instances, `$dynamicRef` loops).
    /// A level costs well under 1 KB of stack.
    static let maximumDepth = 1024

    let nodes: [SchemaNode]
    let dynamicAnchors: [[String: NodeID]]
    let tracksDynamicScope: Bool
    let limit: Int
    var collecting: Bool
    var violations: [SchemaViolation] = []
    var instancePath: [InstancePathSegment] = []
    var referenceFrames: [ReferenceFrame] = []
    var dynamicScope: [Int] = []
    var depth = 0

    init(schema: CompiledSchema, collecting: Bool, limit: Int) {
        self.nodes = schema.nodes
        self.dynamicAnchors = schema.dynamicAnchors
        self.tracksDynamicScope = schema.tracksDynamicScope
        self.limit = limit
        self.collecting = collecting
    }

    mutating func evaluateRoot(_ root: NodeID, _ instance: JSONValue) -> Bool {
        evaluate(root, instance, nil)
    }

    /// Whether a failed keyword should be followed by the remaining ones.
    @inline(__always) var keepGoing: Bool { collecting && violations.count < limit }

    // MARK: Nodes

    /// Evaluates node `id` against `instance`. With `annotations`, records what was evaluated there
    /// (the caller discards them if this returns false).
    mutating func evaluate(_ id: NodeID, _ instance: JSONValue, _ annotations: Annotations?) -> Bool {
        let node = nodes[id]
        switch node.kind {
        case .alwaysTrue:
            return true
        case .alwaysFalse:
            if collecting { reportFalseSchema(node) }
            return false
        case .keywords:
            break
        }
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            report(node, "$ref", "the value is nested too deeply to validate")
            return false
        }
        if tracksDynamicScope && node.isResourceRoot && dynamicScope.last != node.resourceID {
            dynamicScope.append(node.resourceID)
            defer { dynamicScope.removeLast() }
            return evaluateNode(node, instance, annotations)
        }
        return evaluateNode(node, instance, annotations)
    }

    @inline(__always)
    private mutating func evaluateNode(_ node: SchemaNode, _ instance: JSONValue, _ annotations: Annotations?) -> Bool {
        if annotations == nil {
            let needsAnnotations: Bool
            switch instance {
            case .object: needsAnnotations = node.hasUnevaluatedProperties
            case .array: needsAnnotations = node.hasUnevaluatedItems
            default: needsAnnotations = false
            }
            if needsAnnotations { return evaluateKeywords(node, instance, Annotations()) }
        }
        return evaluateKeywords(node, instance, annotations)
    }

    private mutating func evaluateKeywords(_ node: SchemaNode, _ instance: JSONValue, _ annotations: Annotations?) -> Bool {
        var valid = true
        if !node.types.isEmpty && !Self.matches(node.types, instance) {
            valid = false
            report(node, "type", "must be \(Self.describe(node.types)), not \(Self.typeName(instance))")
            if !keepGoing { return false }
        }
        for position in node.general.indices where !evaluateGeneral(node.general[position], node, instance, annotations) {
            valid = false
            if !keepGoing { return false }
        }
        switch instance {
        case .number(let number):
            for position in node.numberKeywords.indices where !evaluateNumber(node.numberKeywords[position], node, number) {
                valid = false
                if !keepGoing { return false }
            }
        case .string(let string):
            for position in node.stringKeywords.indices where !evaluateString(node.stringKeywords[position], node, string) {
                valid = false
                if !keepGoing { return false }
            }
        case .array(let array):
            for position in node.arrayKeywords.indices where !evaluateArray(node.arrayKeywords[position], node, array, annotations) {
                valid = false
                if !keepGoing { return false }
            }
        case .object(let object):
            for position in node.objectKeywords.indices where !evaluateObject(node.objectKeywords[position], node, object, annotations) {
                valid = false
                if !keepGoing { return false }
            }
        case .null, .bool:
            break
        }
        return valid
    }

    // MARK: Types

    @inline(__always)
    static func matches(_ types: TypeMask, _ instance: JSONValue) -> Bool {
        switch instance {
        case .null: types.contains(.null)
        case .bool: types.contains(.boolean)
        case .string: types.contains(.string)
        case .array: types.contains(.array)
        case .object: types.contains(.object)
        case .number(let number): types.contains(.number) || (types.contains(.integer) && isInteger(number))
        }
    }

    /// Mathematically an integer (`1`, `1.0`, `1e3`), judged on the literal, not the double.
    static func isInteger(_ number: JSONNumber) -> Bool {
        let text = number.text.utf8
        if !text.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            return true
        }
        guard let parsed = DecimalValue.parse(text, collectDigits: false) else {
            return number.double.isFinite && number.double == number.double.rounded()
        }
        return parsed.exponent >= 0 || parsed.mantissa == 0
    }

    static func typeName(_ instance: JSONValue) -> String {
        switch instance {
        case .null: "null"
        case .bool: "boolean"
        case .number(let number): isInteger(number) ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    static func describe(_ types: TypeMask) -> String {
        var names: [String] = []
        if types.contains(.object) { names.append("object") }
        if types.contains(.array) { names.append("array") }
        if types.contains(.string) { names.append("string") }
        if types.contains(.number) { names.append("number") }
        if types.contains(.integer) { names.append("integer") }
        if types.contains(.boolean) { names.append("boolean") }
        if types.contains(.null) { names.append("null") }
        return names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    // MARK: Reporting

    /// Records a violation of `keyword` (of `node`) at the current instance location.
    /// Kept out of line so the recursive evaluation functions keep small stack frames.
    @inline(never)
    mutating func report(_ node: SchemaNode, _ keyword: String, _ reason: @autoclosure () -> String) {
        guard collecting, violations.count < limit else { return }
        violations.append(
            SchemaViolation(
                instancePath: renderInstancePath(), schemaPath: renderSchemaPath(node, keyword: keyword),
                keyword: keyword, reason: reason()))
    }

    /// A `false` subschema: reported as a violation of the keyword that applied it.
    @inline(never)
    mutating func reportFalseSchema(_ node: SchemaNode) {
        guard collecting, violations.count < limit else { return }
        let keyword = node.parentKeyword.isEmpty ? "false" : node.parentKeyword
        let reason: String
        switch (node.parentKeyword, instancePath.last) {
        case ("additionalProperties", .key(let name)?), ("properties", .key(let name)?), ("patternProperties", .key(let name)?):
            reason = "property '\(name)' is not allowed"
        case ("unevaluatedProperties", .key(let name)?):
            reason = "property '\(name)' is not allowed (not evaluated by any other keyword)"
        case ("items", .index(let index)?), ("prefixItems", .index(let index)?):
            reason = "item \(index) is not allowed"
        case ("unevaluatedItems", .index(let index)?):
            reason = "item \(index) is not allowed (not evaluated by any other keyword)"
        default:
            reason = "no value is allowed here"
        }
        violations.append(
            SchemaViolation(
                instancePath: renderInstancePath(), schemaPath: renderSchemaPath(node, keyword: nil), keyword: keyword,
                reason: reason))
    }

    func renderInstancePath() -> String {
        var path = ""
        for segment in instancePath {
            switch segment {
            case .key(let key): path += "/" + JSONPointer.escape(key)
            case .index(let index): path += "/" + String(index)
            }
        }
        return path
    }

    /// The evaluation path to `keyword` of `node`: the node's pointer, with the part before each
    /// crossed reference replaced by the path to that reference.
    func renderSchemaPath(_ node: SchemaNode, keyword: String?) -> String {
        var path = ""
        var base = ""  // pointer of the node the current frame started from
        for frame in referenceFrames {
            let owner = nodes[frame.owner]
            path += Self.suffix(of: owner.pointer, after: base) + (frame.dynamic ? "/$dynamicRef" : "/$ref")
            base = nodes[frame.target].pointer
        }
        path += Self.suffix(of: node.pointer, after: base)
        if let keyword { path += "/" + JSONPointer.escape(keyword) }
        return path
    }

    /// `pointer` without its first `base.utf8.count` bytes (`base` is a prefix of it).
    private static func suffix(of pointer: String, after base: String) -> Substring {
        guard !base.isEmpty else { return pointer[...] }
        let utf8 = pointer.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: min(base.utf8.count, utf8.count))
        return pointer[start...]
    }

    // MARK: Descending

    /// Evaluates `id` against a member of the current object (no annotations flow up).
    @inline(__always)
    mutating func evaluate(_ id: NodeID, member value: JSONValue, key: String) -> Bool {
        guard collecting else { return evaluate(id, value, nil) }
        instancePath.append(.key(key))
        defer { instancePath.removeLast() }
        return evaluate(id, value, nil)
    }

    /// Evaluates `id` against an element of the current array.
    @inline(__always)
    mutating func evaluate(_ id: NodeID, element value: JSONValue, index: Int) -> Bool {
        guard collecting else { return evaluate(id, value, nil) }
        instancePath.append(.index(index))
        defer { instancePath.removeLast() }
        return evaluate(id, value, nil)
    }

    /// Evaluates `id` in place (same instance location) without recording violations.
    mutating func test(_ id: NodeID, _ instance: JSONValue, _ annotations: Annotations?) -> Bool {
        guard collecting else { return evaluate(id, instance, annotations) }
        collecting = false
        defer { collecting = true }
        return evaluate(id, instance, annotations)
    }
}
