import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels
import Prometheus

/// `POST /v1/invoke` and the legacy alias `POST /v1/jecp` (spec 01 §2.1).
struct InvokeController<Store: HubStore>: Sendable {
    let services: HubServices<Store>
    static var maximumBodyBytes: Int { 10 * 1024 * 1024 }

    func register(with router: Router<HubRequestContext>) {
        router.post("/v1/invoke") { request, context in try await invoke(request, context: context, legacy: false) }
        router.post("/v1/jecp") { request, context in try await invoke(request, context: context, legacy: true) }
    }

    func invoke(_ request: Request, context: HubRequestContext, legacy: Bool) async throws -> Response {
        var request = request
        var outcome: InvokeOutcome
        do {
            let body = try await request.collectBodyBytes(limit: Self.maximumBodyBytes)
            let input = InvokeHTTPRequest(
                body: body, contentType: request.headers[.contentType], agentIDHeader: request.headers[.xAgentID],
                apiKeyHeader: request.headers[.xAPIKey], idempotencyKeyHeader: request.headers[.xIdempotencyKey],
                acceptsEventStream: request.headers[.accept]?.contains("text/event-stream") ?? false)
            outcome = await services.pools.invoke.run { await services.pipeline.handle(input) }
        } catch let error as JECPError {
            let body = error.envelope(requestID: nil, documentationBase: services.settings.publicURL).serialized()
            outcome = InvokeOutcome(status: error.httpStatus, body: body, headers: [("Cache-Control", "no-store")] + error.headers, errorCode: error.code)
        }
        if let code = outcome.errorCode { services.metrics.recordError(code) } else if outcome.replayed {
            services.metrics.replays.increment()
        } else {
            services.metrics.invocations.increment()
        }
        if legacy {
            outcome.headers.append(contentsOf: [
                ("Deprecation", "true"), ("Sunset", Timestamps.imfFixdate(services.settings.legacyAliasSunset)),
                ("Link", "<https://jecp.dev/spec/v1.0/01-protocol.md#21-legacy-alias>; rel=\"deprecation\""),
            ])
        }
        return .bytes(outcome.body, status: outcome.status, headers: outcome.headers)
    }
}
