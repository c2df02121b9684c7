import JECPModels

/// JSON Schema equality: numbers by value (`1 == 1.0`), strings and member names by code points.
///
/// `JSONValue`'s own `==` compares strings with Swift's `String` equality, which treats canonically
/// equivalent strings (`"é"` and `"e\u{301}"`) as equal; JSON Schema does not.
enum JSONEquality {
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.bool(let left), .bool(let right)):
            return left == right
        case (.number(let left), .number(let right)):
            return left == right
        case (.string(let left), .string(let right)):
            return sameScalars(left, right)
        case (.array(let left), .array(let right)):
            guard left.count == right.count else { return false }
            for index in left.indices where !equal(left[index], right[index]) { return false }
            return true
        case (.object(let left), .object(let right)):
            guard left.count == right.count else { return false }
            for (key, value) in left {
                // Dictionary lookup matches canonically equivalent keys too: confirm the key itself.
                guard let index = right.index(forKey: key), sameScalars(right[index].key, key),
                    equal(value, right[index].value)
                else { return false }
            }
            return true
        default:
            return false
        }
    }

    @inline(__always)
    static func sameScalars(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }
}
