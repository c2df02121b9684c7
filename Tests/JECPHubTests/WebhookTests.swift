import Configuration
import Foundation
import JECPHub
import JECPHubCore
import JECPModels
import JECPProviderKit
import JECPTestDNS
import JECPTestPostgres
import Testing

/// Webhooks end to end: subscriptions over HTTP, events written with the changes they report,
/// delivered signed to a receiver on loopback that checks them with the provider kit's verifier.
@Suite("Webhooks")
struct WebhookTests {
    /// Test mode (http and loopback), paid calls from the first one, fast polling, 1 s retries.
    static let settings: [String: ConfigValue] = [
        "jecp.testMode": true, "jecp.freeCalls": 0, "jecp.webhookPollSeconds": 0.1, "jecp.webhookRetryBaseSeconds": 1,
        "jecp.webhookRetryCapSeconds": 2,
    ]

    static func withReceiver(_ overrides: [String: ConfigValue] = [:], backend: StoreBackend = .sqlite,
                             _ body: @Sendable (TestHub, WebhookInbox, String) async throws -> Void) async throws {
        let inbox = WebhookInbox()
        try await WebhookReceiver.serve(inbox) { port in
            try await TestHub.run(settings.merging(overrides) { $1 }, backend: backend) { hub in
                try await body(hub, inbox, "http://127.0.0.1:\(port)/hooks")
            }
        }
    }

