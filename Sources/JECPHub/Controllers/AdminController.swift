import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels

/// The operator API, behind `Authorization: Bearer <admin token>`.
struct AdminController<Store: HubStore>: Sendable {
    let services: HubServices<Store>

    func register(with router: Router<HubRequestContext>) {
        let admin = router.group("admin/v1")
        admin.post("agents/:agent_id/credit") { request, context in
            var request = request
            try services.admin.authorize(request.headers[.authorization])
            let body = try await request.jsonBody()
            let agentID = try context.parameters.require("agent_id")
            let result = try await services.pools.background.run { () async throws(JECPError) -> (status: Int, body: JSONValue) in
                try await services.admin.credit(agentID: agentID, body: body, now: Timestamps.now())
            }
            return Response.json(result.body, status: result.status)
        }
        admin.get("ledger/summary") { request, _ in
            try services.admin.authorize(request.headers[.authorization])
            return Response.json(try await services.pools.background.run { () async throws(JECPError) -> JSONValue in
                try await services.admin.ledgerSummary()
            })
        }
        admin.get("agents/:agent_id") { request, context in
            try services.admin.authorize(request.headers[.authorization])
            return Response.json(try await services.admin.agent(try context.parameters.require("agent_id")))
        }
        admin.patch("agents/:agent_id") { request, context in
            var request = request
            try services.admin.authorize(request.headers[.authorization])
            let body = try await request.jsonBody()
            return Response.json(try await services.admin.updateAgent(try context.parameters.require("agent_id"), body: body))
        }
    }
}
