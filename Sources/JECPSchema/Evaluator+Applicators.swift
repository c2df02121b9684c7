import JECPModels

extension Evaluator {
    /// Keywords that apply to every instance type: `const`, `enum` and the in-place applicators.
    mutating func evaluateGeneral(_ keyword: Keyword, _ node: SchemaNode, _ instance: JSONValue, _ annotations: Annotations?) -> Bool {
        switch keyword {
        case .constant(let value):
            if JSONEquality.equal(instance, value) { return true }
            report(node, "const", "must be equal to \(Self.preview(value))")
            return false

        case .enumeration(let values):
            if values.contains(instance) { return true }
            report(node, "enum", "must be one of \(Self.preview(.array(values.values)))")
            return false

        case .ref(let target):
            return evaluateReference(target, owner: node, dynamic: false, instance, annotations)

        case .dynamicRef(let initial, let anchor):
            var target = initial
            for resource in dynamicScope {
                if let candidate = dynamicAnchors[resource][anchor] {
                    target = candidate
                    break
                }
            }
            return evaluateReference(target, owner: node, dynamic: true, instance, annotations)

        case .allOf(let schemas):
            var valid = true
            for schema in schemas where !evaluateInPlace(schema, instance, annotations) {
                valid = false
                if !keepGoing { return false }
            }
            return valid

        case .anyOf(let schemas):
            var valid = false
            for schema in schemas {
                let branch = annotations == nil ? nil : Annotations()
                if test(schema, instance, branch) {
                    valid = true
                    // Every passing branch contributes annotations, so only stop early without them.
                    guard let annotations, let branch else { break }
                    annotations.merge(branch)
                }
            }
            if !valid { report(node, "anyOf", "must match at least one schema in anyOf") }
            return valid

        case .oneOf(let schemas):
            var first: Int?
            var second: Int?
            var matched: Annotations?
            for (offset, schema) in schemas.enumerated() {
                let branch = annotations == nil ? nil : Annotations()
                if test(schema, instance, branch) {
                    if first == nil {
                        first = offset
                        matched = branch
                    } else {
                        second = offset
                        break
                    }
                }
            }
            if let first {
                guard let second else {
                    if let annotations, let matched { annotations.merge(matched) }
                    return true
                }
                report(node, "oneOf", "must match exactly one schema in oneOf, but matches both \(first) and \(second)")
            } else {
                report(node, "oneOf", "must match exactly one schema in oneOf, but matches none")
            }
            return false

        case .not(let schema):
            if !test(schema, instance, nil) { return true }
            report(node, "not", "must not match the schema in not")
            return false

        case .conditional(let condition, let then, let otherwise):
            // A lone `if` only matters for the annotations it produces.
            if then == nil && otherwise == nil && annotations == nil { return true }
            let conditionAnnotations = annotations == nil ? nil : Annotations()
            if test(condition, instance, conditionAnnotations) {
                if let annotations, let conditionAnnotations { annotations.merge(conditionAnnotations) }
                guard let then else { return true }
                return evaluateInPlace(then, instance, annotations)
            }
            guard let otherwise else { return true }
            return evaluateInPlace(otherwise, instance, annotations)

        default:
            return true
        }
    }

    /// Applies `schema` to the same instance; its annotations count only when it passes.
    @inline(__always)
    mutating func evaluateInPlace(_ schema: NodeID, _ instance: JSONValue, _ annotations: Annotations?) -> Bool {
        guard let annotations else { return evaluate(schema, instance, nil) }
        let branch = Annotations()
        guard evaluate(schema, instance, branch) else { return false }
        annotations.merge(branch)
        return true
    }

    private mutating func evaluateReference(
        _ target: NodeID, owner: SchemaNode, dynamic: Bool, _ instance: JSONValue, _ annotations: Annotations?
    ) -> Bool {
        var pushedScope = false
        if tracksDynamicScope {
            let resource = nodes[target].resourceID
            if dynamicScope.last != resource {
                dynamicScope.append(resource)
                pushedScope = true
            }
        }
        if collecting { referenceFrames.append(ReferenceFrame(owner: owner.id, dynamic: dynamic, target: target)) }
        let valid = evaluateInPlace(target, instance, annotations)
        if collecting { referenceFrames.removeLast() }
        if pushedScope { dynamicScope.removeLast() }
        return valid
    }

    /// Short JSON rendering of a value for messages.
    static func preview(_ value: JSONValue) -> String {
        let text = value.serializedString()
        guard text.utf8.count > 80 else { return text }
        return String(text.prefix(77)) + "..."
    }
}
