import JECPModels

/// The body the Hub forwards: `{"jecp":"1.0","id","capability","action","input",("metadata")}`.
struct ForwardedCall: Sendable {
    var id: String
    var capability: String
    var action: String
    var input: JSONValue
    var metadata: JSONValue?

    static func parse(_ body: [UInt8]) -> Result<ForwardedCall, ProviderError> {
        func invalid(_ message: String) -> Result<ForwardedCall, ProviderError> {
            .failure(ProviderError("INVALID_REQUEST", message, status: 400))
        }
        guard let value = try? JSONValue(parsing: body), case .object(let object) = value else {
            return invalid("The request body is not a JSON object.")
        }
        // Any 1.x Hub speaks this shape; a 2.x one would not.
        if let version = object["jecp"], !(version.stringValue?.hasPrefix("1.") ?? false) {
            return invalid("Unsupported jecp version; this provider speaks 1.x.")
        }
        guard let id = object["id"]?.stringValue, !id.isEmpty else { return invalid("'id' must be a non-empty string.") }
        guard let action = object["action"]?.stringValue, !action.isEmpty else { return invalid("'action' must be a non-empty string.") }
        guard let capability = object["capability"]?.stringValue else { return invalid("'capability' must be a string.") }
        guard let input = object["input"], case .object = input else { return invalid("'input' must be a JSON object.") }
        var metadata: JSONValue?
        switch object["metadata"] {
        case nil, .null?: metadata = nil
        case .object?: metadata = object["metadata"]
        default: return invalid("'metadata' must be a JSON object.")
        }
        return .success(ForwardedCall(id: id, capability: capability, action: action, input: input, metadata: metadata))
    }
}
