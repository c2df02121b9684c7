import JECPModels

extension SchemaCompiler {
    /// The node for the subschema at `location`, compiling it (and what it references) on first use.
    /// Pass `value` when the caller already holds the subschema, to skip resolving the pointer.
    func compile(_ location: SchemaLocation, value known: JSONValue? = nil) throws(SchemaError) -> NodeID {
        if let known = nodeIDs[location] { return known }
        guard let value = known ?? JSONPointer.resolve(location.pointer, in: documents[location.document]) else {
            throw SchemaError(message: "no subschema at '\(location.pointer)'")
        }
        let id = nodes.count
        nodes.append(nil)
        nodeIDs[location] = id
        let place = try locationInfo(location)
        let resource = resourceID(place.resource)
        let isRoot = place.resource == location
        switch value {
        case .bool(let allowed):
            nodes[id] = SchemaNode(
                kind: allowed ? .alwaysTrue : .alwaysFalse, id: id, pointer: location.pointer,
                parentKeyword: allowed ? "" : Self.parentKeyword(of: location.pointer), resourceID: resource, isResourceRoot: isRoot)
        case .object(let object):
            nodes[id] = try compileObject(object, id: id, at: location, base: place.base, resourceID: resource, isResourceRoot: isRoot)
        default:
            throw SchemaError(message: "the schema at '\(location.pointer)' must be an object or a boolean")
        }
        return id
    }

    /// The keyword that applies the subschema at `pointer` (`properties` for `/properties/a`).
    static func parentKeyword(of pointer: String) -> String {
        guard let tokens = JSONPointer.tokens(pointer), let last = tokens.last else { return "" }
        if tokens.count >= 2 {
            let previous = tokens[tokens.count - 2]
            if schemaArrayKeywords.contains(previous) || schemaMapKeywords.contains(previous) { return previous }
        }
        return last
    }

