import Hummingbird
import JECPModels
import Logging

extension JECPProvider {
    /// Runs the handler beside the body writer: the handler's events travel through an ``EventSink``
    /// and each is written to the connection as it comes, never collected until the end. Both sides
    /// live in one task group, so the handler never outlives the response.
    static func streamingBody(_ request: ActionRequest, _ handler: @escaping StreamingHandler) -> ResponseBody {
        ResponseBody { writer in
            let sink = EventSink()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await runStream(request, handler, StreamWriter(sink: sink))
                    sink.finish()
                }
                var failure: (any Error)?
                for await event in sink.events {
                    guard failure == nil else {
                        event.written.resume(throwing: CancellationError())
                        continue
                    }
                    do {
                        try await writer.write(event.frame)
                        event.written.resume()
                    } catch {
                        // The Hub went away: stop the handler; events already queued are failed above.
                        failure = error
                        event.written.resume(throwing: CancellationError())
                        sink.finish()
                        group.cancelAll()
                    }
                }
                try await group.waitForAll()
                if let failure { throw failure }
            }
            try await writer.finish(nil)
        }
    }

    /// Exactly one terminal event: `completed` with the result, or `error`.
    static func runStream(_ request: ActionRequest, _ handler: StreamingHandler, _ writer: StreamWriter) async {
        let terminal: (event: String, data: JSONValue)
        do {
            let result = try await handler(request, writer)
            terminal = ("completed", ["result": result])
        } catch {
            if Task.isCancelled, !(error is ProviderError) {
                request.logger.debug("stream stopped: the Hub closed the connection")
                return
            }
            let failure = agentFacing(error, logger: request.logger)
            terminal = ("error", ["code": .string(failure.code), "message": .string(failure.message)])
        }
        try? await writer.send(event: terminal.event, data: terminal.data)
    }
}
