import Hummingbird
import JECPHubCore
import JECPModels

/// `POST /api/agent/topup` (Stripe Checkout for an agent) and `POST /webhooks/stripe` (Stripe's
/// signed events, which credit the wallet).
struct TopupController<Store: HubStore>: Sendable {
    let services: HubServices<Store>

    func register(with router: Router<HubRequestContext>) {
        router.post("/api/agent/topup") { request, _ in try await startTopup(request) }
        router.post("/api/agents/topup") { request, _ in try await startTopup(request) }
        router.post("/webhooks/stripe") { request, _ in
            var request = request
            // The signature covers the exact bytes: verify before (and without) re-encoding anything.
            let body = try await request.collectBodyBytes(limit: 1024 * 1024)
            let answer = try await services.topups.handleWebhook(body: body, signature: request.header("Stripe-Signature"), now: Timestamps.now())
            return Response.json(answer, headers: [("Cache-Control", "no-store")])
        }
    }

    func startTopup(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.jsonBody(limit: 16 * 1024)
        let agent = try await AgentController(services: services).authenticate(request)
        let result = try await services.topups.startResponse(agent: agent, body: body, now: Timestamps.now())
        return Response.json(result, status: 201, headers: [("Cache-Control", "no-store")])
    }
}
