import JECPModels

extension Evaluator {
    mutating func evaluateObject(_ keyword: Keyword, _ node: SchemaNode, _ object: [String: JSONValue], _ annotations: Annotations?) -> Bool {
        switch keyword {
        case .properties(let plan):
            return evaluateProperties(plan, node, object, annotations)

        case .minProperties(let minimum):
            if object.count >= minimum { return true }
            report(node, "minProperties", "must have at least \(minimum) propert\(minimum == 1 ? "y" : "ies")")
            return false

        case .maxProperties(let maximum):
            if object.count <= maximum { return true }
            report(node, "maxProperties", "must have at most \(maximum) propert\(maximum == 1 ? "y" : "ies")")
            return false

        case .dependentRequired(let dependencies):
            var valid = true
            for (property, required) in dependencies where object[property] != nil {
                for name in required where object[name] == nil {
                    valid = false
                    report(node, "dependentRequired", "property '\(name)' is required when '\(property)' is present")
                    if !keepGoing { return false }
                }
            }
            return valid

        case .dependentSchemas(let dependencies):
            var valid = true
            for (property, schema) in dependencies where object[property] != nil {
                if !evaluateInPlace(schema, .object(object), annotations) {
                    valid = false
                    if !keepGoing { return false }
                }
            }
            return valid

        case .propertyNames(let schema):
            var valid = true
            for key in object.keys where !test(schema, .string(key), nil) {
                valid = false
                report(node, "propertyNames", "property name '\(key)' is not allowed")
                if !keepGoing { return false }
            }
            return valid

        case .unevaluatedProperties(let schema):
            // `annotations` is never nil here: nodes with unevaluatedProperties always collect them.
            let evaluated = annotations ?? Annotations()
            if evaluated.allProperties { return true }
            var valid = true
            for (key, value) in object where !evaluated.properties.contains(key) {
                if !evaluate(schema, member: value, key: key) {
                    valid = false
                    if !keepGoing { return false }
                }
            }
            if valid { evaluated.allProperties = true }
            return valid

        default:
            return true
        }
    }

    /// `properties`, `patternProperties`, `additionalProperties` and `required`, in one pass over
    /// the instance's members.
    private mutating func evaluateProperties(
        _ plan: PropertyPlan, _ node: SchemaNode, _ object: [String: JSONValue], _ annotations: Annotations?
    ) -> Bool {
        // Fewer members than required names: something is missing, whatever the names are.
        if !collecting && object.count < plan.requiredCount { return false }
        var valid = true
        var present: UInt64 = 0  // required positions seen (the first 64)
        for (key, value) in object {
            var matched = false
            if let position = plan.position(of: key) {
                if position < 64 { present |= 1 << UInt64(position) }
                if let schema = plan.schemas[position] {
                    matched = true
                    if !evaluate(schema, member: value, key: key) {
                        valid = false
                        if !keepGoing { return false }
                    }
                }
            }
            for (regex, schema) in plan.patterns where regex.matches(key) {
                matched = true
                if !evaluate(schema, member: value, key: key) {
                    valid = false
                    if !keepGoing { return false }
                }
            }
            if matched {
                if let annotations, plan.additional == nil { annotations.properties.insert(key) }
            } else if let additional = plan.additional {
                if !evaluate(additional, member: value, key: key) {
                    valid = false
                    if !keepGoing { return false }
                }
            }
        }
        if let annotations, plan.additional != nil { annotations.allProperties = true }

        let required = plan.requiredCount
        if required > 0 {
            let mask: UInt64 = required >= 64 ? ~0 : (1 << UInt64(required)) - 1
            if present & mask != mask || required > 64 {
                for position in 0..<required {
                    let missing = position < 64 ? present & (1 << UInt64(position)) == 0 : object[plan.names[position]] == nil
                    guard missing else { continue }
                    valid = false
                    report(node, "required", "missing required property '\(plan.names[position])'")
                    if !keepGoing { return false }
                }
            }
        }
        return valid
    }
}
