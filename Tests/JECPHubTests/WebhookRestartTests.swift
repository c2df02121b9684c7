import Foundation
import JECPTestProcess
import JECPModels
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The outbox survives the process: the real `jecp-hub` is killed (SIGKILL) while its receiver is
/// down, and a new process on the same SQLite file delivers every event written before.
@Suite("Webhook delivery across a restart")
struct WebhookRestartTests {
    static let adminToken = "restart-admin-token-0123456789"

    static func start(directory: String) async throws -> (ChildProcess, Int) {
        let environment = [
            "HTTP_PORT": "0", "DB_SQLITE_PATH": directory + "/hub.sqlite", "LOG_LEVEL": "info", "JECP_ADMIN_TOKEN": adminToken,
            "JECP_TEST_MODE": "true", "JECP_WEBHOOK_POLL_SECONDS": "0.1", "JECP_WEBHOOK_RETRY_BASE_SECONDS": "1",
            "JECP_WEBHOOK_RETRY_CAP_SECONDS": "1", "JECP_WEBHOOK_TIMEOUT_SECONDS": "2",
        ]
        let (process, output) = try HubProcessTests.run([], environment: environment)
        var port: Int?
        for _ in 0..<400 where port == nil {
            try await Task.sleep(for: .milliseconds(50))
            if let line = output.value.split(separator: "\n").first(where: { $0.contains("JECP Hub listening on http://127.0.0.1:") }) {
                port = Int(line.split(separator: ":").last ?? "")
            }
        }
        return (process, try #require(port, "the Hub did not start: \(output.value)"))
    }

    static func send(_ method: String, _ url: String, json: JSONValue, headers: [String: String] = [:]) async throws -> (Int, JSONValue) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(json.serialized())
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONValue(parsing: Array(data))) ?? .null)
    }

    @Test("events written before a kill -9 are delivered by the next process: none lost, repeats only with the same event id and bytes")
    func nothingLostAcrossARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-webhook-restart-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inbox = WebhookInbox()
        try await WebhookReceiver.serve(inbox) { receiverPort in
            var (process, port) = try await Self.start(directory: directory)
            defer { if process.isRunning { process.terminate() } }
            var hub = "http://127.0.0.1:\(port)"
            let (registered, agent) = try await Self.send("POST", hub + "/api/agent/register", json: ["name": "restart-agent"])
            try #require(registered == 201)
            let agentID = try #require(agent["agent_id"]?.stringValue)
            let headers = ["X-Agent-ID": agentID, "X-API-Key": try #require(agent["api_key"]?.stringValue)]
            let (subscribed, subscription) = try await Self.send("POST", hub + "/v1/subscriptions", json: [
                "endpoint_url": .string("http://127.0.0.1:\(receiverPort)/hooks/r"), "events": ["wallet.topped_up"],
            ], headers: headers)
            try #require(subscribed == 201, "\(subscription)")
            await inbox.setSecret(try #require(subscription["secret"]?.stringValue), for: "r")

            func credit(_ n: Int) async throws {
                let (status, _) = try await Self.send("POST", hub + "/admin/v1/agents/\(agentID)/credit",
                                                      json: ["amount_usdc": 1, "reason": "restart test", "idempotency_key": .string("restart-\(n)")],
                                                      headers: ["Authorization": "Bearer \(Self.adminToken)"])
                #expect(status == 201 || status == 200)
            }
            for n in 1...2 { try await credit(n) }
            // Distinct events: on a loaded machine a slow answer can time out and be delivered again.
            #expect(Set(await inbox.waitForDistinct("r", count: 2, seconds: 30).map(\.id)).count == 2)

            // The receiver goes down; three more events fail their first attempts; the Hub dies.
            await inbox.setStatus(503)
            let hitsBefore = await inbox.hits
            for n in 3...5 { try await credit(n) }
            let deadline = Date().addingTimeInterval(20)
            while await inbox.hits < hitsBefore + 3, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(await inbox.hits >= hitsBefore + 3)
            kill(process.processIdentifier, SIGKILL)
            #expect(await HubProcessTests.waitForExit(process))

            await inbox.setStatus(200)
            (process, port) = try await Self.start(directory: directory)
            hub = "http://127.0.0.1:\(port)"
            // An attempt in flight when the process died is leased for 2 × timeout + 5 s: then it is posted again.
            let events = await inbox.waitForDistinct("r", count: 5, seconds: 45)
            let received = await inbox.received
            #expect(Set(events.map(\.id)).count == 5, "\(events.map(\.id))")
            #expect(events.allSatisfy { $0.type == "wallet.topped_up" } && events.count >= 5)
            // At-least-once: a repeat carries the same id and the same bytes.
            for (id, copies) in Dictionary(grouping: received, by: \.event.id) {
                #expect(Set(copies.map(\.body)).count == 1, "event \(id) changed between deliveries")
            }
            #expect(Set(events.compactMap { $0.data["idempotency_key"]?.stringValue ?? $0.data["transaction_id"]?.stringValue }).count == 5)
            #expect(await inbox.unverified == 0)
            process.terminate()
            #expect(await HubProcessTests.waitForExit(process))
        }
    }
}
