import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels

/// Discovery (spec 05): well-known documents, llms.txt and the capability catalog. Read-only and
/// credential-free, so CORS allows any origin.
struct DiscoveryController<Store: HubStore>: Sendable {
    let services: HubServices<Store>
    let documents: DiscoveryDocuments

    init(services: HubServices<Store>) {
        self.services = services
        self.documents = DiscoveryDocuments(settings: services.settings, catalog: services.catalog)
    }

    static var cors: (name: String, value: String) { ("Access-Control-Allow-Origin", "*") }

    func register(with router: Router<HubRequestContext>) {
        router.get("/.well-known/agent.json") { _, _ in
            Response.json(documents.agentCard(), headers: [Self.cors, ("Cache-Control", "public, max-age=3600, s-maxage=86400")])
        }
        router.get("/.well-known/agent-guide.json") { _, _ in
            Response.json(documents.agentGuide(), headers: [Self.cors, ("Cache-Control", "public, max-age=300, must-revalidate")])
        }
        router.get("/llms.txt") { _, _ in
            Response.text(documents.llmsText(), contentType: "text/plain; charset=utf-8",
                          headers: [Self.cors, ("Cache-Control", "public, max-age=3600")])
        }
        router.get("/v1/capabilities") { request, _ in
            try await services.pools.read.run { () async throws(JECPError) -> Response in try list(request) }
        }
        // One parameter name for both shapes: the router cannot hold two names at one position.
        router.get("/v1/capabilities/:namespace") { request, context in
            try detail(request, id: try context.parameters.require("namespace"))
        }
        router.get("/v1/capabilities/:namespace/:name") { request, context in
            try detail(request, id: "\(try context.parameters.require("namespace"))/\(try context.parameters.require("name"))")
        }
    }

    func list(_ request: Request) throws(JECPError) -> Response {
        let query = request.uri.queryParameters
        var limit = 50
        if let text = query["limit"] {
            guard let parsed = Int(text), (1...200).contains(parsed) else {
                throw JECPError(.validationFailed, "limit must be an integer from 1 to 200.",
                                details: ["errors": [["path": "/query/limit", "reason": "must be an integer from 1 to 200"]]])
            }
            limit = parsed
        }
        var entries = services.catalog.allEntries.sorted { $0.id < $1.id }
        if let provider = query["provider"] { entries = entries.filter { $0.namespace == String(provider) } }
        if let tierText = query["tier"] {
            guard let tier = TrustTier(rawValue: String(tierText)) else {
                throw JECPError(.validationFailed, "tier must be bronze, silver, gold or platinum.",
                                details: ["errors": [["path": "/query/tier", "reason": "must be bronze, silver, gold or platinum"]]])
            }
            entries = entries.filter { $0.descriptor.actions.contains { $0.trustTierRequired <= tier } }
        }
        if let tag = query["tag"] { entries = entries.filter { $0.descriptor.tags.contains(String(tag)) } }
        if let cursor = query["cursor"] {
            guard let after = Self.decodeCursor(String(cursor)) else {
                throw JECPError(.validationFailed, "cursor is not one this Hub issued.",
                                details: ["errors": [["path": "/query/cursor", "reason": "must be a next_cursor value from a previous page"]]])
            }
            entries = entries.filter { $0.id > after }
        }
        let page = entries.prefix(limit)
        let next: JSONValue = entries.count > limit ? .string(Self.encodeCursor(page.last!.id)) : .null
        let body: JSONValue = [
            "jecp": "1.0",
            "capabilities": .array(page.map { CatalogDocuments.capability($0, full: false, settings: services.settings) }),
            "total": .number(JSONNumber(entries.count)),
            "version": .string(HubVersion.spec),
            "next_cursor": next,
        ]
        return conditional(request, body.serialized())
    }

    func detail(_ request: Request, id: String) throws(JECPError) -> Response {
        guard let entry = services.catalog.entry(id: id) else {
            throw JECPError(.capabilityNotFound, "Capability '\(id)' does not exist on this Hub.", details: ["capability": .string(id)],
                            nextAction: NextActions(settings: services.settings).lookupSchema(capability: nil))
        }
        return conditional(request, CatalogDocuments.capability(entry, full: true, settings: services.settings).serialized())
    }

    /// Strong ETag over the exact body; `If-None-Match` answers 304 with no body.
    func conditional(_ request: Request, _ body: [UInt8]) -> Response {
        let etag = "\"" + SHA256.hash(data: body).prefix(16).hexString + "\""
        let headers: [(name: String, value: String)] = [Self.cors, ("Cache-Control", "public, max-age=300, s-maxage=600"), ("ETag", etag)]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" }) {
            return .bytes([], status: 304, headers: headers)
        }
        return .bytes(body, status: 200, headers: headers)
    }

    static func encodeCursor(_ id: String) -> String {
        Data(id.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) -> String? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let id = String(data: data, encoding: .utf8), InvokeRequest.isValidCapability(id) else {
            return nil
        }
        return id
    }
}
