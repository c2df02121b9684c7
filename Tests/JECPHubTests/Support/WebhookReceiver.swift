import Foundation
import Hummingbird
import JECPModels
import JECPProviderKit
import Testing

/// A webhook receiver on 127.0.0.1: `POST /hooks/{name}` is checked with the provider kit's
/// verifier against the secret registered for `name`, and counted. It answers `status` (200 by
/// default) or, while `failuresLeft` > 0, 500.
actor WebhookInbox {
    struct Received: Sendable {
        let name: String
        let event: WebhookEvent
        let body: [UInt8]
        let headers: [String: String]
    }

    private(set) var received: [Received] = []
    /// Posts that arrived at all (verified or not).
    private(set) var hits = 0
    private(set) var unverified = 0
    private var secrets: [String: String] = [:]
    var status = 200
    var failuresLeft = 0

    func setSecret(_ secret: String, for name: String) { secrets[name] = secret }
    func setStatus(_ status: Int) { self.status = status }
    func failNext(_ count: Int) { failuresLeft = count }

    func handle(name: String, body: [UInt8], headers: [String: String]) -> Int {
        hits += 1
        guard let secret = secrets[name],
              let event = try? JECPProvider.verifyWebhook(body: body, signature: headers["x-jecp-webhook-signature"],
                                                         timestamp: headers["x-jecp-webhook-timestamp"], secret: secret)
        else {
            unverified += 1
            return 401
        }
        if failuresLeft > 0 {
            failuresLeft -= 1
            return 500
        }
        guard (200..<300).contains(status) else { return status }
        received.append(Received(name: name, event: event, body: body, headers: headers))
        return status
    }

    func events(_ name: String) -> [WebhookEvent] { received.filter { $0.name == name }.map(\.event) }

    /// Waits until `name` has received `count` events (or the deadline passes) and returns them.
    func waitFor(_ name: String, count: Int, seconds: Double = 15) async -> [WebhookEvent] {
        let deadline = Date().addingTimeInterval(seconds)
        while events(name).count < count, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return events(name)
    }

    /// Waits for `count` different events (an at-least-once repeat does not count twice).
    func waitForDistinct(_ name: String, count: Int, seconds: Double = 15) async -> [WebhookEvent] {
        let deadline = Date().addingTimeInterval(seconds)
        while Set(events(name).map(\.id)).count < count, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return events(name)
    }
}

enum WebhookReceiver {
    /// Serves `inbox` on a free loopback port for the length of `body`.
    static func serve<T: Sendable>(_ inbox: WebhookInbox, port: Int = 0, _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hooks/:name") { request, context -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 1024 * 1024)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = await inbox.handle(name: try context.parameters.require("name"), body: Array(buffer: buffer), headers: headers)
            return Response(status: .init(code: status))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            let bound = try #require(await iterator.next())
            defer { group.cancelAll() }
            return try await body(bound)
        }
    }
}

extension TestHub {
    /// Subscribes `url` for `headers`' owner and registers the secret with `inbox` under `name`.
    func subscribe(_ url: String, events: [String], headers: [String: String], inbox: WebhookInbox, name: String) async throws -> String {
        let response = try await post("/v1/subscriptions", json: ["endpoint_url": .string(url), "events": .array(events.map(JSONValue.string))],
                                      headers: headers)
        try #require(response.status == 201, "subscribe failed: \(response.text)")
        await inbox.setSecret(try #require(response.json["secret"]?.stringValue), for: name)
        return try #require(response.json["id"]?.stringValue)
    }

    /// The subscription as its owner sees it, polled until `until` holds (or a deadline passes).
    func subscription(_ id: String, headers: [String: String], until: (JSONValue) -> Bool = { _ in true }, seconds: Double = 20) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        var json = JSONValue.null
        repeat {
            json = try await get("/v1/subscriptions/\(id)", headers: headers).json
            if until(json) { return json }
            try await Task.sleep(for: .milliseconds(100))
        } while Date() < deadline
        return json
    }
}