    private func compileObject(
        _ object: [String: JSONValue], id: NodeID, at location: SchemaLocation, base: String, resourceID: Int, isResourceRoot: Bool
    ) throws(SchemaError) -> SchemaNode {
        let parser = KeywordParser(object: object, location: location)
        var general: [Keyword] = []
        var numberKeywords: [Keyword] = []
        var stringKeywords: [Keyword] = []
        var arrayKeywords: [Keyword] = []
        var objectKeywords: [Keyword] = []
        var types: TypeMask = []
        var required: [String] = []
        var named: [(name: String, schema: NodeID)] = []
        var patterns: [(regex: ECMARegex, schema: NodeID)] = []
        var additional: NodeID?
        /// The subschema under `keyword`, if present.
        func subschema(_ keyword: String) throws(SchemaError) -> NodeID? {
            guard let value = object[keyword] else { return nil }
            return try compile(location.appending(keyword), value: value)
        }
        /// The subschemas of a name → schema keyword (`properties`...), sorted by name.
        func subschemaMap(_ keyword: String) throws(SchemaError) -> [(name: String, schema: NodeID)] {
            guard let members = try parser.object(keyword) else { return [] }
            let keywordLocation = location.appending(keyword)
            var result: [(name: String, schema: NodeID)] = []
            for (name, value) in members.sorted(by: { $0.key < $1.key }) {
                result.append((name, try compile(keywordLocation.appending(name), value: value)))
            }
            return result
        }

        // Core.
        if let reference = try parser.string("$ref") {
            general.append(.ref(try compile(try resolveReference(reference, base: base))))
        }
        if let reference = try parser.string("$dynamicRef") {
            general.append(try compileDynamicReference(reference, base: base))
        }

        // Validation vocabulary.
        if vocabularies.validation {
            types = try parser.types()
            if let values = try parser.array("enum") { general.insert(.enumeration(EnumValues(values)), at: 0) }
            if let value = object["const"] { general.insert(.constant(value), at: 0) }

            for kind in NumberBound.Kind.allCases {
                if let limit = try parser.number(kind.keyword) {
                    numberKeywords.append(.bound(NumberBound(kind: kind, limit: limit)))
                }
            }
            if let divisor = try parser.number("multipleOf") {
                guard divisor.double > 0 else { throw parser.invalid("multipleOf", "must be greater than 0") }
                numberKeywords.append(.multipleOf(Divisor(divisor)))
            }

            if let count = try parser.count("minLength"), count > 0 { stringKeywords.append(.minLength(count)) }
            if let count = try parser.count("maxLength") { stringKeywords.append(.maxLength(count)) }

            if let count = try parser.count("minItems"), count > 0 { arrayKeywords.append(.minItems(count)) }
            if let count = try parser.count("maxItems") { arrayKeywords.append(.maxItems(count)) }
            if try parser.bool("uniqueItems") == true { arrayKeywords.append(.uniqueItems) }

            if let count = try parser.count("minProperties"), count > 0 { objectKeywords.append(.minProperties(count)) }
            if let count = try parser.count("maxProperties") { objectKeywords.append(.maxProperties(count)) }
            required = try parser.stringArray("required") ?? []
            if let dependencies = try parser.object("dependentRequired") {
                var list: [(property: String, required: [String])] = []
                for (property, value) in dependencies.sorted(by: { $0.key < $1.key }) {
                    guard case .array(let names) = value else { throw parser.invalid("dependentRequired", "values must be arrays") }
                    var dependents: [String] = []
                    for name in names {
                        guard case .string(let text) = name else { throw parser.invalid("dependentRequired", "values must be arrays of strings") }
                        dependents.append(text)
                    }
                    if !dependents.isEmpty { list.append((property, dependents)) }
                }
                if !list.isEmpty { objectKeywords.append(.dependentRequired(list)) }
            }
        }

        // Format: an assertion only when asked for (option or format-assertion vocabulary).
        if formatAssertion || vocabularies.formatAssertion, let name = try parser.string("format"), let format = StringFormat(rawValue: name) {
            stringKeywords.append(.format(format))
        }
        // `pattern` after the cheap string checks.
        if vocabularies.validation, let source = try parser.string("pattern") {
            stringKeywords.append(.pattern(try ECMARegex(source)))
        }

        // Applicator vocabulary.
        if vocabularies.applicator {
            if let ids = try schemaArray("allOf", parser) { general.append(.allOf(ids)) }
            if let ids = try schemaArray("anyOf", parser) { general.append(.anyOf(ids)) }
            if let ids = try schemaArray("oneOf", parser) { general.append(.oneOf(ids)) }
            if let negated = try subschema("not") { general.append(.not(negated)) }
            if let condition = try subschema("if") {
                general.append(.conditional(if: condition, then: try subschema("then"), else: try subschema("else")))
            }

            var prefixCount = 0
            if let ids = try schemaArray("prefixItems", parser) {
                prefixCount = ids.count
                arrayKeywords.append(.prefixItems(ids))
            }
            if let items = try subschema("items") {
                arrayKeywords.append(.items(items, from: prefixCount))
            }
            if let contains = try subschema("contains") {
                var minimum = 1
                var maximum: Int?
                if vocabularies.validation {
                    if let count = try parser.count("minContains") { minimum = count }
                    maximum = try parser.count("maxContains")
                }
                arrayKeywords.append(.contains(contains, min: minimum, max: maximum))
            }

            named = try subschemaMap("properties")
            if let patternProperties = try parser.object("patternProperties") {
                let keywordLocation = location.appending("patternProperties")
                for (source, value) in patternProperties.sorted(by: { $0.key < $1.key }) {
                    let regex = try ECMARegex(source)
                    patterns.append((regex, try compile(keywordLocation.appending(source), value: value)))
                }
            }
            additional = try subschema("additionalProperties")
            if let names = try subschema("propertyNames") {
                objectKeywords.append(.propertyNames(names))
            }
            let dependentSchemas = try subschemaMap("dependentSchemas")
            if !dependentSchemas.isEmpty { objectKeywords.append(.dependentSchemas(dependentSchemas.map { ($0.name, $0.schema) })) }
        }

        // Unevaluated vocabulary: last, once every other keyword has produced its annotations.
        if vocabularies.unevaluated {
            if let unevaluated = try subschema("unevaluatedItems") { arrayKeywords.append(.unevaluatedItems(unevaluated)) }
            if let unevaluated = try subschema("unevaluatedProperties") { objectKeywords.append(.unevaluatedProperties(unevaluated)) }
        }

        if !required.isEmpty || !named.isEmpty || !patterns.isEmpty || additional != nil {
            // First among the object keywords: `required` is the likeliest failure.
            let plan = PropertyPlan(properties: named, required: required, patterns: patterns, additional: additional)
            objectKeywords.insert(.properties(plan), at: 0)
        }

        return SchemaNode(
            kind: .keywords, id: id, pointer: location.pointer, parentKeyword: "",
            resourceID: resourceID, isResourceRoot: isResourceRoot, types: types, general: general,
            numberKeywords: numberKeywords, stringKeywords: stringKeywords, arrayKeywords: arrayKeywords,
            objectKeywords: objectKeywords)
    }