    @Test("subscriptions: create shows the secret once, list/get/patch/delete, each owner sees only its own, bad events listed, cap", arguments: StoreBackend.available)
    func crud(backend: StoreBackend) async throws {
        try await Self.withReceiver(["jecp.webhookMaxSubscriptions": 2], backend: backend) { hub, inbox, base in
            let agent = try await hub.register()
            let other = try await hub.register()
            let created = try await hub.post("/v1/subscriptions", json: ["endpoint_url": .string(base + "/a"), "events": ["invocation.completed", "wallet.topped_up"]],
                                             headers: agent.headers)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"]?.stringValue)
            let secret = try #require(created.json["secret"]?.stringValue)
            #expect(id.hasPrefix("jecp_wh_") && secret.hasPrefix("jecp_whsec_"))
            #expect(created.json["status"] == "active" && created.json["consecutive_failures"] == 0 && created.json["last_error"] == .null)
            #expect(created.json["events"] == ["invocation.completed", "wallet.topped_up"])
            if backend == .sqlite {
                // Sealed at rest: neither the database nor its write-ahead log holds the secret.
                let files = [hub.databasePath, hub.databasePath + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }
                #expect(files.contains { $0.range(of: Data(id.utf8)) != nil }, "the subscription row is in these files")
                #expect(files.allSatisfy { $0.range(of: Data(secret.utf8)) == nil })
            }

            let list = try await hub.get("/v1/subscriptions", headers: agent.headers)
            #expect(list.status == 200 && list.json["subscriptions"]?.arrayValue?.count == 1)
            #expect(!list.text.contains(secret))
            let one = try await hub.get("/v1/subscriptions/\(id)", headers: agent.headers)
            #expect(one.status == 200 && one.json["recent_deliveries"] == [] && !one.text.contains(secret))

            // Another agent: not its subscription, and an empty list.
            #expect(try await hub.get("/v1/subscriptions/\(id)", headers: other.headers).errorCode == "SUBSCRIPTION_NOT_FOUND")
            let foreignPatch = try await hub.request(.patch, "/v1/subscriptions/\(id)", body: Array(#"{"status":"paused"}"#.utf8),
                                                     headers: other.headers.merging(["Content-Type": "application/json"]) { $1 })
            #expect(foreignPatch.status == 404 && foreignPatch.errorCode == "SUBSCRIPTION_NOT_FOUND")
            #expect(try await hub.request(.delete, "/v1/subscriptions/\(id)", headers: other.headers).status == 404)
            #expect(try await hub.get("/v1/subscriptions", headers: other.headers).json["subscriptions"] == [])
            #expect(try await hub.get("/v1/subscriptions").status == 401)

            let bad = try await hub.post("/v1/subscriptions", json: ["endpoint_url": .string(base + "/a"), "events": ["invocation.completed", "nope", "webhook.test"]],
                                         headers: agent.headers)
            #expect(bad.status == 400 && bad.errorCode == "VALIDATION_FAILED")
            #expect(Set(bad.details["errors"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []) == ["/events/1", "/events/2"])
            #expect(bad.details["allowed_events"]?.arrayValue?.count == 8)
            let empty = try await hub.post("/v1/subscriptions", json: ["endpoint_url": .string(base + "/a"), "events": []], headers: agent.headers)
            #expect(empty.status == 400 && empty.details["errors"]?[0]?["path"] == "/events")

            let patched = try await hub.request(.patch, "/v1/subscriptions/\(id)", body: Array(#"{"events":["invocation.failed"],"status":"paused"}"#.utf8),
                                                headers: agent.headers.merging(["Content-Type": "application/json"]) { $1 })
            #expect(patched.status == 200 && patched.json["events"] == ["invocation.failed"] && patched.json["status"] == "paused")
            #expect(patched.json["paused_reason"] == .null)
            let badStatus = try await hub.request(.patch, "/v1/subscriptions/\(id)", body: Array(#"{"status":"off"}"#.utf8),
                                                  headers: agent.headers.merging(["Content-Type": "application/json"]) { $1 })
            #expect(badStatus.status == 400 && badStatus.details["errors"]?[0]?["path"] == "/status")

            _ = try await hub.subscribe(base + "/b", events: ["wallet.topped_up"], headers: agent.headers, inbox: inbox, name: "b")
            let third = try await hub.post("/v1/subscriptions", json: ["endpoint_url": .string(base + "/c"), "events": ["wallet.topped_up"]], headers: agent.headers)
            #expect(third.status == 409 && third.errorCode == "SUBSCRIPTION_LIMIT_REACHED" && third.details["limit"] == 2)

            let deleted = try await hub.request(.delete, "/v1/subscriptions/\(id)", headers: agent.headers)
            #expect(deleted.status == 200 && deleted.json["deleted"] == true)
            #expect(try await hub.get("/v1/subscriptions/\(id)", headers: agent.headers).status == 404)
            #expect(try await hub.post("/v1/subscriptions/\(id)/test", json: [:], headers: agent.headers).status == 404)
        }
    }

    @Test("configuration: the low-balance threshold and the webhook policy are read and checked")
    func configuration() throws {
        func read(_ values: [AbsoluteConfigKey: ConfigValue]) throws(HubConfiguration.Invalid) -> HubConfiguration {
            try HubConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: values)))
        }
        let defaults = try read([:])
        #expect(defaults.settings.lowBalanceThreshold == usdc("1") && defaults.webhooks == WebhookPolicy())
        #expect(defaults.webhooks.maximumAttempts == 12 && defaults.webhooks.pauseAfterFailures == 50)
        #expect((1...12).map(defaults.webhooks.retryDelay(afterAttempts:)) == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600, 3600])
        let set = try read(["jecp.lowBalanceThreshold": "0.25", "jecp.webhookMaxAttempts": 3, "jecp.webhookRetryBaseSeconds": 5])
        #expect(set.settings.lowBalanceThreshold == usdc("0.25") && set.webhooks.maximumAttempts == 3 && set.webhooks.retryBaseSeconds == 5)
        for (values, key) in [(["jecp.lowBalanceThreshold": "1.0000001"], "JECP_LOW_BALANCE_THRESHOLD"),
                              (["jecp.lowBalanceThreshold": "-1"], "JECP_LOW_BALANCE_THRESHOLD"),
                              (["jecp.webhookMaxAttempts": 0], "JECP_WEBHOOK_MAX_ATTEMPTS"),
                              (["jecp.webhookRetryBaseSeconds": 100, "jecp.webhookRetryCapSeconds": 10], "JECP_WEBHOOK_RETRY_CAP_SECONDS")]
            as [([AbsoluteConfigKey: ConfigValue], String)] {
            let error = #expect(throws: HubConfiguration.Invalid.self) { try read(values) }
            #expect(error?.description.contains(key) == true, "\(error?.description ?? "")")
        }
    }

