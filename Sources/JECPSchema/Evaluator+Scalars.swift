import JECPModels

extension Evaluator {
    mutating func evaluateNumber(_ keyword: Keyword, _ node: SchemaNode, _ number: JSONNumber) -> Bool {
        switch keyword {
        case .bound(let bound):
            let order = Self.compare(number, bound)
            switch bound.kind {
            case .minimum:
                if order >= 0 { return true }
                report(node, "minimum", "must be >= \(bound.limit.text)")
            case .maximum:
                if order <= 0 { return true }
                report(node, "maximum", "must be <= \(bound.limit.text)")
            case .exclusiveMinimum:
                if order > 0 { return true }
                report(node, "exclusiveMinimum", "must be > \(bound.limit.text)")
            case .exclusiveMaximum:
                if order < 0 { return true }
                report(node, "exclusiveMaximum", "must be < \(bound.limit.text)")
            }
            return false

        case .multipleOf(let divisor):
            if divisor.value.divides(number) { return true }
            report(node, "multipleOf", "must be a multiple of \(divisor.value.text)")
            return false

        default:
            return true
        }
    }

    /// Compares an instance number with a bound: by double, then exactly when the doubles tie.
    @inline(__always)
    static func compare(_ number: JSONNumber, _ bound: NumberBound) -> Int {
        let value = number.double
        let limit = bound.limit.double
        if value < limit { return -1 }
        if value > limit { return 1 }
        if number.text == bound.limit.text { return 0 }
        return DecimalValue(number).compare(bound.exact)
    }

    mutating func evaluateString(_ keyword: Keyword, _ node: SchemaNode, _ string: String) -> Bool {
        switch keyword {
        case .minLength(let minimum):
            // A string has at most as many code points as UTF-8 bytes, and at least a quarter as many.
            let bytes = string.utf8.count
            if bytes / 4 >= minimum { return true }
            if bytes >= minimum && string.unicodeScalars.count >= minimum { return true }
            report(node, "minLength", minimum == 1 ? "must not be empty" : "must be at least \(minimum) characters long")
            return false

        case .maxLength(let maximum):
            if string.utf8.count <= maximum || string.unicodeScalars.count <= maximum { return true }
            report(node, "maxLength", "must be at most \(maximum) characters long")
            return false

        case .pattern(let regex):
            if regex.matches(string) { return true }
            report(node, "pattern", "must match the pattern \(regex.source)")
            return false

        case .format(let format):
            if format.accepts(string) { return true }
            report(node, "format", "must be a valid \(format.rawValue)")
            return false

        default:
            return true
        }
    }
}
