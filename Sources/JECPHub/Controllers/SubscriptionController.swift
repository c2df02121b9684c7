import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels

/// `/v1/subscriptions`: webhook subscriptions, for agents (`X-Agent-ID` + `X-API-Key`) and for
/// providers (`Authorization: Bearer <provider_api_key>`; owned by the provider's namespace).
struct SubscriptionController<Store: HubStore>: Sendable {
    let services: HubServices<Store>

    func register(with router: Router<HubRequestContext>) {
        let noStore: [(name: String, value: String)] = [("Cache-Control", "no-store")]
        let subscriptions = services.subscriptions
        router.post("/v1/subscriptions") { request, _ in
            var request = request
            let body = try await request.jsonBody(limit: 16 * 1024)
            let owner = try await owner(of: request)
            let created = try await services.pools.background.run { () async throws(JECPError) -> JSONValue in
                try await subscriptions.create(owner, body: body, now: Timestamps.now())
            }
            return Response.json(created, status: 201, headers: noStore)
        }
        router.get("/v1/subscriptions") { request, _ in
            let owner = try await owner(of: request)
            return Response.json(try await services.pools.read.run { () async throws(JECPError) -> JSONValue in try await subscriptions.list(owner) },
                                 headers: noStore)
        }
        router.get("/v1/subscriptions/:id") { request, context in
            let owner = try await owner(of: request)
            let id = try context.parameters.require("id")
            return Response.json(try await services.pools.read.run { () async throws(JECPError) -> JSONValue in try await subscriptions.get(owner, id: id) },
                                 headers: noStore)
        }
        router.patch("/v1/subscriptions/:id") { request, context in
            var request = request
            let body = try await request.jsonBody(limit: 16 * 1024)
            let owner = try await owner(of: request)
            let id = try context.parameters.require("id")
            return Response.json(try await services.pools.background.run { () async throws(JECPError) -> JSONValue in
                try await subscriptions.update(owner, id: id, body: body, now: Timestamps.now())
            }, headers: noStore)
        }
        router.delete("/v1/subscriptions/:id") { request, context in
            let owner = try await owner(of: request)
            let id = try context.parameters.require("id")
            return Response.json(try await services.pools.background.run { () async throws(JECPError) -> JSONValue in
                try await subscriptions.delete(owner, id: id, now: Timestamps.now())
            }, headers: noStore)
        }
        router.post("/v1/subscriptions/:id/test") { request, context in
            let owner = try await owner(of: request)
            let id = try context.parameters.require("id")
            return Response.json(try await services.pools.background.run { () async throws(JECPError) -> JSONValue in
                try await subscriptions.test(owner, id: id, now: Timestamps.now())
            }, status: 202, headers: noStore)
        }
    }

    /// Agent headers win; a bearer key without them is a provider's.
    func owner(of request: Request) async throws(JECPError) -> WebhookOwner {
        if request.headers[.xAgentID] == nil, request.headers[.xAPIKey] == nil, request.headers[.authorization] != nil {
            let provider = try await ProviderController(services: services).authenticate(request)
            return WebhookOwner(kind: .provider, id: provider.namespace)
        }
        let agent = try await AgentController(services: services).authenticate(request)
        return WebhookOwner(kind: .agent, id: agent.id)
    }
}
