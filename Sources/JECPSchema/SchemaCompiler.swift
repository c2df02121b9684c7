import JECPModels

/// A subschema's place: a document (0 is the schema being compiled, others come from the
/// registry) and a JSON Pointer from that document's root.
struct SchemaLocation: Hashable {
    let document: Int
    let pointer: String

    func appending(_ token: String) -> SchemaLocation {
        SchemaLocation(document: document, pointer: JSONPointer.appending(pointer, token))
    }

    func appending(_ index: Int) -> SchemaLocation {
        SchemaLocation(document: document, pointer: JSONPointer.appending(pointer, index))
    }
}

/// Which vocabularies the root's `$schema` enables (all standard ones by default).
struct Vocabularies {
    var applicator = true
    var unevaluated = true
    var validation = true
    var formatAssertion = false
}

/// Turns a schema document into ``SchemaNode``s.
///
/// 1. Every document (the root schema, then each registry document when first referenced) is
///    indexed: schema resources by absolute URI (`$id`), `$anchor`s and `$dynamicAnchor`s, and
///    the base URI of every subschema.
/// 2. Nodes are compiled on demand from the root, following `$ref`s; a location is compiled once
///    and gets one ``NodeID`` (so recursive references become cycles in the graph).
/// 3. When `$dynamicRef` is used, every `$dynamicAnchor` of every resource reached is compiled too,
///    so run-time resolution is a table lookup.
final class SchemaCompiler {
    struct LocationInfo {
        /// The base URI in effect at the location.
        let base: String
        /// The root of the schema resource the location belongs to.
        let resource: SchemaLocation
    }

    /// Base URI of a root schema without `$id`.
    static let defaultBaseURI = "urn:jecp:schema"

    static let singleSchemaKeywords: Set<String> = [
        "additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties", "contentSchema",
    ]
    static let schemaArrayKeywords: Set<String> = ["prefixItems", "allOf", "anyOf", "oneOf"]
    static let schemaMapKeywords: Set<String> = ["$defs", "properties", "patternProperties", "dependentSchemas", "definitions"]

    let registry: SchemaRegistry
    let formatAssertion: Bool
    var vocabularies = Vocabularies()

    var documents: [JSONValue] = []
    /// Schema resources by absolute URI without fragment.
    var resources: [String: SchemaLocation] = [:]
    /// `$anchor` and `$dynamicAnchor` locations by `absolute-uri#name`.
    var anchors: [String: SchemaLocation] = [:]
    /// `$dynamicAnchor` names per resource root.
    var dynamicAnchorLocations: [SchemaLocation: [String: SchemaLocation]] = [:]
    var info: [SchemaLocation: LocationInfo] = [:]

    var resourceIDs: [SchemaLocation: Int] = [:]
    var resourceRoots: [SchemaLocation] = []
    var nodeIDs: [SchemaLocation: NodeID] = [:]
    var nodes: [SchemaNode?] = []
    var usesDynamicScope = false

    init(root: JSONValue, registry: SchemaRegistry, formatAssertion: Bool) throws(SchemaError) {
        self.registry = registry
        self.formatAssertion = formatAssertion
        switch root {
        case .object, .bool: break
        default: throw SchemaError(message: "a schema must be an object or a boolean")
        }
        _ = addDocument(root, uri: Self.defaultBaseURI)
        vocabularies = try Self.vocabularies(for: root, registry: registry)
    }

    struct Result {
        let root: NodeID
        let nodes: [SchemaNode]
        let dynamicAnchors: [[String: NodeID]]
        let usesDynamicScope: Bool
    }

    func compileAll() throws(SchemaError) -> Result {
        let root = try compile(SchemaLocation(document: 0, pointer: ""))
        var table: [[String: NodeID]] = []
        if usesDynamicScope {
            // Compile every $dynamicAnchor of every resource reached; that may reach new resources.
            var done = 0
            while done < resourceRoots.count {
                let resource = resourceRoots[done]
                var anchorsOfResource: [String: NodeID] = [:]
                for (name, location) in dynamicAnchorLocations[resource] ?? [:] {
                    anchorsOfResource[name] = try compile(location)
                }
                table.append(anchorsOfResource)
                done += 1
            }
        }
        var compiled: [SchemaNode] = []
        compiled.reserveCapacity(nodes.count)
        for node in nodes {
            guard let node else { throw SchemaError(message: "internal error: incomplete schema graph") }
            compiled.append(node)
        }
        try Self.rejectInPlaceCycles(compiled)
        return Result(root: root, nodes: compiled, dynamicAnchors: table, usesDynamicScope: usesDynamicScope)
    }

