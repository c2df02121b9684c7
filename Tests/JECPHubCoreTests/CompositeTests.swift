@testable import JECPHubCore
import JECPModels
import Testing

/// Spec 04 §5.2.1–5.2.7: the composes block, template substitution and publish-time checks.
@Suite struct CompositeTests {
    let bindings: [String: JSONValue] = [
        "input": ["name": "Ada", "items": [1, 2], "nested": ["deep": ["value": 7]], "flag": true],
        "first": ["total": 12.5, "doc": ["id": "INV-1"]],
    ]

    func substitute(_ template: JSONValue) throws(JECPError) -> JSONValue {
        try CompositeTemplate.substitute(template, bindings: bindings, stepID: "step")
    }

    @Test func wholeReferencesKeepTheirJSONType() throws {
        #expect(try substitute("${input.items}") == [1, 2])
        #expect(try substitute("${input.nested.deep.value}") == 7)
        #expect(try substitute("${input.flag}") == true)
        #expect(try substitute("${first}") == ["total": 12.5, "doc": ["id": "INV-1"]])
        #expect(try substitute(["a": ["${input.name}", "plain", 3]]) == ["a": ["Ada", "plain", 3]])
    }

    @Test func embeddedReferencesRenderAsText() throws {
        #expect(try substitute("Dear ${input.name}, total ${first.total} (${first.doc.id})") == "Dear Ada, total 12.5 (INV-1)")
        #expect(try substitute("items: ${input.items}") == "items: [1,2]")
        #expect(try substitute("no references, just $ and { }") == "no references, just $ and { }")
    }

    @Test(arguments: ["${input.missing}", "${later.value}", "${first.doc.id.more}", "${}", "${input..name}", "x ${input.name"])
    func unresolvedReferencesAreBindErrors(_ template: String) {
        #expect(throws: JECPError.self) { try substitute(.string(template)) }
        do {
            _ = try substitute(.string(template))
        } catch {
            #expect(error.code == .compositeBindError)
            #expect(error.details["step_id"] == "step")
        }
    }

    @Test func definitionsFollowTheStructuralRules() {
        func step(_ id: String, input: JSONValue = [:]) -> CompositeDefinition.Step { .init(id: id, call: "kit", action: "a", input: input) }
        #expect(throws: JECPError.self) { try CompositeDefinition(steps: []) }
        #expect(throws: JECPError.self) { try CompositeDefinition(steps: (0..<9).map { step("s\($0)") }) }
        #expect(throws: JECPError.self) { try CompositeDefinition(steps: [step("Upper")]) }
        #expect(throws: JECPError.self) { try CompositeDefinition(steps: [step("a"), step("a")]) }
        #expect(throws: JECPError.self) { try CompositeDefinition(steps: [step("input")]) }
        #expect(throws: JECPError.self) { try CompositeDefinition(steps: [step("a", input: "${input}")]) }
        #expect(throws: JECPError.self) { try CompositeDefinition(steps: [step("a")], timeoutTotalMilliseconds: 300_001) }
        #expect(throws: JECPError.self) { try CompositeDefinition(steps: [step("a")], maxDepth: 2) }
        #expect(throws: Never.self) { try CompositeDefinition(steps: (0..<8).map { step("s\($0)") }, timeoutTotalMilliseconds: 300_000) }
    }

    struct Kit: HubCapability {
        var actions: [ActionDescriptor]
        var descriptor: CapabilityDescriptor {
            CapabilityDescriptor(name: "kit", displayName: "Kit", description: "", version: "1.0.0", tags: [], actions: actions)
        }
        func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue { [:] }
    }

    func action(_ name: String, micros: Int64, tier: TrustTier = .bronze, steps: [(String, String)]? = nil) throws -> ActionDescriptor {
        ActionDescriptor(name: name, description: "", price: Money(micros: micros), trustTierRequired: tier, inputSchema: [:], outputSchema: [:],
                         composes: try steps.map { try CompositeDefinition(steps: $0.map { .init(id: $0.0, call: "kit", action: $0.1, input: [:]) }) })
    }

    @Test func theCatalogChecksTargetsDepthTierAndPrice() throws {
        let leaf = try action("leaf", micros: 1_000)
        let silverLeaf = try action("silver-leaf", micros: 1_000, tier: .silver)
        func catalog(_ composite: ActionDescriptor) throws -> CapabilityCatalog {
            try CapabilityCatalog(operatorNamespace: "hub", capabilities: [Kit(actions: [leaf, silverLeaf, composite])])
        }
        // 2 × 0.001 fits in 85% of 0.0024 (0.00204), and not in 85% of 0.0023.
        _ = try catalog(try action("ok", micros: 2_400, steps: [("a", "leaf"), ("b", "leaf")]))
        #expect(throws: CapabilityCatalog.CatalogError.self) { try catalog(try action("cheap", micros: 2_300, steps: [("a", "leaf"), ("b", "leaf")])) }
        #expect(throws: CapabilityCatalog.CatalogError.self) { try catalog(try action("missing", micros: 9_000, steps: [("a", "nope")])) }
        #expect(throws: CapabilityCatalog.CatalogError.self) { try catalog(try action("tier", micros: 9_000, steps: [("a", "silver-leaf")])) }
        _ = try catalog(try action("tier-ok", micros: 9_000, tier: .silver, steps: [("a", "silver-leaf")]))
        let inner = try action("inner", micros: 2_000, steps: [("a", "leaf")])
        let outer = try action("outer", micros: 9_000, steps: [("a", "inner")])
        #expect(throws: CapabilityCatalog.CatalogError.self) {
            try CapabilityCatalog(operatorNamespace: "hub", capabilities: [Kit(actions: [leaf, inner, outer])])
        }
    }
}
