import Configuration
import Foundation
import GRDB
import JECPModels
import JECPTestDNS
import JECPTestPostgres
import Testing

/// Stripe Checkout top-ups against a local fake Stripe: the checkout request on Stripe's wire
/// format, and signed webhooks that credit exactly once whatever Stripe's delivery does.
@Suite struct StripeTopupTests {
    /// A Hub talking to a fake Stripe, an agent on it, and a started top-up of `amount` dollars.
    static func withTopup(_ amount: Int = 20, backend: StoreBackend = .sqlite,
                          _ body: @Sendable (TestHub, FakeStripe, TestAgent, String) async throws -> Void) async throws {
        try await FakeStripe.run { stripe in
            try await TestHub.run(stripe.hubSettings, backend: backend) { hub in
                let agent = try await hub.register()
                let started = try await hub.post("/api/agent/topup", json: ["amount": .number(JSONNumber(amount))], headers: agent.headers)
                try #require(started.status == 201, "top-up failed: \(started.text)")
                try await body(hub, stripe, agent, try #require(started.json["session_id"]?.stringValue))
            }
        }
    }

    static func expectNoMoneyMoved(_ hub: TestHub, _ agent: TestAgent) async throws {
        #expect(try await hub.profile(agent)["balance_usdc"]?.money == .zero)
        #expect(try await hub.ledgerSummary()["transaction_count"] == 0)
    }

    // MARK: Checkout

    @Test func checkoutIsCreatedOnStripesWireFormat() async throws {
        try await FakeStripe.run { stripe in
            try await TestHub.run(stripe.hubSettings) { hub in
                let agent = try await hub.register()
                let response = try await hub.post("/api/agent/topup", json: ["amount": 20], headers: agent.headers)
                #expect(response.status == 201)
                let sessionID = try #require(response.json["session_id"]?.stringValue)
                #expect(response.json["url"]?.stringValue == "\(stripe.baseURL)/checkout/\(sessionID)")
                #expect(response.json["amount_usd"] == 20)
                #expect(response.header("Cache-Control") == "no-store")
                let sent = try #require(stripe.state.withLock { $0.requests.last })
                #expect(sent.authorization == "Bearer \(FakeStripe.secretKey)")
                #expect(sent.idempotencyKey?.isEmpty == false)
                #expect(sent.fields["mode"] == "payment")
                #expect(sent.fields["line_items[0][price_data][currency]"] == "usd")
                #expect(sent.fields["line_items[0][price_data][unit_amount]"] == "2000")
                #expect(sent.fields["line_items[0][quantity]"] == "1")
                #expect(sent.fields["line_items[0][price_data][product_data][name]"]?.contains("20 USDC") == true)
                #expect(sent.fields["success_url"] == "https://hub.test/wallet/topup/success?session_id={CHECKOUT_SESSION_ID}")
                #expect(sent.fields["cancel_url"] == "https://hub.test/wallet/topup/cancel")
                #expect(sent.fields["client_reference_id"] == agent.id)
                #expect(sent.fields["metadata[agent_id]"] == agent.id)
                // The alias opens another session, with another idempotency key.
                let alias = try await hub.post("/api/agents/topup", json: ["amount": 5], headers: agent.headers)
                #expect(alias.status == 201)
                #expect(stripe.state.withLock { $0.requests.map(\.idempotencyKey) }.count == 2)
                #expect(Set(stripe.state.withLock { $0.requests.map(\.idempotencyKey) }).count == 2)
                // Opening a checkout moves no money.
                try await Self.expectNoMoneyMoved(hub, agent)
            }
        }
    }

    @Test func amountsOutsideTheOfferedSetAndMissingCredentialsAreRefused() async throws {
        try await FakeStripe.run { stripe in
            try await TestHub.run(stripe.hubSettings) { hub in
                let agent = try await hub.register()
                for body: JSONValue in [["amount": 7], ["amount": "5"], ["amount": 5.5], [:], ["amount": 5, "currency": "eur"], ["amount": -5]] {
                    let response = try await hub.post("/api/agent/topup", json: body, headers: agent.headers)
                    #expect(response.status == 400, "\(body)")
                    #expect(response.errorCode == "VALIDATION_FAILED")
                    #expect(response.details["allowed_amounts_usd"] == [5, 20, 100])
                    #expect(response.nextAction?["type"] == "topup")
                }
                #expect(try await hub.post("/api/agent/topup", json: ["amount": 5]).errorCode == "AUTH_REQUIRED")
                #expect(try await hub.post("/api/agent/topup", json: ["amount": 5], headers: ["X-Agent-ID": agent.id, "X-API-Key": "jecp_ak_wrong"])
                    .errorCode == "INVALID_API_KEY")
                #expect(stripe.requestCount == 0)
            }
        }
    }

