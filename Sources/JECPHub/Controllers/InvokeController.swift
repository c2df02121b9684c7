import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels
import NIOCore
import Prometheus
import Synchronization

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
        let response: InvokeResponse
        do {
            let body = try await request.collectBodyBytes(limit: Self.maximumBodyBytes)
            let input = InvokeHTTPRequest(
                body: body, contentType: request.headers[.contentType], agentIDHeader: request.headers[.xAgentID],
                apiKeyHeader: request.headers[.xAPIKey], idempotencyKeyHeader: request.headers[.xIdempotencyKey],
                acceptsEventStream: request.headers[.accept]?.contains("text/event-stream") ?? false)
            response = await services.pools.invoke.run { await services.pipeline.respond(to: input) }
        } catch let error as JECPError {
            let body = error.envelope(requestID: nil, documentationBase: services.settings.publicURL).serialized()
            response = .complete(InvokeOutcome(status: error.httpStatus, body: body, headers: [("Cache-Control", "no-store")] + error.headers,
                                               errorCode: error.code))
        }
        let legacyHeaders: [(name: String, value: String)] = legacy ? [
            ("Deprecation", "true"), ("Sunset", Timestamps.imfFixdate(services.settings.legacyAliasSunset)),
            ("Link", "<https://jecp.dev/spec/v1.0/01-protocol.md#21-legacy-alias>; rel=\"deprecation\""),
        ] : []
        switch response {
        case .complete(let outcome):
            record(outcome)
            return .bytes(outcome.body, status: outcome.status, headers: outcome.headers + legacyHeaders)
        case .stream(let stream):
            return eventStream(stream, channel: context.channel, headers: legacyHeaders)
        }
    }

    func record(_ outcome: InvokeOutcome) {
        if let code = outcome.errorCode { services.metrics.recordError(code) } else if outcome.replayed {
            services.metrics.replays.increment()
        } else {
            services.metrics.invocations.increment()
        }
    }

    /// Runs the stream while writing its events. Events pass through an unbounded buffer so a slow
    /// client never stalls the work. When the connection closes, a Hub-operated run is cancelled
    /// and, not having reached its settlement, charges nothing; a provider relay is left to notice
    /// the close itself, stop the provider and settle what it delivered.
    func eventStream(_ stream: InvokeStream, channel: any Channel, headers: [(name: String, value: String)]) -> Response {
        let metrics = services.metrics
        let pool = services.pools.invoke
        var fields = HTTPFields()
        fields[.contentType] = "text/event-stream; charset=utf-8"
        for (name, value) in stream.headers + headers + [("X-Accel-Buffering", "no")] {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: .ok, headers: fields, body: ResponseBody { writer in
            let (events, continuation) = AsyncStream.makeStream(of: ServerSentEvent.self)
            let watch = await ConnectionWatch.install(on: channel)
            let written = WrittenChunks()
            let streamChannel = StreamChannel(send: { continuation.yield($0) }, isConnected: { !watch.isClosed },
                                              disconnected: { await watch.waitForClose() }, chunksWritten: { written.count })
            // Each child says whether it was the run (true) or the watch (false).
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    // The run holds an invoke-pool slot like a synchronous call (its admission released its own).
                    record(await pool.run { await stream.run(streamChannel) })
                    continuation.finish()
                    return true
                }
                group.addTask {
                    if await watch.waitForClose() {
                        metrics.streamDisconnects.increment()
                        continuation.finish()
                    }
                    return false
                }
                for await event in events {
                    do {
                        try await writer.write(ByteBuffer(bytes: event.bytes))
                        if event.name == "chunk" { written.add() }
                    } catch {
                        break
                    }
                }
                if stream.finishesAfterDisconnect {
                    while let wasRun = await group.next(), !wasRun {}
                }
                group.cancelAll()
            }
            await watch.uninstall()
            try await writer.finish(nil)
        })
    }
}

/// Chunk events written to one stream's connection (see `StreamChannel.chunksWritten`).
final class WrittenChunks: Sendable {
    private let written = Atomic<Int>(0)
    var count: Int { written.load(ordering: .relaxed) }
    func add() { written.add(1, ordering: .relaxed) }
}
