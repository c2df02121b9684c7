import Foundation
import Hummingbird
import JECPClient
import JECPModels
import Synchronization
import Testing

/// Webhook subscriptions through the SDK, and `JECPClient.verifyWebhook` on what the Hub posts.
@Suite struct SubscriptionTests {
    @Test func subscriptionCallsAreNeverRetried() async throws {
        let transport = FakeTransport([Fixtures.error(503, "SERVICE_DEGRADED"), Fixtures.error(503, "SERVICE_DEGRADED")])
        let client = Fixtures.client(transport)
        await #expect(throws: JECPError.self) { _ = try await client.createSubscription(endpointURL: "https://hooks.example/x", events: ["wallet.topped_up"]) }
        #expect(transport.requests.count == 1)
        #expect(transport.bodies.first == ["endpoint_url": "https://hooks.example/x", "events": ["wallet.topped_up"]])
        await #expect(throws: JECPError.self) { _ = try await client.subscriptions() }
        #expect(transport.requests.count == 2)
    }

    @Test func verifyWebhookChecksSignatureTimestampAndShape() throws {
        let body = Array(#"{"created_at":"2030-03-17T17:46:40Z","data":{"agent_id":"a"},"id":"jecp_ev_1","type":"wallet.topped_up"}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        let signature = HubSignature.sign(secret: "whsec", timestamp: 1_900_000_000, body: body)
        let event = try JECPClient.verifyWebhook(body: body, signature: signature, timestamp: "1900000000", secret: "whsec", now: now)
        #expect(event.id == "jecp_ev_1" && event.type == "wallet.topped_up" && event.data["agent_id"] == "a" && event.createdAt == 1_900_000_000)
        #expect(throws: WebhookEvent.VerificationError.badSignature) {
            try JECPClient.verifyWebhook(body: body + [0x20], signature: signature, timestamp: "1900000000", secret: "whsec", now: now)
        }
        #expect(throws: WebhookEvent.VerificationError.staleOrMalformedTimestamp) {
            try JECPClient.verifyWebhook(body: body, signature: signature, timestamp: "1900000000", secret: "whsec", now: now.addingTimeInterval(301))
        }
        #expect(throws: WebhookEvent.VerificationError.missingHeaders) {
            try JECPClient.verifyWebhook(body: body, signature: nil, timestamp: "1900000000", secret: "whsec", now: now)
        }
        let notAnEvent = Array("[1]".utf8)
        #expect(throws: WebhookEvent.VerificationError.malformedBody) {
            try JECPClient.verifyWebhook(body: notAnEvent, signature: HubSignature.sign(secret: "whsec", timestamp: 1_900_000_000, body: notAnEvent),
                                         timestamp: "1900000000", secret: "whsec", now: now)
        }
    }

    @Test func subscribeTestAndVerifyEndToEnd() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: WebhookEvent.self)
        let secretBox = SecretHolder()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            do {
                let event = try JECPClient.verifyWebhook(body: Array(buffer: body), signature: headers["x-jecp-webhook-signature"],
                                                         timestamp: headers["x-jecp-webhook-timestamp"], secret: secretBox.value)
                continuation.yield(event)
                return Response(status: .noContent)
            } catch {
                return Response(status: .unauthorized)
            }
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                   onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await receiver.run() }
            defer { group.cancelAll() }
            var portIterator = ports.makeAsyncIterator()
            let port = try #require(await portIterator.next())
            try await LiveHub.run(settings: ["jecp.testMode": true, "jecp.webhookPollSeconds": 0.1]) { hub in
                let registration = try await JECPClient.register(hub: hub, name: "sdk-webhooks-\(UUID().uuidString.prefix(6))")
                let client = JECPClient(configuration: JECPClientConfiguration(baseURL: hub, agentID: registration.agentID, apiKey: registration.apiKey))
                let created = try await client.createSubscription(endpointURL: "http://127.0.0.1:\(port)/hook", events: ["wallet.topped_up"])
                let secret = try #require(created.secret)
                secretBox.set(secret)
                #expect(created.status == "active" && created.events == ["wallet.topped_up"])
                #expect(try await client.subscriptions().map(\.id) == [created.id])
                #expect(try await client.subscription(id: created.id).secret == nil)

                let test = try await client.testSubscription(id: created.id)
                var iterator = events.makeAsyncIterator()
                let received = try #require(await iterator.next())
                #expect(received.id == test.eventID && received.type == "webhook.test" && received.data["subscription_id"] == .string(created.id))

                let updated = try await client.updateSubscription(id: created.id, events: ["wallet.topped_up", "invocation.failed"], status: "paused")
                #expect(updated.status == "paused" && updated.events == ["invocation.failed", "wallet.topped_up"])
                try await client.deleteSubscription(id: created.id)
                await #expect(throws: JECPError.self) { _ = try await client.subscription(id: created.id) }
                try await client.shutdown()
            }
        }
    }
}

/// The secret, set once the subscription exists, read by the receiver's handler.
final class SecretHolder: Sendable {
    private let storage = Mutex("")
    func set(_ value: String) { storage.withLock { $0 = value } }
    var value: String { storage.withLock { $0 } }
}
