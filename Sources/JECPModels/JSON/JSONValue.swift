/// A JSON document as the Hub sees it.
///
/// We use our own tree instead of `JSONSerialization`/`Codable` because the Hub must
/// (a) keep every number's literal text so money parses exactly (`0.1` never becomes
/// `0.1000000000000000055`), (b) serialize canonically (sorted keys) for idempotency
/// fingerprints and byte-identical replays, and (c) validate arbitrary `input` against
/// JSON Schema without a round trip through `Any`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

/// A JSON number that remembers its literal text.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal as it appeared in the document (or as we rendered it).
    public let text: String
    /// The IEEE value, for comparisons and arithmetic where exactness is not needed.
    public let double: Double

    /// Builds a number from a literal the parser has already validated.
    init(validatedLiteral text: String) {
        self.text = text
        self.double = Double(text) ?? .nan
    }

    public init(_ value: Int) {
        self.text = String(value)
        self.double = Double(value)
    }

    public init(_ value: Int64) {
        self.text = String(value)
        self.double = Double(value)
    }

    /// Finite doubles only; integers render without a fraction.
    public init(_ value: Double) {
        precondition(value.isFinite, "JSON has no representation for NaN or infinity")
        if value == value.rounded(), abs(value) < 1e15 {
            self.text = String(Int64(value))
        } else {
            self.text = String(value)
        }
        self.double = value
    }

    /// An already-exact decimal text such as `"0.005"` (used for money rendering).
    public init(decimalText: String) {
        self.text = decimalText
        self.double = Double(decimalText) ?? .nan
    }

    public var description: String { text }

    /// The value as an integer when it is mathematically one (`3`, `3.0`, `3e0`).
    public var integerValue: Int64? {
        guard double.isFinite, double == double.rounded(), abs(double) <= 9.007_199_254_740_992e15 else { return nil }
        return Int64(double)
    }

    // JSON Schema treats 1 and 1.0 as equal, so equality goes through the numeric value.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool { lhs.double == rhs.double }
    public func hash(into hasher: inout Hasher) { hasher.combine(double) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object: [String: JSONValue] = [:]
        object.reserveCapacity(elements.count)
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var numberValue: JSONNumber? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A number, or `null` when the value is NaN or infinite (JSON has no such numbers, and a
    /// capability bug must degrade to `null` rather than trap the whole Hub).
    public static func finite(_ value: Double) -> JSONValue {
        value.isFinite ? .number(JSONNumber(value)) : .null
    }

    /// The JSON Schema type name of this value (`integer` for whole numbers).
    public var schemaTypeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let number): number.integerValue != nil ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
