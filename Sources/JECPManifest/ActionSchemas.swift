import JECPModels
import JECPSchema

extension Manifest.Action {
    /// The action's input and output schemas, compiled. The Hub caches the result per manifest.
    ///
    /// Input formats are assertions (an agent's malformed `date` is rejected before anyone is
    /// paid), output formats annotations: the same policy as the Hub's built-in capabilities.
    /// Cannot fail for a manifest ``ManifestParser`` accepted, since it compiled both already.
    public func compileSchemas() throws -> (input: CompiledSchema, output: CompiledSchema) {
        (try CompiledSchema(inputSchema, formatAssertion: true), try CompiledSchema(outputSchema, formatAssertion: false))
    }
}

/// Whether a value is a valid JSON Schema 2020-12 (04 §6.1 rule 7).
enum JSONSchemaCheck {
    /// The draft 2020-12 meta-schema, reached by `$ref` (the validator ships it; nothing is fetched).
    static let metaSchema: CompiledSchema = {
        do {
            return try CompiledSchema(["$ref": "https://json-schema.org/draft/2020-12/schema"])
        } catch {
            preconditionFailure("the built-in 2020-12 meta-schema does not compile: \(error)")
        }
    }()

    /// Why `schema` is not a usable schema, one line each; empty when it is.
    ///
    /// Two steps: the meta-schema catches what is ill-formed (`{"type": 12}`, `{"title": 5}`), then
    /// compiling with the same options the Hub uses catches what the meta-schema cannot (a bad
    /// regex, an unresolvable or remote `$ref`).
    static func problems(_ schema: JSONValue, formatAssertion: Bool) -> [String] {
        let violations = metaSchema.validate(schema, limit: 20)
        if !violations.isEmpty {
            return violations.map { violation in
                let location = violation.instancePath.isEmpty ? "" : " at '\(violation.instancePath)'"
                return "not a valid JSON Schema 2020-12\(location): \(violation.reason)"
            }
        }
        do {
            _ = try CompiledSchema(schema, formatAssertion: formatAssertion)
            return []
        } catch {
            return ["not a valid JSON Schema 2020-12: \(error.message)"]
        }
    }
}
