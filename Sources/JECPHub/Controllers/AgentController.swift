import Foundation
import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels

/// Agent self-service routes (spec 02 §3).
struct AgentController<Store: HubStore>: Sendable {
    let services: HubServices<Store>

    func register(with router: Router<HubRequestContext>) {
        router.post("/api/agent/register") { request, context in try await registerAgent(request, context: context) }
        router.post("/api/agents/register") { request, context in try await registerAgent(request, context: context) }
        router.get("/v1/agents/me") { request, _ in
            let agent = try await authenticate(request, allowSuspended: true)
            return Response.json(services.agents.profile(agent), headers: [("Cache-Control", "no-store")])
        }
        router.get("/v1/agents/me/transactions") { request, _ in
            let agent = try await authenticate(request)
            let page = try await services.pools.read.run { () async throws(JECPError) -> JSONValue in
                try await services.agents.transactions(agent, limit: request.uri.queryParameters["limit"].map(String.init),
                                                       cursor: request.uri.queryParameters["cursor"].map(String.init))
            }
            return Response.json(page, headers: [("Cache-Control", "no-store")])
        }
        router.post("/v1/agents/me/rotate-key") { request, _ in
            var request = request
            let body = try await request.jsonBody()
            let agent = try await authenticate(request)
            let result = try await services.agents.rotateKey(agent, body: body, now: Timestamps.now())
            return Response.json(result, status: 200, headers: [("Cache-Control", "no-store")])
        }
    }

    func registerAgent(_ request: Request, context: HubRequestContext) async throws -> Response {
        var request = request
        let body = try await request.jsonBody(limit: 64 * 1024)
        let result = try await services.agents.register(body: body, clientAddress: context.clientAddress,
                                                        now: Date().timeIntervalSince1970)
        return Response.json(result, status: 201, headers: [("Cache-Control", "no-store")])
    }

    func authenticate(_ request: Request, allowSuspended: Bool = false) async throws(JECPError) -> AgentRecord {
        try await services.pools.read.run { () async throws(JECPError) -> AgentRecord in
            try await services.agents.authenticate(agentID: request.headers[.xAgentID], apiKey: request.headers[.xAPIKey],
                                                   now: Timestamps.now(), allowSuspended: allowSuspended)
        }
    }
}
