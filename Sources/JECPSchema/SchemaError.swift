/// The schema itself is invalid, or one of its references cannot be resolved.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
