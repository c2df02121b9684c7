import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels
import Logging

/// Refund routes: agents request and read their own; the provider of the capability, or the
/// operator, approves or denies.
struct RefundController<Store: HubStore>: Sendable {
    let services: HubServices<Store>

    func register(with router: Router<HubRequestContext>) {
        let noStore: [(name: String, value: String)] = [("Cache-Control", "no-store")]
        let agents = AgentController(services: services)
        router.post("/v1/refunds") { request, _ in
            var request = request
            let body = try await request.jsonBody(limit: 16 * 1024)
            let agent = try await agents.authenticate(request)
            let refund = try await services.pools.background.run { () async throws(JECPError) -> JSONValue in
                try await services.refunds.request(agent, body: body, now: Timestamps.now())
            }
            services.logger.info("refund requested", metadata: ["jecp.agent": "\(agent.id)", "jecp.refund": "\(refund["id"]?.stringValue ?? "")"])
            return Response.json(refund, status: 201, headers: noStore)
        }
        router.get("/v1/refunds") { request, _ in
            let agent = try await agents.authenticate(request)
            return Response.json(try await list(.agent(agent.id), request), headers: noStore)
        }
        router.get("/v1/refunds/:refund_id") { request, context in
            let agent = try await agents.authenticate(request)
            let id = try context.parameters.require("refund_id")
            return Response.json(try await services.pools.read.run { () async throws(JECPError) -> JSONValue in
                try await services.refunds.get(agent, id: id)
            }, headers: noStore)
        }
        router.post("/v1/refunds/:refund_id/approve") { request, context in try await decide(request, context: context, approve: true) }
        router.post("/v1/refunds/:refund_id/deny") { request, context in try await decide(request, context: context, approve: false) }
        router.get("/v1/providers/me/refunds") { request, _ in
            let provider = try await ProviderController(services: services).authenticate(request)
            return Response.json(try await list(.provider(namespace: provider.namespace), request), headers: noStore)
        }
        // The operator decides refunds of the Hub's own capabilities (and may decide any): it needs to see them.
        router.get("/admin/v1/refunds") { request, _ in
            try services.admin.authorize(request.headers[.authorization])
            return Response.json(try await list(.everyone, request), headers: noStore)
        }
    }

    func list(_ owner: RefundService<Store>.Owner, _ request: Request) async throws(JECPError) -> JSONValue {
        let query = request.uri.queryParameters
        return try await services.pools.read.run { () async throws(JECPError) -> JSONValue in
            try await services.refunds.list(owner, status: query["status"].map(String.init), limit: query["limit"].map(String.init),
                                            cursor: query["cursor"].map(String.init))
        }
    }

    /// The admin token decides as the operator; any other bearer must be a provider key.
    func decide(_ request: Request, context: HubRequestContext, approve: Bool) async throws -> Response {
        var request = request
        let body = try await request.jsonBody(limit: 16 * 1024)
        let id = try context.parameters.require("refund_id")
        let decider: RefundService<Store>.Decider
        if (try? services.admin.authorize(request.headers[.authorization])) != nil {
            decider = .operator
        } else {
            decider = .provider(namespace: try await ProviderController(services: services).authenticate(request).namespace)
        }
        let refund = try await services.pools.background.run { () async throws(JECPError) -> JSONValue in
            try await services.refunds.decide(id: id, approve: approve, by: decider, body: body, now: Timestamps.now())
        }
        services.logger.info("refund decided", metadata: ["jecp.refund": "\(id)", "jecp.decision": "\(approve ? "approved" : "denied")",
                                                          "jecp.decided_by": "\(decider.name)"])
        return Response.json(refund, headers: [("Cache-Control", "no-store")])
    }
}
