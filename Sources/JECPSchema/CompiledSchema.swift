import JECPModels

/// A JSON Schema (draft 2020-12) compiled once into a graph of keyword nodes.
///
/// Compilation resolves `$ref`, `$id`, `$anchor` and `$dynamicAnchor` up front, parses every
/// keyword's argument and compiles `pattern`/`patternProperties` regexes, so validation only walks
/// the node graph: no keyword-name lookups and no regex compilation per call.
/// Instances are immutable after `init` and safe to share across tasks.
public final class CompiledSchema: Sendable {
    let root: NodeID
    /// Every node; edges are indices into this array, so cycles (`$ref: "#"`) need no references.
    let nodes: [SchemaNode]
    /// `$dynamicAnchor`s per schema resource id, consulted by dynamic `$dynamicRef`s.
    let dynamicAnchors: [[String: NodeID]]
    /// Whether any `$dynamicRef` needs the dynamic scope at run time.
    let tracksDynamicScope: Bool

    /// The default bound on the number of violations `validate` reports.
    public static let defaultViolationLimit = 100

    /// Compiles `schema`.
    /// - Parameters:
    ///   - registry: documents that `$ref` may reach by absolute URI (the draft 2020-12 meta-schemas
    ///     are always available).
    ///   - formatAssertion: when true, `format` is an assertion for `date`, `date-time`, `email`,
    ///     `uri`, `uuid`, `ipv4` and `ipv6` (other formats stay annotations). Default: annotation only.
    public init(_ schema: JSONValue, registry: SchemaRegistry = .init(), formatAssertion: Bool = false) throws(SchemaError) {
        let compiler = try SchemaCompiler(root: schema, registry: registry, formatAssertion: formatAssertion)
        let result = try compiler.compileAll()
        self.root = result.root
        self.nodes = result.nodes
        self.dynamicAnchors = result.dynamicAnchors
        self.tracksDynamicScope = result.usesDynamicScope
    }

    /// Every violation (at most `limit`); empty when the instance is valid.
    ///
    /// Violations are sorted by instance location (array indices numerically), then schema path,
    /// so the same instance always yields the same list, whatever the order of its object members.
    public func validate(_ instance: JSONValue, limit: Int = CompiledSchema.defaultViolationLimit) -> [SchemaViolation] {
        // Valid instances are the common case: check them with the allocation-free fast path and
        // only walk again, tracking paths and messages, when there is something to report.
        if isValid(instance) { return [] }
        var evaluator = Evaluator(schema: self, collecting: true, limit: max(1, limit))
        _ = evaluator.evaluateRoot(root, instance)
        return SchemaViolation.sorted(evaluator.violations)
    }

    /// Whether the instance is valid; stops at the first failure.
    public func isValid(_ instance: JSONValue) -> Bool {
        var evaluator = Evaluator(schema: self, collecting: false, limit: 1)
        return evaluator.evaluateRoot(root, instance)
    }
}
