import JECPModels

extension Evaluator {
    mutating func evaluateArray(_ keyword: Keyword, _ node: SchemaNode, _ array: [JSONValue], _ annotations: Annotations?) -> Bool {
        switch keyword {
        case .minItems(let minimum):
            if array.count >= minimum { return true }
            report(node, "minItems", minimum == 1 ? "must not be empty" : "must have at least \(minimum) items")
            return false

        case .maxItems(let maximum):
            if array.count <= maximum { return true }
            report(node, "maxItems", "must have at most \(maximum) items")
            return false

        case .uniqueItems:
            guard let (first, second) = Self.firstDuplicate(array) else { return true }
            report(node, "uniqueItems", "items \(first) and \(second) must not be equal")
            return false

        case .prefixItems(let schemas):
            let count = min(schemas.count, array.count)
            var valid = true
            for index in 0..<count where !evaluate(schemas[index], element: array[index], index: index) {
                valid = false
                if !keepGoing { return false }
            }
            if let annotations { annotations.itemPrefix = max(annotations.itemPrefix, count) }
            return valid

        case .items(let schema, let start):
            var valid = true
            if start < array.count {
                for index in start..<array.count where !evaluate(schema, element: array[index], index: index) {
                    valid = false
                    if !keepGoing { return false }
                }
            }
            annotations?.allItems = true
            return valid

        case .contains(let schema, let minimum, let maximum):
            var matches = 0
            for index in array.indices where test(schema, array[index], nil) {
                matches += 1
                if let annotations {
                    annotations.itemIndices.insert(index)
                } else {
                    // Without annotations to collect, stop once the outcome is known.
                    if let maximum, matches > maximum { break }
                    if maximum == nil && matches >= minimum { break }
                }
            }
            if matches < minimum {
                report(
                    node, minimum == 1 ? "contains" : "minContains",
                    "must contain at least \(minimum) matching item\(minimum == 1 ? "" : "s"), found \(matches)")
                return false
            }
            if let maximum, matches > maximum {
                report(node, "maxContains", "must contain at most \(maximum) matching item\(maximum == 1 ? "" : "s")")
                return false
            }
            return true

        case .unevaluatedItems(let schema):
            // `annotations` is never nil here: nodes with unevaluatedItems always collect them.
            let evaluated = annotations ?? Annotations()
            if evaluated.allItems { return true }
            var valid = true
            for index in array.indices where !evaluated.isEvaluated(item: index) {
                if !evaluate(schema, element: array[index], index: index) {
                    valid = false
                    if !keepGoing { return false }
                }
            }
            if valid { evaluated.allItems = true }
            return valid

        default:
            return true
        }
    }

    /// The first pair of equal items (JSON equality: `1 == 1.0`, object key order ignored).
    static func firstDuplicate(_ array: [JSONValue]) -> (Int, Int)? {
        guard array.count > 1 else { return nil }
        if array.count <= 16 {
            for second in 1..<array.count {
                for first in 0..<second where JSONEquality.equal(array[first], array[second]) { return (first, second) }
            }
            return nil
        }
        // Hash buckets, confirmed with JSONEquality (JSONValue hashing conflates canonically
        // equivalent strings, which is fine for bucketing).
        var seen: [JSONValue: [Int]] = [:]
        seen.reserveCapacity(array.count)
        for (index, item) in array.enumerated() {
            if let earlier = seen[item] {
                for first in earlier where JSONEquality.equal(array[first], item) { return (first, index) }
            }
            seen[item, default: []].append(index)
        }
        return nil
    }
}
