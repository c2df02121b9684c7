/// One way an instance fails a schema.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer into the instance (`""` for the root), e.g. `/items/0/quantity`.
    public var instancePath: String
    /// JSON Pointer along the evaluation path to the violated keyword, e.g.
    /// `/properties/items/items/properties/quantity/minimum` (a `$ref` shows up as `.../$ref/...`).
    public var schemaPath: String
    /// The violated keyword, e.g. `minimum`.
    public var keyword: String
    /// A human-readable, single-line explanation, e.g. `must be >= 0`.
    public var reason: String

    public init(instancePath: String, schemaPath: String, keyword: String, reason: String) {
        self.instancePath = instancePath
        self.schemaPath = schemaPath
        self.keyword = keyword
        self.reason = reason
    }

    public var description: String {
        "\(instancePath.isEmpty ? "(root)" : instancePath): \(reason) [\(schemaPath)]"
    }
}

extension SchemaViolation {
    /// Stable sort by instance path (token by token, array indices numerically), then schema path.
    static func sorted(_ violations: [SchemaViolation]) -> [SchemaViolation] {
        guard violations.count > 1 else { return violations }
        let order = violations.indices.sorted { lhs, rhs in
            let byInstance = comparePaths(violations[lhs].instancePath, violations[rhs].instancePath)
            if byInstance != 0 { return byInstance < 0 }
            let bySchema = comparePaths(violations[lhs].schemaPath, violations[rhs].schemaPath)
            if bySchema != 0 { return bySchema < 0 }
            return lhs < rhs
        }
        return order.map { violations[$0] }
    }

    /// Compares two JSON Pointers token by token; all-digit tokens (array indices) numerically.
    static func comparePaths(_ lhs: String, _ rhs: String) -> Int {
        if lhs == rhs { return 0 }
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in rhs.withUTF8 { right in comparePaths(left, right) } }
    }

    private static func comparePaths(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        let slash = UInt8(ascii: "/")
        var leftStart = 0
        var rightStart = 0
        while true {
            if leftStart >= left.count || rightStart >= right.count {
                return leftStart >= left.count ? (rightStart >= right.count ? 0 : -1) : 1
            }
            // Skip the "/" and find each token's end.
            leftStart += 1
            rightStart += 1
            var leftEnd = leftStart
            while leftEnd < left.count && left[leftEnd] != slash { leftEnd += 1 }
            var rightEnd = rightStart
            while rightEnd < right.count && right[rightEnd] != slash { rightEnd += 1 }
            let a = left[leftStart..<leftEnd]
            let b = right[rightStart..<rightEnd]
            if !a.elementsEqual(b) {
                let isIndex = { (token: Slice<UnsafeBufferPointer<UInt8>>) in
                    !token.isEmpty && token.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                }
                if isIndex(a) && isIndex(b) && a.count != b.count { return a.count < b.count ? -1 : 1 }
                return a.lexicographicallyPrecedes(b) ? -1 : 1
            }
            leftStart = leftEnd
            rightStart = rightEnd
        }
    }
}