    @Test func theOfferedAmountsAreConfigurable() async throws {
        try await FakeStripe.run { stripe in
            try await TestHub.run(stripe.hubSettings.merging(["jecp.topupAmountsUsd": "10, 50"]) { $1 }) { hub in
                let agent = try await hub.register()
                #expect(try await hub.post("/api/agent/topup", json: ["amount": 50], headers: agent.headers).status == 201)
                #expect(try await hub.post("/api/agent/topup", json: ["amount": 5], headers: agent.headers).details["allowed_amounts_usd"] == [10, 50])
            }
        }
    }

    @Test func withoutStripeTopupIsNotEnabled() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let response = try await hub.post("/api/agent/topup", json: ["amount": 5], headers: agent.headers)
            #expect(response.status == 503)
            #expect(response.errorCode == "TOPUP_NOT_ENABLED")
            let message = response.json["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("not enabled on this Hub") && message.contains("STRIPE_SECRET_KEY") && message.contains("STRIPE_WEBHOOK_SECRET"))
            let webhook = try await hub.deliverStripeEvent(Array(#"{"id":"evt_1","type":"checkout.session.completed"}"#.utf8))
            #expect(webhook.status == 503)
            #expect(webhook.errorCode == "TOPUP_NOT_ENABLED")
        }
    }

    @Test func halfAStripeConfigurationStopsTheHub() async throws {
        await #expect(throws: (any Error).self) {
            try await TestHub.run(["stripe.secretKey": .init(.string(FakeStripe.secretKey), isSecret: true)]) { _ in }
        }
    }

