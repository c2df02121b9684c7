// Temporary stand-in until the validator lands (replaced by helper's files).
import JECPModels

public struct SchemaViolation: Sendable, Hashable {
    public var instancePath: String
    public var schemaPath: String
    public var keyword: String
    public var reason: String
}

public struct SchemaError: Error, Sendable { public var message: String }

public struct SchemaRegistry: Sendable { public init() {} }

public final class CompiledSchema: Sendable {
    public init(_ schema: JSONValue, registry: SchemaRegistry = .init(), formatAssertion: Bool = false) throws(SchemaError) {}
    public func validate(_ instance: JSONValue) -> [SchemaViolation] { [] }
    public func isValid(_ instance: JSONValue) -> Bool { true }
}
