import JECPModels

/// Index of a node in ``CompiledSchema/nodes``. Edges are indices, not references, so the graph
/// may be cyclic (`$ref: "#"`) while every node stays immutable and there are no retain cycles.
typealias NodeID = Int

/// The JSON Schema `type` keyword as a bit set.
struct TypeMask: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeMask(rawValue: 1 << 0)
    static let boolean = TypeMask(rawValue: 1 << 1)
    static let object = TypeMask(rawValue: 1 << 2)
    static let array = TypeMask(rawValue: 1 << 3)
    static let number = TypeMask(rawValue: 1 << 4)
    static let string = TypeMask(rawValue: 1 << 5)
    static let integer = TypeMask(rawValue: 1 << 6)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "object": self = .object
        case "array": self = .array
        case "number": self = .number
        case "string": self = .string
        case "integer": self = .integer
        default: return nil
        }
    }
}

/// One compiled (sub)schema: a boolean schema, or an object schema's keywords split by the
/// instance type they apply to, each list already in evaluation order.
final class SchemaNode: Sendable {
    enum Kind: Sendable {
        case alwaysTrue
        case alwaysFalse
        case keywords
    }

    let kind: Kind
    /// This node's index in the graph.
    let id: NodeID
    /// JSON Pointer of this subschema inside its document (used to build schema paths).
    let pointer: String
    /// For boolean `false` subschemas: the keyword that applied it (`additionalProperties`, ...).
    let parentKeyword: String
    /// The schema resource (`$id` or document root) this node belongs to.
    let resourceID: Int
    /// Whether this node is the root of its resource (declares `$id`, or is a document root).
    let isResourceRoot: Bool

    /// `type`, or empty for "any".
    let types: TypeMask
    /// `enum`, `const` and the in-place applicators (`$ref`, `allOf`, `if`, ...); run for every instance.
    let general: [Keyword]
    let numberKeywords: [Keyword]
    let stringKeywords: [Keyword]
    /// Array keywords; `unevaluatedItems` last.
    let arrayKeywords: [Keyword]
    /// Object keywords; `unevaluatedProperties` last.
    let objectKeywords: [Keyword]
    let hasUnevaluatedItems: Bool
    let hasUnevaluatedProperties: Bool

    init(
        kind: Kind, id: NodeID, pointer: String, parentKeyword: String, resourceID: Int, isResourceRoot: Bool,
        types: TypeMask = [], general: [Keyword] = [], numberKeywords: [Keyword] = [], stringKeywords: [Keyword] = [],
        arrayKeywords: [Keyword] = [], objectKeywords: [Keyword] = []
    ) {
        self.kind = kind
        self.id = id
        self.pointer = pointer
        self.parentKeyword = parentKeyword
        self.resourceID = resourceID
        self.isResourceRoot = isResourceRoot
        self.types = types
        self.general = general
        self.numberKeywords = numberKeywords
        self.stringKeywords = stringKeywords
        self.arrayKeywords = arrayKeywords
        self.objectKeywords = objectKeywords
        self.hasUnevaluatedItems = arrayKeywords.contains { if case .unevaluatedItems = $0 { true } else { false } }
        self.hasUnevaluatedProperties = objectKeywords.contains { if case .unevaluatedProperties = $0 { true } else { false } }
    }
}

/// A compiled keyword. Subschemas are ``NodeID``s. `indirect` boxes each payload, so reading a
/// keyword during evaluation copies one reference instead of the payload's fields.
indirect enum Keyword: Sendable {
    // Any instance type.
    case constant(JSONValue)
    case enumeration(EnumValues)
    case allOf([NodeID])
    case anyOf([NodeID])
    case oneOf([NodeID])
    case not(NodeID)
    case conditional(if: NodeID, then: NodeID?, else: NodeID?)
    case ref(NodeID)
    /// `$dynamicRef` whose initial target is a `$dynamicAnchor` named `anchor`: the outermost
    /// resource in the dynamic scope with the same anchor wins. (Other `$dynamicRef`s compile to `.ref`.)
    case dynamicRef(initial: NodeID, anchor: String)

    // Numbers.
    case bound(NumberBound)
    case multipleOf(Divisor)

    // Strings.
    case minLength(Int)
    case maxLength(Int)
    case pattern(ECMARegex)
    case format(StringFormat)

    // Arrays.
    case prefixItems([NodeID])
    case items(NodeID, from: Int)
    case contains(NodeID, min: Int, max: Int?)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case unevaluatedItems(NodeID)

    // Objects.
    /// `properties`, `patternProperties`, `additionalProperties` and `required`.
    case properties(PropertyPlan)
    case dependentRequired([(property: String, required: [String])])
    case dependentSchemas([(property: String, schema: NodeID)])
    case propertyNames(NodeID)
    case minProperties(Int)
    case maxProperties(Int)
    case unevaluatedProperties(NodeID)
}

