import JECPModels

/// Schema documents that `$ref` can reach by absolute URI ("remote" references).
///
/// Nothing is ever fetched over the network: a reference to a URI that is neither inside the
/// schema being compiled, nor registered here, nor one of the built-in draft 2020-12
/// meta-schemas is a ``SchemaError``.
public struct SchemaRegistry: Sendable {
    var documents: [String: JSONValue] = [:]
    /// A document's own root `$id` → the URI it was registered under.
    var aliases: [String: String] = [:]

    public init() {}

    /// Registers `schema` as the document retrieved from `uri` (an absolute URI; a fragment is
    /// ignored). It is also reachable by its root `$id`, if it declares one.
    public mutating func add(_ schema: JSONValue, uri: String) {
        let uri = URIReference.stripFragment(uri)
        documents[uri] = schema
        if case .string(let id)? = schema["$id"] {
            let identifier = URIReference.stripFragment(URIReference.resolve(id, against: uri))
            if identifier != uri { aliases[identifier] = uri }
        }
    }

    /// The document for `uri` (without fragment) and the URI to load it under: registered
    /// documents first, then their `$id`s, then the built-in meta-schemas.
    func document(for uri: String) -> (uri: String, document: JSONValue)? {
        if let document = documents[uri] { return (uri, document) }
        if let retrievalURI = aliases[uri], let document = documents[retrievalURI] { return (retrievalURI, document) }
        if let document = MetaSchemas.document(for: uri) { return (uri, document) }
        return nil
    }
}
