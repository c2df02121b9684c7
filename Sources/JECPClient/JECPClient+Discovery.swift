extension JECPClient {
    /// Fields `/.well-known/agent-guide.json` must have (the spec's agent-guide schema).
    static let agentGuideRequiredFields = ["version", "last_updated", "vendor_prefix", "hub_name", "hub_url", "supported_capabilities",
                                           "conformance_levels", "register_endpoint", "contact"]

    /// Fetches and checks a Hub's agent guide. `agentGuideUnavailable` when the Hub has none (404).
    public static func discover(hub: String, transport: (any JECPTransport)? = nil) async throws(JECPError) -> AgentGuide {
        try await discover(requester: standaloneRequester(hub: hub, transport: transport))
    }

    static func discover(requester: Requester) async throws(JECPError) -> AgentGuide {
        let response: TransportResponse
        do {
            response = try await requester.send(retry: true) {
                TransportRequest(method: "GET", url: requester.url("/.well-known/agent-guide.json"), headers: [("Accept", "application/json")],
                                 timeout: requester.timeout)
            }
        } catch where error.status == 404 {
            throw JECPError(code: .agentGuideUnavailable, status: 404, message: "The Hub at \(requester.baseURL) publishes no agent guide.",
                            details: error.details)
        }
        let json = try Self.json(response)
        let missing = agentGuideRequiredFields.filter { json[$0] == nil }
        guard json.objectValue != nil, missing.isEmpty else {
            throw JECPError(code: .invalidResponse, status: response.status, message: "The agent guide lacks required fields: \(missing.joined(separator: ", ")).",
                            details: ["missing": .array(missing.map { .string($0) })])
        }
        return AgentGuide(raw: json, hubName: json["hub_name"]?.stringValue, registrationURL: json["register_endpoint"]?.stringValue,
                          capabilitiesURL: json["endpoints"]?["capabilities"]?.stringValue)
    }

    /// Every capability summary of the catalog, fetched page by page as the sequence is iterated.
    public func catalog(tag: String? = nil, provider: String? = nil, pageSize: Int = 50) -> CatalogPages {
        CatalogPages(client: self, tag: tag, provider: provider, pageSize: pageSize)
    }

    /// `GET /v1/capabilities/{id}`: the full detail with actions, schemas and examples.
    public func capability(id: String) async throws(JECPError) -> JSONValue {
        let path = id.split(separator: "/", omittingEmptySubsequences: false).map { Requester.percentEncode(String($0)) }.joined(separator: "/")
        return try await getJSON("/v1/capabilities/\(path)")
    }

    /// One page of `GET /v1/capabilities`.
    func catalogPage(tag: String?, provider: String?, pageSize: Int, cursor: String?) async throws(JECPError) -> (items: [JSONValue], next: String?) {
        let json = try await getJSON("/v1/capabilities", query: [("limit", String(pageSize)), ("cursor", cursor), ("tag", tag), ("provider", provider)])
        return (json["capabilities"]?.arrayValue ?? [], json["next_cursor"]?.stringValue)
    }
}

/// The catalog as an `AsyncSequence` of capability summaries (`GET /v1/capabilities`, following `next_cursor`).
public struct CatalogPages: AsyncSequence, Sendable {
    public typealias Element = JSONValue
    let client: JECPClient
    let tag: String?
    let provider: String?
    let pageSize: Int

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pages: self)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let pages: CatalogPages
        var buffer: [JSONValue] = []
        var cursor: String?
        var exhausted = false

        init(pages: CatalogPages) { self.pages = pages }

        public mutating func next() async throws -> JSONValue? {
            while buffer.isEmpty {
                if exhausted { return nil }
                let page = try await pages.client.catalogPage(tag: pages.tag, provider: pages.provider, pageSize: pages.pageSize, cursor: cursor)
                buffer = page.items
                cursor = page.next
                exhausted = page.next == nil || page.next == ""
                if page.items.isEmpty && !exhausted { exhausted = true }  // a Hub that pages nothing would loop forever
            }
            return buffer.removeFirst()
        }
    }
}