/// `enum`: a list for small enums, plus a hash index for large ones.
struct EnumValues: Sendable {
    let values: [JSONValue]
    /// Positions of the values by hash bucket. `JSONValue` hashing conflates canonically equivalent
    /// strings, so candidates are confirmed with ``JSONEquality``.
    let index: [JSONValue: [Int]]?

    init(_ values: [JSONValue]) {
        self.values = values
        if values.count > 8 {
            var index: [JSONValue: [Int]] = [:]
            for (position, value) in values.enumerated() { index[value, default: []].append(position) }
            self.index = index
        } else {
            self.index = nil
        }
    }

    func contains(_ value: JSONValue) -> Bool {
        if let index {
            guard let positions = index[value] else { return false }
            for position in positions where JSONEquality.equal(values[position], value) { return true }
            return false
        }
        for candidate in values where JSONEquality.equal(candidate, value) { return true }
        return false
    }
}

/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`. (Classes keep keyword payloads
/// to one reference, so evaluation does not copy their fields around.)
final class NumberBound: Sendable {
    enum Kind: Sendable, CaseIterable {
        case minimum, maximum, exclusiveMinimum, exclusiveMaximum

        var keyword: String {
            switch self {
            case .minimum: "minimum"
            case .maximum: "maximum"
            case .exclusiveMinimum: "exclusiveMinimum"
            case .exclusiveMaximum: "exclusiveMaximum"
            }
        }
    }

    let kind: Kind
    let limit: JSONNumber
    let exact: DecimalValue

    init(kind: Kind, limit: JSONNumber) {
        self.kind = kind
        self.limit = limit
        self.exact = DecimalValue(limit)
    }

    var keyword: String { kind.keyword }
}

/// `multipleOf`.
final class Divisor: Sendable {
    let value: DecimalValue

    init(_ value: JSONNumber) { self.value = DecimalValue(value) }
}

/// `properties`, `patternProperties`, `additionalProperties` and `required` of one schema, applied
/// in a single pass over the instance's members: each member name is looked up once (by a few
/// string comparisons for small schemas, no hashing), and presence of required names is a bit mask.
final class PropertyPlan: Sendable {
    /// Above this many names, member names are looked up in a dictionary instead of compared in turn.
    static let linearLimit = 12

    /// The `required` names first (positions `0..<requiredCount`), then the other `properties` names.
    let names: [String]
    /// The `properties` subschema for each name, if any.
    let schemas: [NodeID?]
    let requiredCount: Int
    let index: [String: Int]?
    let patterns: [(regex: ECMARegex, schema: NodeID)]
    let additional: NodeID?

    init(properties: [(name: String, schema: NodeID)], required: [String], patterns: [(regex: ECMARegex, schema: NodeID)], additional: NodeID?) {
        var names: [String] = []
        var schemas: [NodeID?] = []
        var positions: [String: Int] = [:]
        for name in required where positions[name] == nil {
            positions[name] = names.count
            names.append(name)
            schemas.append(nil)
        }
        self.requiredCount = names.count
        for (name, schema) in properties {
            if let position = positions[name] {
                schemas[position] = schema
            } else {
                positions[name] = names.count
                names.append(name)
                schemas.append(schema)
            }
        }
        self.names = names
        self.schemas = schemas
        self.index = names.count > Self.linearLimit ? positions : nil
        self.patterns = patterns
        self.additional = additional
    }

    /// The position of `key` in ``names``.
    @inline(__always)
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        for position in names.indices where names[position] == key { return position }
        return nil
    }
}