    @Test("/openapi.json lists the subscription routes")
    func openAPI() async throws {
        try await TestHub.run { hub in
            let paths = try #require(try await hub.get("/openapi.json").json["paths"])
            #expect(paths["/v1/subscriptions"]?["post"]?["operationId"] == "createSubscription")
            #expect(paths["/v1/subscriptions/{subscription_id}"]?["patch"]?["operationId"] == "updateSubscription")
            #expect(paths["/v1/subscriptions/{subscription_id}/test"]?["post"] != nil)
        }
    }

    @Test("SSRF at subscribe time: 422 URL_BLOCKED_SSRF on webhook_destination_url, credentials redacted")
    func ssrfAtSubscribe() async throws {
        try await Self.withReceiver { hub, _, _ in
            let agent = try await hub.register()
            let metadata = try await hub.post("/v1/subscriptions", json: ["endpoint_url": "http://169.254.169.254/latest", "events": ["wallet.topped_up"]],
                                              headers: agent.headers)
            #expect(metadata.status == 422 && metadata.errorCode == "URL_BLOCKED_SSRF")
            #expect(metadata.details["field"] == "webhook_destination_url" && metadata.details["reason"] == "resolved_to_deny_cidr")
            let private10 = try await hub.post("/v1/subscriptions", json: ["endpoint_url": "http://user:hunter2@10.1.2.3/hook", "events": ["wallet.topped_up"]],
                                               headers: agent.headers)
            #expect(private10.status == 422 && private10.details["blocked_url"] == "http://***@10.1.2.3/hook" && !private10.text.contains("hunter2"))
            let scheme = try await hub.post("/v1/subscriptions", json: ["endpoint_url": "ftp://example.com/x", "events": ["wallet.topped_up"]],
                                            headers: agent.headers)
            #expect(scheme.status == 422 && scheme.details["reason"] == "scheme")
            #expect(try await hub.get("/v1/subscriptions", headers: agent.headers).json["subscriptions"] == [])
        }
    }

    @Test("money events arrive signed, with their data, only to the subscribers of that type and owner", arguments: StoreBackend.available)
    func eventsArriveSigned(backend: StoreBackend) async throws {
        try await Self.withReceiver(["jecp.lowBalanceThreshold": "2"], backend: backend) { hub, inbox, base in
            let agent = try await hub.register()
            let bystander = try await hub.register()
            _ = try await hub.subscribe(base + "/a", events: ["invocation.completed", "invocation.failed", "wallet.topped_up", "wallet.low_balance"],
                                        headers: agent.headers, inbox: inbox, name: "a")
            _ = try await hub.subscribe(base + "/a-topups", events: ["wallet.topped_up"], headers: agent.headers, inbox: inbox, name: "a-topups")
            let bystanderHook = try await hub.subscribe(base + "/b", events: ["invocation.completed", "invocation.failed", "wallet.topped_up", "wallet.low_balance"],
                                                        headers: bystander.headers, inbox: inbox, name: "b")

            try await hub.credit(agent, "6.5")
            let paid = try await hub.invoke(agent, action: "pricey", input: ["text": "x"], id: "paid-1")
            #expect(paid.status == 200, "\(paid.text)")
            let failed = try await hub.invoke(agent, action: "fail", input: ["text": "x"], id: "fails-1")
            #expect(failed.status >= 400)

            let events = await inbox.waitFor("a", count: 4)
            #expect(Set(events.map(\.type)) == ["wallet.topped_up", "invocation.completed", "wallet.low_balance", "invocation.failed"])
            let byType = Dictionary(events.map { ($0.type, $0) }) { first, _ in first }
            let topup = try #require(byType["wallet.topped_up"])
            #expect(topup.data["agent_id"] == .string(agent.id) && topup.data["amount_usdc"]?.money == usdc("6.5"))
            #expect(topup.data["balance_after_usdc"]?.money == usdc("6.5"))
            let completed = try #require(byType["invocation.completed"])
            #expect(completed.data["request_id"] == "paid-1" && completed.data["cost_usdc"]?.money == usdc("5"))
            #expect(completed.data["balance_after_usdc"]?.money == usdc("1.5") && completed.data["action"] == "pricey")
            #expect(completed.data["capability"]?.stringValue?.contains("test-kit") == true)
            let low = try #require(byType["wallet.low_balance"])
            #expect(low.data["balance_usdc"]?.money == usdc("1.5") && low.data["threshold_usdc"]?.money == usdc("2"))
            let failure = try #require(byType["invocation.failed"])
            #expect(failure.data["request_id"] == "fails-1" && failure.data["error_code"] == .string(failed.errorCode ?? "?"))
            #expect(failure.data["http_status"] == .number(JSONNumber(failed.status)) && failure.data["cost_usdc"]?.money == .zero)
            #expect(failure.data["action"] == "fail")

            // Headers name the event; the body is the stored event exactly.
            for received in await inbox.received where received.name == "a" {
                #expect(received.headers["x-jecp-webhook-id"] == received.event.id && received.headers["x-jecp-webhook-event"] == received.event.type)
                #expect(received.headers["content-type"] == "application/json" && received.event.id.hasPrefix("jecp_ev_"))
                let json = try JSONValue(parsing: received.body)
                #expect(json["id"] == .string(received.event.id) && json["created_at"]?.stringValue != nil)
            }
            #expect(await inbox.waitFor("a-topups", count: 1).map(\.type) == ["wallet.topped_up"])

            // The bystander hears only its own test event (sent last, so everything else had its chance).
            #expect(try await hub.post("/v1/subscriptions/\(bystanderHook)/test", json: [:], headers: bystander.headers).status == 202)
            #expect(await inbox.waitFor("b", count: 1).map(\.type) == ["webhook.test"])
            try await Task.sleep(for: .milliseconds(300))
            let counts = await (inbox.events("b").count, inbox.events("a-topups").count, inbox.events("a").count)
            #expect(counts == (1, 1, 4))
            #expect(await inbox.unverified == 0)
        }
    }