    /// A cycle of in-place applicators (`{"$ref": "#"}`, `{"allOf": [{"$ref": "#"}]}`) would apply
    /// the same schema to the same instance forever: reject it up front.
    static func rejectInPlaceCycles(_ nodes: [SchemaNode]) throws(SchemaError) {
        enum Mark { case unvisited, active, done }
        var marks = [Mark](repeating: .unvisited, count: nodes.count)
        for start in nodes.indices where marks[start] == .unvisited {
            // Iterative depth-first search; each frame is a node and its remaining successors.
            var stack: [(node: NodeID, successors: [NodeID])] = [(start, inPlaceSuccessors(nodes[start]))]
            marks[start] = .active
            while !stack.isEmpty {
                guard let successor = stack[stack.count - 1].successors.popLast() else {
                    marks[stack.removeLast().node] = .done
                    continue
                }
                switch marks[successor] {
                case .active:
                    throw SchemaError(
                        message: "circular reference: the schema at '\(nodes[successor].pointer)' applies itself to the same value")
                case .unvisited:
                    marks[successor] = .active
                    stack.append((successor, inPlaceSuccessors(nodes[successor])))
                case .done:
                    break
                }
            }
        }
    }

    private static func inPlaceSuccessors(_ node: SchemaNode) -> [NodeID] {
        var successors: [NodeID] = []
        for keyword in node.general + node.objectKeywords {
            switch keyword {
            case .ref(let target), .dynamicRef(let target, _), .not(let target): successors.append(target)
            case .allOf(let targets), .anyOf(let targets), .oneOf(let targets): successors.append(contentsOf: targets)
            case .conditional(let condition, let then, let otherwise):
                successors.append(condition)
                if let then { successors.append(then) }
                if let otherwise { successors.append(otherwise) }
            case .dependentSchemas(let dependencies): successors.append(contentsOf: dependencies.map(\.schema))
            default: break
            }
        }
        return successors
    }

    // MARK: Documents and indexing

    /// Adds and indexes a document retrieved from `uri`; returns its number.
    func addDocument(_ document: JSONValue, uri: String) -> Int {
        let number = documents.count
        documents.append(document)
        let root = SchemaLocation(document: number, pointer: "")
        if resources[uri] == nil { resources[uri] = root }
        index(document, at: root, base: uri, resource: root)
        return number
    }

    private func index(_ value: JSONValue, at location: SchemaLocation, base: String, resource: SchemaLocation) {
        guard case .object(let object) = value else {
            if case .bool = value { info[location] = LocationInfo(base: base, resource: resource) }
            return
        }
        var base = base
        var resource = resource
        if case .string(let id)? = object["$id"] {
            let absolute = URIReference.stripFragment(URIReference.resolve(id, against: base))
            // "$id": "#foo" (an old-style anchor) does not start a resource.
            if !URIReference.stripFragment(id).isEmpty {
                base = absolute
                resource = location
                if resources[absolute] == nil { resources[absolute] = location }
            }
        }
        info[location] = LocationInfo(base: base, resource: resource)
        if case .string(let name)? = object["$anchor"] {
            anchors[base + "#" + name] = location
        }
        if case .string(let name)? = object["$dynamicAnchor"] {
            if anchors[base + "#" + name] == nil { anchors[base + "#" + name] = location }
            dynamicAnchorLocations[resource, default: [:]][name] = location
        }
        for (key, child) in object {
            if Self.singleSchemaKeywords.contains(key) {
                index(child, at: location.appending(key), base: base, resource: resource)
            } else if Self.schemaArrayKeywords.contains(key) {
                guard case .array(let elements) = child else { continue }
                let keywordLocation = location.appending(key)
                for (offset, element) in elements.enumerated() {
                    index(element, at: keywordLocation.appending(offset), base: base, resource: resource)
                }
            } else if Self.schemaMapKeywords.contains(key) {
                guard case .object(let members) = child else { continue }
                let keywordLocation = location.appending(key)
                for (name, member) in members {
                    index(member, at: keywordLocation.appending(name), base: base, resource: resource)
                }
            }
        }
    }