    private func schemaArray(_ keyword: String, _ parser: KeywordParser) throws(SchemaError) -> [NodeID]? {
        guard let elements = try parser.array(keyword) else { return nil }
        guard !elements.isEmpty else { throw parser.invalid(keyword, "must be a non-empty array") }
        let keywordLocation = parser.location.appending(keyword)
        var ids: [NodeID] = []
        ids.reserveCapacity(elements.count)
        for (offset, element) in elements.enumerated() { ids.append(try compile(keywordLocation.appending(offset), value: element)) }
        return ids
    }

    /// `$dynamicRef`: a plain `$ref` unless its initial target is a `$dynamicAnchor` of that name.
    private func compileDynamicReference(_ reference: String, base: String) throws(SchemaError) -> Keyword {
        let target = try resolveReference(reference, base: base)
        let initial = try compile(target)
        let fragment = URIReference.percentDecode(URIReference.splitFragment(URIReference.resolve(reference, against: base)).fragment)
        guard !fragment.isEmpty, !fragment.hasPrefix("/") else { return .ref(initial) }
        let resource = try locationInfo(target).resource
        guard dynamicAnchorLocations[resource]?[fragment] == target else { return .ref(initial) }
        usesDynamicScope = true
        return .dynamicRef(initial: initial, anchor: fragment)
    }
}

/// Typed access to one schema object's keyword arguments, with schema errors that say where.
struct KeywordParser {
    let object: [String: JSONValue]
    let location: SchemaLocation

    func invalid(_ keyword: String, _ problem: String) -> SchemaError {
        SchemaError(message: "invalid schema at '\(JSONPointer.appending(location.pointer, keyword))': \(keyword) \(problem)")
    }

    func string(_ keyword: String) throws(SchemaError) -> String? {
        guard let value = object[keyword] else { return nil }
        guard case .string(let text) = value else { throw invalid(keyword, "must be a string") }
        return text
    }

    func bool(_ keyword: String) throws(SchemaError) -> Bool? {
        guard let value = object[keyword] else { return nil }
        guard case .bool(let flag) = value else { throw invalid(keyword, "must be a boolean") }
        return flag
    }

    func number(_ keyword: String) throws(SchemaError) -> JSONNumber? {
        guard let value = object[keyword] else { return nil }
        guard case .number(let number) = value else { throw invalid(keyword, "must be a number") }
        return number
    }

    /// A non-negative integer (`2` or `2.0`).
    func count(_ keyword: String) throws(SchemaError) -> Int? {
        guard let number = try number(keyword) else { return nil }
        let value = number.double
        guard value >= 0, value == value.rounded() else { throw invalid(keyword, "must be a non-negative integer") }
        return value >= Double(Int.max) ? Int.max : Int(value)
    }

    func array(_ keyword: String) throws(SchemaError) -> [JSONValue]? {
        guard let value = object[keyword] else { return nil }
        guard case .array(let elements) = value else { throw invalid(keyword, "must be an array") }
        return elements
    }

    func object(_ keyword: String) throws(SchemaError) -> [String: JSONValue]? {
        guard let value = object[keyword] else { return nil }
        guard case .object(let members) = value else { throw invalid(keyword, "must be an object") }
        return members
    }

    func stringArray(_ keyword: String) throws(SchemaError) -> [String]? {
        guard let elements = try array(keyword) else { return nil }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element else { throw invalid(keyword, "must be an array of strings") }
            result.append(text)
        }
        return result
    }

    func types() throws(SchemaError) -> TypeMask {
        guard let value = object["type"] else { return [] }
        switch value {
        case .string(let name):
            guard let mask = TypeMask(name: name) else { throw invalid("type", "has unknown type '\(name)'") }
            return mask
        case .array(let names):
            var mask: TypeMask = []
            for name in names {
                guard case .string(let text) = name, let bit = TypeMask(name: text) else {
                    throw invalid("type", "must be a type name or an array of type names")
                }
                mask.insert(bit)
            }
            guard !mask.isEmpty else { throw invalid("type", "must not be empty") }
            return mask
        default:
            throw invalid("type", "must be a type name or an array of type names")
        }
    }
}