    @Test func stripeFailuresAreCleanEnvelopesAndRecordNothing() async throws {
        try await FakeStripe.run { stripe in
            try await TestHub.run(stripe.hubSettings) { hub in
                let agent = try await hub.register()
                stripe.state.withLock { $0.failNext = (401, #"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_live_****wxyz"}}"#) }
                let refused = try await hub.post("/api/agent/topup", json: ["amount": 5], headers: agent.headers)
                #expect(refused.status == 502)
                #expect(refused.errorCode == "PAYMENT_PROCESSOR_ERROR")
                #expect(refused.details["stripe_status"] == 401)
                stripe.state.withLock { $0.failNext = (500, "<html>oops</html>") }
                let failed = try await hub.post("/api/agent/topup", json: ["amount": 5], headers: agent.headers)
                #expect(failed.status == 503)
                #expect(failed.errorCode == "PAYMENT_PROCESSOR_UNAVAILABLE")
                #expect(failed.header("Retry-After") == "30")
                stripe.state.withLock { $0.failNext = (200, #"{"object":"checkout.session"}"#) }
                #expect(try await hub.post("/api/agent/topup", json: ["amount": 5], headers: agent.headers).errorCode == "PAYMENT_PROCESSOR_UNAVAILABLE")
                try await Self.expectNoMoneyMoved(hub, agent)
            }
        }
        let refusing = try RefusingPort()
        try await TestHub.run(["stripe.secretKey": .init(.string(FakeStripe.secretKey), isSecret: true),
                               "stripe.webhookSecret": .init(.string(FakeStripe.webhookSecret), isSecret: true),
                               "stripe.apiBase": .init(.string("http://127.0.0.1:\(refusing.port)"), isSecret: false)]) { hub in
            let agent = try await hub.register()
            let unreachable = try await hub.post("/api/agent/topup", json: ["amount": 5], headers: agent.headers)
            #expect(unreachable.status == 503)
            #expect(unreachable.errorCode == "PAYMENT_PROCESSOR_UNAVAILABLE")
        }
    }

    // MARK: Webhook: money

    @Test(arguments: StoreBackend.available) func aSignedPaidEventCreditsExactlyOnce(backend: StoreBackend) async throws {
        try await Self.withTopup(20, backend: backend) { hub, stripe, agent, session in
            let event = stripe.event("checkout.session.completed", sessionID: session)
            let first = try await hub.deliverStripeEvent(event)
            #expect(first.status == 200)
            #expect(first.json["outcome"] == "credited")
            #expect(first.json["amount_usdc"]?.money == Money(units: 20))
            // Stripe retries the same event, and may send a second event for the same session.
            let replay = try await hub.deliverStripeEvent(event)
            #expect(replay.status == 200)
            #expect(replay.json["outcome"] == "already_credited")
            #expect(replay.json["transaction_id"] == first.json["transaction_id"])
            #expect(try await hub.deliverStripeEvent(stripe.event("checkout.session.async_payment_succeeded", sessionID: session)).json["outcome"]
                == "already_credited")
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(units: 20))
            let summary = try await hub.ledgerSummary()
            #expect(summary["transaction_count"] == 1)
            #expect(summary["balances_usdc"]?["external_funding"]?.money == Money(units: -20))
            #expect(summary["balanced"] == true)
            let history = try await hub.get("/v1/agents/me/transactions", headers: agent.headers).json["transactions"]?.arrayValue ?? []
            #expect(history.count == 1)
            #expect(history.first?["type"] == "credit")
            #expect(history.first?["amount_usdc"]?.money == Money(units: 20))
            #expect(history.first?["transaction_id"] == first.json["transaction_id"])
            #expect(try await hub.ledgerViolations().isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available) func twentyConcurrentDuplicatesCreditOnce(backend: StoreBackend) async throws {
        try await Self.withTopup(5, backend: backend) { hub, stripe, agent, session in
            let event = stripe.event("checkout.session.completed", sessionID: session)
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await hub.deliverStripeEvent(event).json["outcome"]?.stringValue ?? "error" }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "credited" }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == "already_credited" }.count == 19, "\(outcomes)")
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(units: 5))
            #expect(try await hub.ledgerSummary()["transaction_count"] == 1)
            #expect(try await hub.ledgerViolations().isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available) func eventsOutOfOrder(backend: StoreBackend) async throws {
        try await Self.withTopup(20, backend: backend) { hub, stripe, agent, session in
            // A bank debit: completed while unpaid credits nothing; the money arrives with async_payment_succeeded.
            let unpaid = try await hub.deliverStripeEvent(stripe.event("checkout.session.completed", sessionID: session, paymentStatus: "unpaid"))
            #expect(unpaid.status == 200)
            #expect(unpaid.json["outcome"] == "ignored")
            try await Self.expectNoMoneyMoved(hub, agent)
            let settled = try await hub.deliverStripeEvent(stripe.event("checkout.session.async_payment_succeeded", sessionID: session))
            #expect(settled.json["outcome"] == "credited")
            // A late `expired` cannot undo a paid session.
            let expired = try await hub.deliverStripeEvent(stripe.event("checkout.session.expired", sessionID: session, paymentStatus: "unpaid"))
            #expect(expired.status == 200)
            #expect(expired.json["outcome"] == "ignored")
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(units: 20))
            // Another session expires while open, then fails to resurrect as credit when nothing was paid.
            let second = try await hub.post("/api/agent/topup", json: ["amount": 5], headers: agent.headers)
            let secondID = try #require(second.json["session_id"]?.stringValue)
            #expect(try await hub.deliverStripeEvent(stripe.event("checkout.session.expired", sessionID: secondID, paymentStatus: "unpaid"))
                .json["outcome"] == "expired")
            #expect(try await hub.deliverStripeEvent(stripe.event("checkout.session.async_payment_failed", sessionID: secondID, paymentStatus: "unpaid"))
                .json["outcome"] == "ignored")
            #expect(try await hub.ledgerSummary()["transaction_count"] == 1)
            #expect(try await hub.ledgerViolations().isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available) func theTopUpIsAnnouncedOnceWithItsPaymentIntent(backend: StoreBackend) async throws {
        let inbox = WebhookInbox()
        try await WebhookReceiver.serve(inbox) { port in
            try await FakeStripe.run { stripe in
                try await TestHub.run(stripe.hubSettings.merging(WebhookTests.settings) { $1 }, backend: backend) { hub in
                    let agent = try await hub.register()
                    _ = try await hub.subscribe("http://127.0.0.1:\(port)/hooks/wallet", events: ["wallet.topped_up"], headers: agent.headers,
                                                inbox: inbox, name: "wallet")
                    let started = try await hub.post("/api/agent/topup", json: ["amount": 5], headers: agent.headers)
                    let session = try #require(started.json["session_id"]?.stringValue)
                    let event = stripe.event("checkout.session.completed", sessionID: session)
                    let credited = try await hub.deliverStripeEvent(event)
                    #expect(try await hub.deliverStripeEvent(event).json["outcome"] == "already_credited")
                    let received = await inbox.waitFor("wallet", count: 1)
                    #expect(received.count == 1)
                    let data = try #require(received.first?.data)
                    #expect(data["payment_reference"] == .string("pi_" + session.suffix(12)))
                    #expect(data["source"] == "external:stripe")
                    #expect(data["amount_usdc"]?.money == Money(units: 5))
                    #expect(data["transaction_id"] == credited.json["transaction_id"])
                    // The replay announced nothing more.
                    try await Task.sleep(for: .milliseconds(500))
                    #expect(await inbox.events("wallet").count == 1)
                }
            }
        }
    }

    @Test func verifyCatchesATopUpAndItsCreditDisagreeing() async throws {
        try await Self.withTopup(5) { hub, stripe, _, session in
            _ = try await hub.deliverStripeEvent(stripe.event("checkout.session.completed", sessionID: session))
            #expect(try await hub.ledgerViolations().isEmpty)
            // Tamper with the row the way a bug or a hand edit would.
            let queue = try DatabaseQueue(path: hub.databasePath)
            try await queue.write { db in try db.execute(sql: "UPDATE topups SET transaction_id = 'elsewhere'") }
            try queue.close()
            let names = Set(try await hub.ledgerViolations().map(\.invariant))
            #expect(names == ["paid-topup-has-its-credit", "stripe-credit-has-paid-topup"])
        }
    }

    @Test func theCreditIsWhatWasPaidInUSD() async throws {
        try await Self.withTopup(20) { hub, stripe, agent, session in
            // A promotion code took 5 dollars off: the wallet gets what Stripe collected.
            let discounted = try await hub.deliverStripeEvent(stripe.event("checkout.session.completed", sessionID: session, amountTotal: 1_505))
            #expect(discounted.json["outcome"] == "credited")
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 15_050_000))
        }
    }

    @Test func eventsTheHubMustNotCreditAreAcknowledgedAndIgnored() async throws {
        try await Self.withTopup(20) { hub, stripe, agent, session in
            let stranger = try await hub.register()
            let cases: [(String, [UInt8])] = [
                ("unknown session", stripe.event("checkout.session.completed", sessionID: "cs_test_notfromthishub", agentID: agent.id)),
                ("another agent", stripe.event("checkout.session.completed", sessionID: session, agentID: stranger.id)),
                ("euros", stripe.event("checkout.session.completed", sessionID: session, currency: "eur")),
                ("no payment", stripe.event("checkout.session.completed", sessionID: session, paymentStatus: "no_payment_required")),
                ("other type", Array(#"{"id":"evt_other","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","object":"payment_intent"}}}"#.utf8)),
            ]
            for (name, event) in cases {
                let response = try await hub.deliverStripeEvent(event)
                #expect(response.status == 200, "\(name)")
                #expect(response.json["outcome"] == "ignored", "\(name): \(response.text)")
            }
            try await Self.expectNoMoneyMoved(hub, agent)
            #expect(try await hub.profile(stranger)["balance_usdc"]?.money == .zero)
            // The session is still open and credits normally afterwards.
            #expect(try await hub.deliverStripeEvent(stripe.event("checkout.session.completed", sessionID: session)).json["outcome"] == "credited")
        }
    }

    // MARK: Webhook: signatures

    @Test func badSignaturesAreRefusedAndChangeNothing() async throws {
        try await Self.withTopup(20) { hub, stripe, agent, session in
            let event = stripe.event("checkout.session.completed", sessionID: session)
            let now = Int64(Date().timeIntervalSince1970)
            let good = FakeStripe.hexMAC(event, secret: FakeStripe.webhookSecret, timestamp: now)
            let refused: [(String, [UInt8], String?)] = [
                ("wrong secret", event, FakeStripe.signature(event, secret: "whsec_someoneelse")),
                ("stale timestamp", event, FakeStripe.signature(event, timestamp: now - 310)),
                ("future timestamp", event, FakeStripe.signature(event, timestamp: now + 310)),
                ("altered body", Array(String(decoding: event, as: UTF8.self).replacingOccurrences(of: "2000", with: "9000").utf8), FakeStripe.signature(event)),
                ("no v1", event, "t=\(now)"),
                ("v0 only", event, "t=\(now),v0=\(good)"),
                ("no timestamp", event, "v1=\(good)"),
                ("garbage", event, "not a signature"),
                ("empty", event, ""),
            ]
            for (name, body, header) in refused {
                let response = try await hub.deliverStripeEvent(body, signature: header)
                #expect(response.status == 400, "\(name)")
                #expect(response.errorCode == "STRIPE_SIGNATURE_INVALID", "\(name)")
            }
            let unsigned = try await hub.request(.post, "/webhooks/stripe", body: event, headers: ["Content-Type": "application/json"])
            #expect(unsigned.status == 400)
            try await Self.expectNoMoneyMoved(hub, agent)
            // While the secret rolls, Stripe signs with both: any v1 may match.
            let rolled = "t=\(now),v1=\(FakeStripe.hexMAC(event, secret: "whsec_old", timestamp: now)),v1=\(good)"
            let accepted = try await hub.deliverStripeEvent(event, signature: rolled)
            #expect(accepted.status == 200)
            #expect(accepted.json["outcome"] == "credited")
        }
    }
}
