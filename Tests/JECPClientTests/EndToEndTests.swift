import Foundation
@testable import JECPClient
import JECPModels
import Testing

/// The SDK on its default async-http-client transport against the real Hub on a loopback port.
@Suite struct EndToEndTests {
    struct TextInput: Codable, Sendable {
        let text: String
    }

    struct TextStats: Decodable, Sendable {
        let sentences: Int
    }

    static func withClient(_ base: String, _ registration: Registration, retry: RetryPolicy = .default,
                           environment: ClientEnvironment = .live, _ body: (JECPClient) async throws -> Void) async throws {
        let client = JECPClient(configuration: JECPClientConfiguration(baseURL: base, agentID: registration.agentID, apiKey: registration.apiKey,
                                                                       retryPolicy: retry), environment: environment)
        do {
            try await body(client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test func registerInvokePayReplayRotate() async throws {
        try await LiveHub.run(freeCalls: 2) { base in
            let guide = try await JECPClient.discover(hub: base)
            #expect(guide.hubName != nil)
            #expect(guide.registrationURL?.hasSuffix("/api/agent/register") == true)

            let registration = try await JECPClient.register(hub: base, name: "sdk-e2e-\(UUID().uuidString.prefix(8))", agentType: "automation")
            #expect(registration.freeCalls == 2)
            let duplicate = try #require(await failure {
                try await JECPClient.register(hub: base, name: registration.raw["name"]?.stringValue ?? "")
            })
            #expect(duplicate.code == .agentNameTaken)
            #expect(duplicate.status == 409)

            try await Self.withClient(base, registration) { client in
                var ids: [String] = []
                var names: [String] = []
                for try await summary in client.catalog(pageSize: 2) {
                    ids.append(summary["id"]?.stringValue ?? "")
                    names.append(summary["name"]?.stringValue ?? "")
                }
                #expect(names.contains("content-factory") && names.contains("sdk-kit"), "\(names)")
                #expect(ids.count > 2 && Set(ids).count == ids.count)
                let detail = try await client.capability(id: "content-factory")
                #expect(detail["actions"] != nil)
                let unknown = try #require(await failure { try await client.capability(id: "no-such-thing") })
                #expect(unknown.code == .capabilityNotFound)

                // Two free calls, typed input and output.
                let text = TextInput(text: "One sentence here. And another one.")
                for remaining in [1, 0] {
                    let result = try await client.invoke("content-factory", "text-stats", input: text, as: TextStats.self)
                    #expect(result.output.sentences == 2)
                    #expect(result.billing.method == "free_call")
                    #expect(result.billing.freeCallsRemaining == remaining)
                    #expect(result.rateLimit != nil)
                    #expect(!result.replayed)
                }

                // No free calls left and an empty wallet: PAYMENT_REQUIRED with a top-up next action.
                let payment = try #require(await failure {
                    try await client.invoke("content-factory", "text-stats", input: text, as: TextStats.self)
                })
                #expect(payment.code == .paymentRequired)
                #expect(payment.status == 402)
                #expect(payment.nextAction?.type == "topup")
                #expect(payment.topupURL?.hasSuffix("/api/agent/topup") == true)
                #expect(payment.documentationURL?.hasSuffix("/errors/payment_required") == true)

                // This Hub has no Stripe keys: a 503 TOPUP_NOT_ENABLED, as a typed error.
                let topup = try #require(await failure { try await client.topup(amount: 5) })
                #expect(topup.code == .topupNotEnabled)
                #expect(topup.status == 503)

                try await LiveHub.credit(base, agentID: registration.agentID, amount: "1.00")
                let paid = try await client.invoke("content-factory", "text-stats", input: ["text": "Paid now."],
                                                   options: InvokeOptions(requestID: "req-sdk-e2e-paid"))
                #expect(paid.billing.method == "wallet")
                #expect(!paid.replayed)
                let price = paid.billing.cost
                #expect(price > .zero)
                #expect(paid.billing.balanceAfter == Money(units: 1) - price)

                let replay = try await client.invoke("content-factory", "text-stats", input: ["text": "Paid now."],
                                                     options: InvokeOptions(requestID: "req-sdk-e2e-paid"))
                #expect(replay.replayed)
                #expect(replay.output == paid.output)
                #expect(replay.billing.transactionID == paid.billing.transactionID)
                let profile = try await client.me()
                #expect(profile.balance == Money(units: 1) - price)
                #expect(profile.agentID == registration.agentID)
                #expect(profile.freeCallsRemaining == 0)

                // A mandate with budget, expiry and a fresh provenance hash per call.
                let mandate = MandateOptions(budget: Money(units: 1), expiresIn: .seconds(300))
                let first = try await client.invoke("content-factory", "text-stats", input: ["text": "With a mandate."], options: InvokeOptions(mandate: mandate))
                let second = try await client.invoke("content-factory", "text-stats", input: ["text": "With a mandate."], options: InvokeOptions(mandate: mandate))
                #expect(first.requestID != second.requestID)
                let stingy = try #require(await failure {
                    try await client.invoke("content-factory", "text-stats", input: ["text": "x"],
                                            options: InvokeOptions(mandate: MandateOptions(budget: Money(micros: 1))))
                })
                #expect(stingy.code == .insufficientBudget)
                let expired = try #require(await failure {
                    try await client.invoke("content-factory", "text-stats", input: ["text": "x"],
                                            options: InvokeOptions(mandate: MandateOptions(expiresAt: Date(timeIntervalSinceNow: -60))))
                })
                #expect(expired.code == .mandateExpired)
                let renewed = try await client.invoke("content-factory", "text-stats", input: ["text": "Renewed."], options: InvokeOptions(
                    mandate: MandateOptions(expiresAt: Date(timeIntervalSinceNow: -60)),
                    recovery: RecoveryOptions(renewMandate: { _ in MandateOptions(expiresIn: .seconds(120)) })))
                #expect(renewed.billing.cost == price)

                let deprecated = try await client.invoke("sdk-kit", "sunsetting", input: [:])
                #expect(deprecated.deprecation?.sunset != nil)
                #expect(deprecated.deprecation?.successor?.hasSuffix("/v1/capabilities/sdk-kit") == true)

                let page = try await client.transactions(limit: 2)
                #expect(page.transactions.count == 2)
                #expect(page.nextCursor != nil)
                let next = try await client.transactions(cursor: page.nextCursor, limit: 2)
                #expect(!next.transactions.isEmpty)

                let hubDate = try #require(try await client.hubDate())
                #expect(abs(hubDate.timeIntervalSinceNow) < 60)

                let oldKey = client.apiKey
                let rotation = try await client.rotateKey(graceSeconds: 60, revokeOld: true)
                #expect(client.apiKey == rotation.apiKey && rotation.apiKey != oldKey)
                #expect(try await client.me().agentID == registration.agentID)
                let stale = JECPClient(configuration: .init(baseURL: base, agentID: registration.agentID, apiKey: oldKey), transport: client.requester.transport)
                #expect(try #require(await failure { try await stale.me() }).code == .invalidAPIKey)
            }
        }
    }

    @Test func insufficientTrustExposesFallbacks() async throws {
        try await LiveHub.run { base in
            let registration = try await JECPClient.register(hub: base, name: "sdk-trust-\(UUID().uuidString.prefix(8))")
            try await Self.withClient(base, registration) { client in
                let error = try #require(await failure {
                    try await client.invoke("data-insight", "forecast", input: ["series": [1, 2, 3, 4, 5, 6], "horizon": 2])
                })
                #expect(error.code == .insufficientTrust)
                #expect(error.fallbackCapabilities.contains("content-factory"))
            }
        }
    }

    /// The `wait` helper against the Hub's real 429: one call a minute, so the helper really sleeps
    /// the Hub's Retry-After (about 60 s) and the same request then succeeds.
    @Test(.timeLimit(.minutes(3)))
    func rateLimitIsRecoveredByTheWaitHelper() async throws {
        try await LiveHub.run { base in
            let registration = try await JECPClient.register(hub: base, name: "sdk-limit-\(UUID().uuidString.prefix(8))")
            try await LiveHub.credit(base, agentID: registration.agentID, amount: "1.00")
            let sleeps = DurationLog()
            var environment = ClientEnvironment.live
            environment.sleep = { duration in
                sleeps.append(duration)
                try await Task.sleep(for: duration)
            }
            let policy = RetryPolicy(maxAttempts: 1, maxRetryAfter: .seconds(75))
            try await Self.withClient(base, registration, retry: policy, environment: environment) { client in
                _ = try await client.invoke("sdk-kit", "limited", input: ["n": 1])
                let limited = try #require(await failure { try await client.invoke("sdk-kit", "limited", input: ["n": 2]) })
                #expect(limited.code == .rateLimited)
                #expect(limited.status == 429)
                let retryAfter = try #require(limited.retryAfter)
                #expect(retryAfter > .zero && retryAfter <= .seconds(60))
                guard case .wait(let seconds?) = limited.nextAction else { Issue.record("expected next_action wait"); return }
                #expect(seconds >= 1 && seconds <= 60)
                #expect(sleeps.values.isEmpty)

                let recovered = try await client.invoke("sdk-kit", "limited", input: ["n": 3],
                                                        options: InvokeOptions(recovery: RecoveryOptions(wait: true)))
                #expect(recovered.output["action"] == "limited")
                let waited = sleeps.values
                #expect(waited.count == 1)
                #expect((waited.first ?? .zero) >= .seconds(1) && (waited.first ?? .zero) <= .seconds(60))
            }
        }
    }

    @Test func forecastStreamsStatusProgressResultDone() async throws {
        try await LiveHub.run { base in
            let registration = try await JECPClient.register(hub: base, name: "sdk-stream-\(UUID().uuidString.prefix(8))")
            try await LiveHub.setTierFloor(base, agentID: registration.agentID, tier: "silver")
            try await Self.withClient(base, registration) { client in
                let values: [JSONValue] = (0..<48).map { (index: Int) -> JSONValue in
                    let value = 100.0 + Double(index % 12) * 4.0 + Double(index)
                    return .number(JSONNumber(value))
                }
                let series = JSONValue.array(values)
                var events: [StreamEvent] = []
                for try await event in client.invokeStream("data-insight", "forecast", input: ["series": series, "horizon": 6]) {
                    events.append(event)
                }
                let names = StreamTests.names(events)
                #expect(names.first == "status")
                #expect(names.filter { $0 == "progress" }.count >= 1)
                #expect(names.suffix(2) == ["result", "done"])
                guard case .result(let output) = events[events.count - 2], case .done(let billing, let execution, _) = events.last else {
                    Issue.record("no result/done: \(names)")
                    return
                }
                #expect(output["predictions"]?.arrayValue?.count == 6)
                #expect(billing.method == "free_call")
                #expect(execution.trustTier == .silver)

                // A non-streaming action asked to stream: a typed 406 before any event.
                let error = try #require(await failure {
                    for try await _ in client.invokeStream("content-factory", "text-stats", input: ["text": "x"]) {}
                })
                #expect(error.code == .notStreamable)
            }
        }
    }
}