    @Test("no event for a change that did not happen: a refused charge writes no invocation.completed")
    func noEventForRolledBackChange() async throws {
        try await Self.withReceiver { hub, inbox, base in
            let agent = try await hub.register()
            let hook = try await hub.subscribe(base + "/a", events: ["invocation.completed", "wallet.low_balance"], headers: agent.headers, inbox: inbox, name: "a")
            let broke = try await hub.invoke(agent, action: "echo", input: ["text": "x"])
            #expect(broke.status == 402, "\(broke.text)")
            #expect(try await hub.post("/v1/subscriptions/\(hook)/test", json: [:], headers: agent.headers).status == 202)
            #expect(await inbox.waitFor("a", count: 1).map(\.type) == ["webhook.test"])
            try await Task.sleep(for: .milliseconds(300))
            #expect(await inbox.events("a").map(\.type) == ["webhook.test"])
        }
    }

    @Test("a failing receiver is retried with backoff until it answers 2xx; the streak resets", arguments: StoreBackend.available)
    func retriesThenSucceeds(backend: StoreBackend) async throws {
        try await Self.withReceiver(backend: backend) { hub, inbox, base in
            let agent = try await hub.register()
            let hook = try await hub.subscribe(base + "/a", events: ["wallet.topped_up"], headers: agent.headers, inbox: inbox, name: "a")
            await inbox.failNext(2)
            let started = Date()
            try await hub.credit(agent, "1")
            let events = await inbox.waitFor("a", count: 1, seconds: 20)
            #expect(events.map(\.type) == ["wallet.topped_up"])
            #expect(Date().timeIntervalSince(started) >= 2, "two failures wait 1 s, then 2 s")
            #expect(await inbox.hits == 3)
            let subscription = try await hub.subscription(hook, headers: agent.headers) {
                $0["recent_deliveries"]?[0]?["status"] == "delivered" && $0["last_success_at"]?.stringValue != nil
            }
            #expect(subscription["consecutive_failures"] == 0 && subscription["last_success_at"]?.stringValue != nil)
            #expect(subscription["last_error"] == "http_500" && subscription["status"] == "active")
            #expect(subscription["recent_deliveries"]?[0]?["attempts"] == 3 && subscription["recent_deliveries"]?[0]?["event_id"] == .string(events[0].id))
            let metrics = try await hub.get("/metrics").text
            #expect(metrics.contains(#"jecp_webhook_attempts_total{outcome="retry"} 2"#) && metrics.contains(#"jecp_webhook_attempts_total{outcome="delivered"} 1"#),
                    "\(metrics.split(separator: "\n").filter { $0.contains("webhook") })")
        }
    }

    @Test("after the last attempt a delivery is abandoned with its reason; failures in a row pause the subscription; paused deliveries wait",
          arguments: StoreBackend.available)
    func abandonsAndPauses(backend: StoreBackend) async throws {
        try await Self.withReceiver(["jecp.webhookMaxAttempts": 3, "jecp.webhookPauseAfterFailures": 3, "jecp.webhookRetryCapSeconds": 1],
                                    backend: backend) { hub, inbox, base in
            let agent = try await hub.register()
            let hook = try await hub.subscribe(base + "/a", events: ["wallet.topped_up"], headers: agent.headers, inbox: inbox, name: "a")
            await inbox.setStatus(500)
            try await hub.credit(agent, "1")
            let paused = try await hub.subscription(hook, headers: agent.headers) {
                $0["status"] == "paused" && $0["recent_deliveries"]?[0]?["status"] == "abandoned"
            }
            #expect(paused["status"] == "paused" && paused["consecutive_failures"] == 3)
            #expect(paused["last_error"] == "max_attempts: 3 attempts failed; last: http_500")
            #expect(paused["paused_reason"]?.stringValue?.hasPrefix("consecutive_failures: 3") == true)
            let delivery = paused["recent_deliveries"]?[0]
            #expect(delivery?["status"] == "abandoned" && delivery?["attempts"] == 3)
            #expect(delivery?["last_error"]?.stringValue?.hasPrefix("max_attempts: 3 attempts failed") == true)
            #expect(await inbox.hits == 3)

            // Paused: a test event waits, and is delivered once the owner resumes.
            await inbox.setStatus(200)
            #expect(try await hub.post("/v1/subscriptions/\(hook)/test", json: [:], headers: agent.headers).json["status"] == "pending")
            try await Task.sleep(for: .milliseconds(800))
            #expect(await inbox.hits == 3)
            let resumed = try await hub.request(.patch, "/v1/subscriptions/\(hook)", body: Array(#"{"status":"active"}"#.utf8),
                                                headers: agent.headers.merging(["Content-Type": "application/json"]) { $1 })
            #expect(resumed.json["status"] == "active" && resumed.json["consecutive_failures"] == 0 && resumed.json["paused_reason"] == .null)
            #expect(await inbox.waitFor("a", count: 1).map(\.type) == ["webhook.test"])
        }
    }

    @Test("deleting a subscription abandons its pending deliveries (subscription_deleted)")
    func deleteAbandonsPending() async throws {
        try await Self.withReceiver { hub, inbox, base in
            let agent = try await hub.register()
            let hook = try await hub.subscribe(base + "/a", events: ["wallet.topped_up"], headers: agent.headers, inbox: inbox, name: "a")
            _ = try await hub.request(.patch, "/v1/subscriptions/\(hook)", body: Array(#"{"status":"paused"}"#.utf8),
                                      headers: agent.headers.merging(["Content-Type": "application/json"]) { $1 })
            #expect(try await hub.post("/v1/subscriptions/\(hook)/test", json: [:], headers: agent.headers).status == 202)
            #expect(try await hub.request(.delete, "/v1/subscriptions/\(hook)", headers: agent.headers).status == 200)
            try await Task.sleep(for: .milliseconds(500))
            #expect(await inbox.hits == 0)
        }
    }

    @Test("SSRF at delivery: a name that rebinds to a private address is abandoned with the reason; the receiver is never hit")
    func ssrfAtDelivery() async throws {
        let dns = TestDNSServer()
        _ = try await dns.start()
        let server = await dns.server
        let inbox = WebhookInbox()
        try await WebhookReceiver.serve(inbox) { port in
            var settings = Self.settings
            settings["jecp.dnsServers"] = .init(.string("\(server.host):\(server.port)"), isSecret: false)
            settings["jecp.dnsTimeoutSeconds"] = 20.0
            try await TestHub.run(settings) { hub in
                await dns.set("hooks.test", [.a("127.0.0.1")])
                let agent = try await hub.register()
                let hook = try await hub.subscribe("http://hooks.test:\(port)/hooks/a", events: ["wallet.topped_up"], headers: agent.headers, inbox: inbox, name: "a")
                #expect(try await hub.post("/v1/subscriptions/\(hook)/test", json: [:], headers: agent.headers).status == 202)
                #expect(await inbox.waitFor("a", count: 1).count == 1)

                await dns.set("hooks.test", [.a("10.0.0.7")])
                try await hub.credit(agent, "1")
                func topup(_ json: JSONValue) -> JSONValue? { json["recent_deliveries"]?.arrayValue?.first { $0["type"] == "wallet.topped_up" } }
                // The subscription and its deliveries are two reads: wait until both show the outcome.
                let blocked = try await hub.subscription(hook, headers: agent.headers) {
                    topup($0)?["status"] == "abandoned" && $0["consecutive_failures"] == 1
                }
                let delivery = topup(blocked)
                #expect(delivery?["status"] == "abandoned" && delivery?["attempts"] == 1, "\(blocked)")
                #expect(delivery?["last_error"]?.stringValue?.hasPrefix("url_blocked_ssrf: resolved_to_deny_cidr") == true)
                #expect(blocked["last_error"]?.stringValue?.contains("10.0.0.7") == true && blocked["consecutive_failures"] == 1)
                #expect(await inbox.hits == 1)
            }
        }
        await dns.stop()
    }

    @Test("a provider subscribes with its key: it hears invocation.completed and invocation.failed for its capability, and sees only its own")
    func providerSubscription() async throws {
        let dns = TestDNSServer()
        _ = try await dns.start()
        let inbox = WebhookInbox()
        try await WebhookReceiver.serve(inbox) { receiverPort in
            let settings = await TestHub.providerSettings(dns: dns).merging(Self.settings) { $1 }
            try await TestHub.run(settings) { hub in
                let provider = try await hub.registerProvider("flaky", host: "flaky.test", dns: dns)
                try await hub.proveDomain(provider, host: "flaky.test", dns: dns)
                try await TestProviders.serve(ProviderForwardingTests.flakyProvider(secret: provider.secret)) { port in
                    let published = try await hub.publish(provider, manifest: ProviderForwardingTests.flakyManifest(endpoint: "http://flaky.test:\(port)/jecp").serialized())
                    try #require(published.status == 201, "\(published.text)")
                    let hook = try await hub.subscribe("http://127.0.0.1:\(receiverPort)/hooks/p", events: ["invocation.completed", "invocation.failed"],
                                                       headers: provider.bearer, inbox: inbox, name: "p")
                    let agent = try await hub.register()
                    try await hub.credit(agent, "1")
                    #expect(try await hub.get("/v1/subscriptions/\(hook)", headers: agent.headers).status == 404)
                    #expect(try await hub.get("/v1/subscriptions", headers: provider.bearer).json["subscriptions"]?[0]?["owner_kind"] == "provider")
                    #expect(try await hub.invoke(agent, capability: "flaky/tools", action: "ok-action", input: [:], id: "ok-1").status == 200)
                    #expect(try await hub.invoke(agent, capability: "flaky/tools", action: "fails-action", input: [:], id: "bad-1").status == 502)
                    // A Hub capability's events are not the provider's.
                    #expect(try await hub.invoke(agent, action: "echo", input: ["text": "x"]).status == 200)
                    let events = await inbox.waitFor("p", count: 2)
                    let byType = Dictionary(events.map { ($0.type, $0) }) { first, _ in first }
                    #expect(byType["invocation.completed"]?.data["capability"] == "flaky/tools" && byType["invocation.completed"]?.data["request_id"] == "ok-1")
                    #expect(byType["invocation.failed"]?.data["error_code"] == "PROVIDER_ERROR" && byType["invocation.failed"]?.data["request_id"] == "bad-1")
                    try await Task.sleep(for: .milliseconds(300))
                    #expect(await inbox.events("p").count == 2)
                }
            }
        }
        await dns.stop()
    }
}

/// An exact amount for assertions.
private func usdc(_ text: String) -> Money { try! Money(decimal: text) }
