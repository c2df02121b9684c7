import JECPModels

/// A binary artifact in an action's output: a property whose schema says `contentEncoding: base64`.
///
/// Artifacts are found in the output schema itself (nested objects included), so a capability
/// declares them once, where agents already look, and URL delivery needs no extra metadata.
public struct ArtifactField: Sendable, Hashable {
    /// Object keys from the output root to the base64 property, e.g. `["invoice", "pdf"]`.
    public let path: [String]
    public let mediaType: String

    /// The key that replaces the base64 property under `delivery.format = url` (`pdf` → `pdf_url`).
    public var urlKey: String { path[path.count - 1] + "_url" }

    public static func fields(in outputSchema: JSONValue) -> [ArtifactField] {
        var found: [ArtifactField] = []
        collect(outputSchema, path: [], into: &found)
        return found
    }

    private static func collect(_ schema: JSONValue, path: [String], into found: inout [ArtifactField]) {
        guard path.count < 8, case .object(let properties)? = schema["properties"] else { return }
        for (key, property) in properties.sorted(by: { $0.key < $1.key }) {
            if property["contentEncoding"]?.stringValue == "base64" {
                found.append(ArtifactField(path: path + [key], mediaType: property["contentMediaType"]?.stringValue ?? "application/octet-stream"))
            } else {
                collect(property, path: path + [key], into: &found)
            }
        }
    }

    /// The output schema as delivered with `format = url`: each artifact property becomes `<name>_url`,
    /// a URI, required exactly when the artifact was.
    public static func urlDeliverySchema(_ schema: JSONValue, fields: [ArtifactField]) -> JSONValue {
        var schema = schema
        for field in fields { schema = rewrite(schema, path: field.path[...], urlKey: field.urlKey) }
        return schema
    }

    private static func rewrite(_ schema: JSONValue, path: ArraySlice<String>, urlKey: String) -> JSONValue {
        guard case .object(var node) = schema, case .object(var properties)? = node["properties"], let key = path.first else { return schema }
        if path.count == 1 {
            properties[key] = nil
            properties[urlKey] = ["type": "string", "format": "uri", "description": "Signed Hub URL of the artifact; see the expires query parameter."]
            if case .array(let required)? = node["required"], required.contains(.string(key)) {
                node["required"] = .array(required.map { $0 == .string(key) ? .string(urlKey) : $0 })
            }
        } else if let child = properties[key] {
            properties[key] = rewrite(child, path: path.dropFirst(), urlKey: urlKey)
        }
        node["properties"] = .object(properties)
        return .object(node)
    }
}