    /// Base URI and resource of any location, including ones the index skipped (inside unknown keywords).
    func locationInfo(_ location: SchemaLocation) throws(SchemaError) -> LocationInfo {
        if let known = info[location] { return known }
        guard let tokens = JSONPointer.tokens(location.pointer) else {
            throw SchemaError(message: "invalid JSON pointer '\(location.pointer)'")
        }
        // Start from the deepest indexed ancestor, then apply any $id on the way down.
        var depth = tokens.count
        var ancestor = location
        var ancestorInfo: LocationInfo?
        while depth > 0 {
            depth -= 1
            ancestor = SchemaLocation(document: location.document, pointer: tokens[..<depth].reduce("") { JSONPointer.appending($0, $1) })
            if let found = info[ancestor] {
                ancestorInfo = found
                break
            }
        }
        guard var current = ancestorInfo, var value = JSONPointer.resolve(ancestor.pointer, in: documents[location.document]) else {
            throw SchemaError(message: "cannot locate '\(location.pointer)'")
        }
        var pointer = ancestor.pointer
        for token in tokens[depth...] {
            guard let next = JSONPointer.step(value, token) else { throw SchemaError(message: "cannot locate '\(location.pointer)'") }
            value = next
            pointer = JSONPointer.appending(pointer, token)
            if case .string(let id)? = value["$id"], !URIReference.stripFragment(id).isEmpty {
                let here = SchemaLocation(document: location.document, pointer: pointer)
                current = LocationInfo(base: URIReference.stripFragment(URIReference.resolve(id, against: current.base)), resource: here)
            }
        }
        return current
    }

    /// The location a `$ref` value designates, relative to `base`.
    func resolveReference(_ reference: String, base: String) throws(SchemaError) -> SchemaLocation {
        let absolute = URIReference.resolve(reference, against: base)
        let (uri, rawFragment) = URIReference.splitFragment(absolute)
        let resource = try findResource(uri, reference: reference)
        let fragment = URIReference.percentDecode(rawFragment)
        if fragment.isEmpty { return resource }
        if fragment.hasPrefix("/") {
            let target = SchemaLocation(document: resource.document, pointer: resource.pointer + fragment)
            guard JSONPointer.resolve(target.pointer, in: documents[target.document]) != nil else {
                throw SchemaError(message: "cannot resolve $ref '\(reference)': no such location")
            }
            return target
        }
        if let anchor = anchors[uri + "#" + fragment] { return anchor }
        throw SchemaError(message: "cannot resolve $ref '\(reference)': no anchor '\(fragment)'")
    }

    private func findResource(_ uri: String, reference: String) throws(SchemaError) -> SchemaLocation {
        if let known = resources[uri] { return known }
        if let (retrievalURI, document) = registry.document(for: uri) {
            if let loaded = resources[retrievalURI] {
                // Reached through its `$id` after being loaded under its retrieval URI.
                return resources[uri] ?? loaded
            }
            _ = addDocument(document, uri: retrievalURI)
            if let resource = resources[uri] { return resource }
        }
        throw SchemaError(message: "cannot resolve $ref '\(reference)': unknown schema '\(uri)'")
    }

    func resourceID(_ root: SchemaLocation) -> Int {
        if let known = resourceIDs[root] { return known }
        let id = resourceRoots.count
        resourceRoots.append(root)
        resourceIDs[root] = id
        return id
    }

    // MARK: Vocabularies

    private static let knownVocabularies: Set<String> = [
        "https://json-schema.org/draft/2020-12/vocab/core",
        "https://json-schema.org/draft/2020-12/vocab/applicator",
        "https://json-schema.org/draft/2020-12/vocab/unevaluated",
        "https://json-schema.org/draft/2020-12/vocab/validation",
        "https://json-schema.org/draft/2020-12/vocab/meta-data",
        "https://json-schema.org/draft/2020-12/vocab/format-annotation",
        "https://json-schema.org/draft/2020-12/vocab/format-assertion",
        "https://json-schema.org/draft/2020-12/vocab/content",
    ]

    /// Reads `$vocabulary` from the meta-schema named by the root's `$schema`, when it is known.
    private static func vocabularies(for root: JSONValue, registry: SchemaRegistry) throws(SchemaError) -> Vocabularies {
        guard case .string(let metaURI)? = root["$schema"] else { return Vocabularies() }
        let uri = URIReference.stripFragment(metaURI)
        if uri == MetaSchemas.draft202012 { return Vocabularies() }
        guard let meta = registry.document(for: uri)?.document, case .object(let declared)? = meta["$vocabulary"] else {
            return Vocabularies()
        }
        for (vocabulary, required) in declared where required == .bool(true) && !knownVocabularies.contains(vocabulary) {
            throw SchemaError(message: "meta-schema '\(uri)' requires unsupported vocabulary '\(vocabulary)'")
        }
        let prefix = "https://json-schema.org/draft/2020-12/vocab/"
        return Vocabularies(
            applicator: declared[prefix + "applicator"] != nil,
            unevaluated: declared[prefix + "unevaluated"] != nil,
            validation: declared[prefix + "validation"] != nil,
            formatAssertion: declared[prefix + "format-assertion"] != nil
        )
    }
}
