import JECPModels
import JECPSchema
import Testing

/// Violation paths and messages for the kind of schema the Hub uses for its actions.
@Suite("Schema violations")
struct SchemaViolationTests {
    static let invoiceSchema = #"""
        {"type":"object","required":["client_name","items"],"additionalProperties":false,
         "properties":{
           "client_name":{"type":"string","minLength":1},
           "items":{"type":"array","minItems":1,"items":{"type":"object","required":["name","quantity","unit_price"],
             "properties":{"name":{"type":"string"},"quantity":{"type":"number","exclusiveMinimum":0},"unit_price":{"type":"number","minimum":0}}}},
           "due_date":{"type":"string","format":"date"}}}
        """#

    static func compile(_ text: String, formatAssertion: Bool = false, registry: SchemaRegistry = .init()) throws -> CompiledSchema {
        try CompiledSchema(JSONValue(parsing: text), registry: registry, formatAssertion: formatAssertion)
    }

    static func violations(_ schema: CompiledSchema, _ instance: String) throws -> [SchemaViolation] {
        let value = try JSONValue(parsing: instance)
        let violations = schema.validate(value)
        #expect(schema.isValid(value) == violations.isEmpty)
        return violations
    }

    @Test func validInvoiceHasNoViolations() throws {
        let schema = try Self.compile(Self.invoiceSchema, formatAssertion: true)
        let result = try Self.violations(
            schema, #"{"client_name":"Acme","items":[{"name":"Work","quantity":1.5,"unit_price":0}],"due_date":"2026-02-28"}"#)
        #expect(result.isEmpty)
    }

    @Test func missingRequiredProperty() throws {
        let schema = try Self.compile(Self.invoiceSchema)
        let result = try Self.violations(schema, #"{"items":[{"name":"Work","quantity":1,"unit_price":10}]}"#)
        #expect(result == [
            SchemaViolation(instancePath: "", schemaPath: "/required", keyword: "required", reason: "missing required property 'client_name'")
        ])
    }

    @Test func nestedExclusiveMinimum() throws {
        let schema = try Self.compile(Self.invoiceSchema)
        let result = try Self.violations(schema, #"{"client_name":"Acme","items":[{"name":"Work","quantity":0,"unit_price":10}]}"#)
        #expect(result == [
            SchemaViolation(
                instancePath: "/items/0/quantity", schemaPath: "/properties/items/items/properties/quantity/exclusiveMinimum",
                keyword: "exclusiveMinimum", reason: "must be > 0")
        ])
    }

    @Test func extraPropertyIsReported() throws {
        let schema = try Self.compile(Self.invoiceSchema)
        let result = try Self.violations(schema, #"{"client_name":"Acme","items":[{"name":"W","quantity":1,"unit_price":1}],"note":"hi"}"#)
        #expect(result == [
            SchemaViolation(
                instancePath: "/note", schemaPath: "/additionalProperties", keyword: "additionalProperties",
                reason: "property 'note' is not allowed")
        ])
    }

    @Test func badDueDateOnlyWithFormatAssertion() throws {
        let instance = #"{"client_name":"Acme","items":[{"name":"W","quantity":1,"unit_price":1}],"due_date":"2026-02-30"}"#
        #expect(try Self.violations(Self.compile(Self.invoiceSchema), instance).isEmpty)
        let result = try Self.violations(Self.compile(Self.invoiceSchema, formatAssertion: true), instance)
        #expect(result == [
            SchemaViolation(
                instancePath: "/due_date", schemaPath: "/properties/due_date/format", keyword: "format", reason: "must be a valid date")
        ])
    }

    @Test func everyViolationIsReportedInAStableOrder() throws {
        let schema = try Self.compile(Self.invoiceSchema, formatAssertion: true)
        let instance = #"{"client_name":"","items":[{"name":7,"quantity":-1},{"name":"x","quantity":1,"unit_price":-5}],"due_date":"soon","zzz":1,"aaa":2}"#
        let result = try Self.violations(schema, instance)
        #expect(result.map(\.instancePath) == [
            "/aaa", "/client_name", "/due_date", "/items/0", "/items/0/name", "/items/0/quantity", "/items/1/unit_price", "/zzz",
        ])
        #expect(result.map(\.keyword) == [
            "additionalProperties", "minLength", "format", "required", "type", "exclusiveMinimum", "minimum", "additionalProperties",
        ])
        // The same input always yields the same list.
        #expect(schema.validate(try JSONValue(parsing: instance)) == result)
    }

    @Test func violationLimit() throws {
        let schema = try Self.compile(#"{"items":{"type":"string"}}"#)
        let instance = JSONValue.array((0..<500).map { JSONValue.number(JSONNumber($0)) })
        #expect(schema.validate(instance).count == CompiledSchema.defaultViolationLimit)
        #expect(schema.validate(instance, limit: 3).count == 3)
        #expect(!schema.isValid(instance))
    }

    @Test func referencesAppearInTheSchemaPath() throws {
        let schema = try Self.compile(
            ##"{"$defs":{"amount":{"type":"number","minimum":0}},"properties":{"price":{"$ref":"#/$defs/amount"},"lines":{"items":{"$ref":"#/$defs/amount"}}}}"##)
        let result = try Self.violations(schema, #"{"price":-1,"lines":[1,"x"]}"#)
        #expect(Set(result) == [
            SchemaViolation(instancePath: "/price", schemaPath: "/properties/price/$ref/minimum", keyword: "minimum", reason: "must be >= 0"),
            SchemaViolation(
                instancePath: "/lines/1", schemaPath: "/properties/lines/items/$ref/type", keyword: "type", reason: "must be number, not string"),
        ])
    }

    @Test func recursiveReferences() throws {
        let schema = try Self.compile(
            ##"{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}},"required":["name"]}"##)
        #expect(schema.isValid(try JSONValue(parsing: #"{"name":"a","children":[{"name":"b","children":[{"name":"c"}]}]}"#)))
        let result = try Self.violations(schema, #"{"name":"a","children":[{"name":"b","children":[{}]}]}"#)
        #expect(result == [
            SchemaViolation(
                instancePath: "/children/0/children/0", schemaPath: "/properties/children/items/$ref/properties/children/items/$ref/required",
                keyword: "required", reason: "missing required property 'name'")
        ])
    }

    @Test func pointerEscapingInPaths() throws {
        let schema = try Self.compile(#"{"properties":{"a/b":{"properties":{"c~d":{"type":"integer"}}}}}"#)
        let result = try Self.violations(schema, #"{"a/b":{"c~d":1.5}}"#)
        #expect(result.map(\.instancePath) == ["/a~1b/c~0d"])
        #expect(result.map(\.schemaPath) == ["/properties/a~1b/properties/c~0d/type"])
    }

    @Test func combinatorsReportOneViolation() throws {
        let schema = try Self.compile(#"{"anyOf":[{"type":"string"},{"type":"integer"}],"not":{"const":0}}"#)
        #expect(try Self.violations(schema, "1.5").map(\.keyword) == ["anyOf"])
        #expect(try Self.violations(schema, "0").map(\.keyword) == ["not"])
        let oneOf = try Self.compile(#"{"oneOf":[{"minimum":0},{"maximum":10}]}"#)
        #expect(try Self.violations(oneOf, "5").first?.reason == "must match exactly one schema in oneOf, but matches both 0 and 1")
    }

    @Test func moneyMultipleOfIsExact() throws {
        let schema = try Self.compile(#"{"multipleOf":0.01}"#)
        for valid in ["19.99", "0.07", "1e2", "123456789012.34", "-0.3", "0"] {
            #expect(schema.isValid(try JSONValue(parsing: valid)), "\(valid)")
        }
        for invalid in ["0.001", "19.999", "1e-3"] {
            #expect(!schema.isValid(try JSONValue(parsing: invalid)), "\(invalid)")
        }
    }

    @Test func lengthCountsCodePoints() throws {
        let schema = try Self.compile(#"{"minLength":2,"maxLength":2}"#)
        #expect(schema.isValid("😀é"))
        #expect(!schema.isValid("😀"))
        #expect(schema.isValid("e\u{301}"))  // two code points, one character
    }

    @Test func remoteReferencesComeFromTheRegistry() throws {
        var registry = SchemaRegistry()
        registry.add(try JSONValue(parsing: #"{"$defs":{"currency":{"type":"string","pattern":"^[A-Z]{3}$"}}}"#), uri: "https://hub.example/common.json")
        let schema = try Self.compile(#"{"$id":"https://hub.example/invoice.json","properties":{"currency":{"$ref":"common.json#/$defs/currency"}}}"#, registry: registry)
        #expect(schema.isValid(try JSONValue(parsing: #"{"currency":"EUR"}"#)))
        #expect(try Self.violations(schema, #"{"currency":"eur"}"#).map(\.schemaPath) == ["/properties/currency/$ref/pattern"])
    }

    @Test func registryDocumentsAreReachableByTheirID() throws {
        var registry = SchemaRegistry()
        registry.add(try JSONValue(parsing: #"{"$id":"https://hub.example/money.json","type":"string","pattern":"^\\d+\\.\\d{2}$"}"#), uri: "file:///schemas/money.json")
        let schema = try Self.compile(#"{"items":{"$ref":"https://hub.example/money.json"}}"#, registry: registry)
        #expect(schema.isValid(try JSONValue(parsing: #"["1.00","20.50"]"#)))
        #expect(!schema.isValid(try JSONValue(parsing: #"["1.5"]"#)))
    }

    @Test func metaSchemaIsBuiltIn() throws {
        let meta = try Self.compile(#"{"$ref":"https://json-schema.org/draft/2020-12/schema"}"#)
        #expect(meta.isValid(try JSONValue(parsing: Self.invoiceSchema)))
        #expect(!meta.isValid(try JSONValue(parsing: #"{"type":"money"}"#)))
        #expect(!meta.isValid(try JSONValue(parsing: #"{"properties":{"a":{"minimum":"1"}}}"#)))
    }

    @Test func invalidSchemasAreRejected() {
        for text in [
            ##"{"$ref":"#/$defs/missing"}"##, #"{"$ref":"https://elsewhere.example/x.json"}"#, #"{"type":"money"}"#,
            #"{"pattern":"(unclosed"}"#, #"{"minLength":-1}"#, #"{"allOf":[]}"#, #"{"properties":{"a":3}}"#, "3",
            ##"{"$ref":"#"}"##, ##"{"$defs":{"a":{"anyOf":[{"$ref":"#/$defs/b"}]},"b":{"not":{"$ref":"#/$defs/a"}}},"$ref":"#/$defs/a"}"##,
        ] {
            #expect(throws: SchemaError.self, "\(text)") { try Self.compile(text) }
        }
    }

    @Test func sharedAcrossTasks() async throws {
        let schema = try Self.compile(Self.invoiceSchema, formatAssertion: true)
        let good = try JSONValue(parsing: #"{"client_name":"A","items":[{"name":"x","quantity":1,"unit_price":2}]}"#)
        let bad = try JSONValue(parsing: #"{"client_name":"A","items":[]}"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask { index.isMultiple(of: 2) ? schema.isValid(good) : schema.validate(bad).count == 1 }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
    }
}
