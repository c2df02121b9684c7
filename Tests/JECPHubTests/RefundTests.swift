import Configuration
import Foundation
import GRDB
import JECPHub
import JECPHubCore
import JECPModels
import JECPProviderKit
import JECPTestDNS
import JECPTestPostgres
import Testing

/// Refunds over HTTP on both stores: requesting (every rule), deciding (provider, operator,
/// auto-approval, races) and the exact reversal of the charge in the ledger.
@Suite("Refunds")
struct RefundTests {
    /// A Hub with provider `shop` selling `shop/tools` `work` at 0.01 (split 0.0085 / 0.001 / 0.0005),
    /// no free calls (every call is a charge), and an agent holding 1 USDC.
    static func withShop(backend: StoreBackend, _ overrides: [String: ConfigValue] = [:],
                         _ body: @Sendable (TestHub, TestProviderAccount, TestAgent) async throws -> Void) async throws {
        let dns = TestDNSServer()
        _ = try await dns.start()
        let settings = (await TestHub.providerSettings(dns: dns)).merging(["jecp.freeCalls": 0]) { $1 }.merging(overrides) { $1 }
        try await TestHub.run(settings, backend: backend) { hub in
            let shop = try await hub.registerProvider("shop", host: "shop.test", dns: dns)
            try await hub.proveDomain(shop, host: "shop.test", dns: dns)
            var kit = JECPProvider(secret: shop.secret)
            kit.action("work") { _ in .json(["ok": true]) }
            try await TestProviders.serve(kit) { port in
                #expect(try await hub.publish(shop, manifest: Self.manifest("shop", "tools", port: port, actions: ["work": "$0.01"]).serialized()).status == 201)
                let agent = try await hub.register()
                try await hub.credit(agent, "1")
                try await body(hub, shop, agent)
            }
        }
        await dns.stop()
    }

    static func manifest(_ namespace: String, _ capability: String, port: Int, actions: [String: String]) -> JSONValue {
        ["namespace": .string(namespace), "display_name": .string(namespace), "capability": .string(capability), "version": "1.0.0",
         "description": "Test tools.", "endpoint": .string("http://\(namespace).test:\(port)/jecp"),
         "actions": .array(actions.keys.sorted().map { id in
             ["id": .string(id), "description": "test", "pricing": ["base": .string(actions[id]!), "currency": "USDC", "model": "per_call"],
              "input_schema": ["type": "object"], "output_schema": ["type": "object"]]
         })]
    }

    // MARK: Approval reverses the charge

    @Test("request → provider approves: every leg of the 85/10/5 split reversed in one refund transaction, invocation refunded",
          arguments: StoreBackend.available)
    func approveReversesEveryLeg(backend: StoreBackend) async throws {
        try await Self.withShop(backend: backend) { hub, shop, agent in
            let transaction = try await hub.charge(agent)
            #expect(try await hub.balance(agent) == usdc("0.99"))
            #expect(try await hub.payable(shop) == usdc("0.0085"))

            let requested = try await hub.post("/v1/refunds", json: ["transaction_id": .string(transaction), "reason": "  the output was empty  "],
                                               headers: agent.headers)
            #expect(requested.status == 201, "\(requested.text)")
            let refund = try #require(requested.json["id"]?.stringValue)
            #expect(refund.hasPrefix("jecp_rf_"))
            #expect(requested.json["status"] == "requested" && requested.json["reason"] == "the output was empty")
            #expect(requested.json["amount_usdc"]?.money == usdc("0.01"))
            #expect(requested.json["provider_namespace"] == "shop" && requested.json["capability"] == "shop/tools")
            #expect(requested.json["auto_approve_at"]?.stringValue != nil && requested.json["refund_transaction_id"] == .null)

            // The provider sees it among its capabilities' refunds; the agent among its own.
            let providerList = try await hub.get("/v1/providers/me/refunds?status=requested", headers: shop.bearer)
            #expect(providerList.json["refunds"]?[0]?["id"] == .string(refund), "\(providerList.text)")
            #expect(try await hub.get("/v1/refunds", headers: agent.headers).json["refunds"]?[0]?["id"] == .string(refund))
            #expect(try await hub.get("/v1/refunds/\(refund)", headers: agent.headers).json["status"] == "requested")

            let approved = try await hub.post("/v1/refunds/\(refund)/approve", json: ["note": "sorry"], headers: shop.bearer)
            #expect(approved.status == 200, "\(approved.text)")
            #expect(approved.json["status"] == "approved" && approved.json["decided_by"] == "provider:shop" && approved.json["decision_note"] == "sorry")
            let reversal = try #require(approved.json["refund_transaction_id"]?.stringValue)

            // Every account is back where it was before the call.
            #expect(try await hub.balance(agent) == usdc("1"))
            #expect(try await hub.payable(shop) == .zero)
            let summary = try await hub.ledgerSummary()
            #expect(summary["balances_usdc"]?["hub_fees"]?.money == .zero && summary["balances_usdc"]?["payment_fees"]?.money == .zero)
            #expect(summary["balances_usdc"]?["provider_payable"]?.money == .zero)
            #expect(summary["global_sum_usdc"]?.money == .zero && summary["transaction_count"] == 3)  // credit, charge, refund
            try await hub.expectLedgerHolds()
            #expect(try await hub.invocationStatus(transaction: transaction) == "refunded")

            // The wallet listing shows the refund line with the balance after it.
            let lines = try await hub.get("/v1/agents/me/transactions", headers: agent.headers).json["transactions"]
            #expect(lines?[0]?["transaction_id"] == .string(reversal) && lines?[0]?["type"] == "refund")
            #expect(lines?[0]?["amount_usdc"]?.money == usdc("0.01") && lines?[0]?["balance_after"]?.money == usdc("1"))
            // The provider's earnings show the refund netted out (a payable may go below zero: a clawback).
            let earnings = try await hub.get("/v1/providers/me/earnings", headers: shop.bearer).json
            #expect(earnings["payable_usdc"]?.money == .zero && earnings["earned_in_window_usdc"]?.money == .zero, "\(earnings)")
            #expect(earnings["calls_in_window"] == 1 && earnings["refunds_in_window"] == 1)
            #expect(earnings["lines"]?[0]?["calls"] == 1 && earnings["lines"]?[0]?["refunds"] == 1 && earnings["lines"]?[0]?["earned_usdc"]?.money == .zero)

            // A second decision of any kind is refused with the current status; nothing moves.
            for path in ["approve", "deny"] {
                let again = try await hub.post("/v1/refunds/\(refund)/\(path)", json: [:], headers: hub.admin)
                #expect(again.status == 409 && again.errorCode == "REFUND_ALREADY_DECIDED" && again.details["status"] == "approved", "\(again.text)")
            }
            #expect(try await hub.ledgerSummary()["transaction_count"] == 3)
            // The refund transaction itself cannot be refunded.
            let refundOfRefund = try await hub.post("/v1/refunds", json: ["transaction_id": .string(reversal), "reason": "again"], headers: agent.headers)
            #expect(refundOfRefund.status == 422 && refundOfRefund.errorCode == "REFUND_NOT_A_CHARGE" && refundOfRefund.details["kind"] == "refund")
        }
    }

    @Test("a payable already paid out goes below zero (a clawback): earnings and ledger verify still hold", arguments: StoreBackend.available)
    func clawback(backend: StoreBackend) async throws {
        try await Self.withShop(backend: backend) { hub, shop, agent in
            let transaction = try await hub.charge(agent)
            // This Hub has no payouts yet: stand one in, moving the whole payable to the outside world.
            try await hub.sql("INSERT INTO ledger_transactions (id, kind, memo, created_at) VALUES ('payout-1', 'credit', 'payout', \(Timestamps.now()))")
            try await hub.sql("""
                INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros) VALUES
                ('payout-1', 'provider:shop', 'provider_payable', -8500), ('payout-1', 'external:payouts', 'external_funding', 8500)
                """)
            #expect(try await hub.payable(shop) == .zero)
            let refund = try await hub.requestRefund(agent, transaction)
            #expect(try await hub.post("/v1/refunds/\(refund)/approve", json: [:], headers: shop.bearer).status == 200)
            #expect(try await hub.balance(agent) == usdc("1"))
            let earnings = try await hub.get("/v1/providers/me/earnings", headers: shop.bearer)
            #expect(earnings.status == 200 && earnings.json["payable_usdc"]?.money == usdc("-0.0085"), "\(earnings.text)")
            #expect(try await hub.ledgerSummary()["global_sum_usdc"]?.money == .zero)
            try await hub.expectLedgerHolds()
        }
    }

    @Test("a composite's charge is reversed exactly: the step provider's share and the composite provider's residual both go back",
          arguments: StoreBackend.available)
    func compositeReversal(backend: StoreBackend) async throws {
        let dns = TestDNSServer()
        _ = try await dns.start()
        let settings = (await TestHub.providerSettings(dns: dns)).merging(["jecp.freeCalls": 0]) { $1 }
        try await TestHub.run(settings, backend: backend) { hub in
            let textco = try await hub.registerProvider("textco", host: "textco.test", dns: dns)
            try await hub.proveDomain(textco, host: "textco.test", dns: dns)
            let combo = try await hub.registerProvider("combo", host: "combo.test", dns: dns)
            try await hub.proveDomain(combo, host: "combo.test", dns: dns)
            var kit = JECPProvider(secret: textco.secret)
            kit.action("count") { _ in .json(["n": 1]) }
            kit.action("shout") { _ in .json(["text": "HI"]) }
            try await TestProviders.serve(kit) { port in
                #expect(try await hub.publish(textco, manifest: Self.manifest("textco", "text", port: port,
                                                                              actions: ["count": "$0.002", "shout": "$0.001"]).serialized()).status == 201)
                let composite: JSONValue = [
                    "namespace": "combo", "display_name": "Combo", "capability": "pipeline", "version": "1.0.0", "description": "Chains.",
                    "endpoint": "http://combo.test/jecp",
                    "actions": [["id": "both", "description": "Both steps.", "pricing": ["base": "$0.01", "currency": "USDC", "model": "per_call"],
                                 "input_schema": ["type": "object"], "output_schema": ["type": "object"],
                                 "composes": ["steps": [
                                     ["id": "a", "call": "textco/text", "action": "count", "input": [:]],
                                     ["id": "b", "call": "textco/text", "action": "shout", "input": [:]],
                                 ]]]],
                ]
                let published = try await hub.publish(combo, manifest: composite.serialized())
                #expect(published.status == 201, "\(published.text)")
                let agent = try await hub.register()
                try await hub.credit(agent, "1")
                let transaction = try await hub.charge(agent, capability: "combo/pipeline", action: "both")
                #expect(try await hub.payable(textco) == usdc("0.00255"))
                #expect(try await hub.payable(combo) == usdc("0.00595"))

                let requested = try await hub.post("/v1/refunds", json: ["transaction_id": .string(transaction), "reason": "wrong"], headers: agent.headers)
                #expect(requested.status == 201 && requested.json["provider_namespace"] == "combo", "\(requested.text)")
                let refund = try #require(requested.json["id"]?.stringValue)
                // The step provider is not the composite's provider: it cannot decide.
                let stepProvider = try await hub.post("/v1/refunds/\(refund)/approve", json: [:], headers: textco.bearer)
                #expect(stepProvider.status == 404 && stepProvider.errorCode == "REFUND_NOT_FOUND")
                let approved = try await hub.post("/v1/refunds/\(refund)/approve", json: [:], headers: hub.admin)
                #expect(approved.status == 200 && approved.json["decided_by"] == "operator", "\(approved.text)")

                #expect(try await hub.payable(textco) == .zero)
                #expect(try await hub.payable(combo) == .zero)
                #expect(try await hub.balance(agent) == usdc("1"))
                let summary = try await hub.ledgerSummary()
                #expect(summary["global_sum_usdc"]?.money == .zero && summary["transaction_count"] == 3)
                #expect(summary["balances_usdc"]?["hub_fees"]?.money == .zero && summary["balances_usdc"]?["payment_fees"]?.money == .zero)
                try await hub.expectLedgerHolds()
            }
        }
        await dns.stop()
    }

    @Test("the agent's and the provider's subscriptions hear refund.requested, refund.approved and invocation.refunded, signed",
          arguments: StoreBackend.available)
    func events(backend: StoreBackend) async throws {
        let inbox = WebhookInbox()
        try await WebhookReceiver.serve(inbox) { port in
            try await Self.withShop(backend: backend, ["jecp.webhookPollSeconds": 0.2]) { hub, shop, agent in
                let events: JSONValue = ["refund.requested", "refund.approved", "refund.denied", "invocation.refunded"]
                for (name, headers) in [("agent", agent.headers), ("shop", shop.bearer)] {
                    let created = try await hub.post("/v1/subscriptions", json: ["endpoint_url": .string("http://127.0.0.1:\(port)/hooks/\(name)"),
                                                                                 "events": events], headers: headers)
                    try #require(created.status == 201, "\(created.text)")
                    await inbox.setSecret(try #require(created.json["secret"]?.stringValue), for: name)
                }
                let transaction = try await hub.charge(agent)
                let refund = try await hub.requestRefund(agent, transaction)
                #expect(try await hub.post("/v1/refunds/\(refund)/approve", json: [:], headers: shop.bearer).status == 200)
                let kept = try await hub.charge(agent)
                let denied = try await hub.requestRefund(agent, kept)
                #expect(try await hub.post("/v1/refunds/\(denied)/deny", json: ["note": "it worked"], headers: shop.bearer).status == 200)
                for name in ["agent", "shop"] {
                    let all = await inbox.waitFor(name, count: 5)
                    let received = all.filter { $0.data["transaction_id"] == .string(transaction) }
                    #expect(Set(received.map(\.type)) == ["refund.requested", "refund.approved", "invocation.refunded"], "\(name): \(all)")
                    #expect(all.filter { $0.data["transaction_id"] == .string(kept) }.map(\.type).sorted() == ["refund.denied", "refund.requested"])
                    #expect(all.first { $0.type == "refund.denied" }?.data["decision_note"] == "it worked")
                    let approved = received.first { $0.type == "refund.approved" }
                    #expect(approved?.data["id"] == .string(refund) && approved?.data["refund_transaction_id"]?.stringValue != nil)
                    let refunded = received.first { $0.type == "invocation.refunded" }
                    #expect(refunded?.data["balance_after_usdc"]?.money == usdc("1") && refunded?.data["refund_id"] == .string(refund))
                }
            }
        }
    }

    @Test("ledger verify catches a refund that does not mirror its charge and a reversal whose invocation is not marked refunded",
          arguments: StoreBackend.available)
    func invariantsCatchTampering(backend: StoreBackend) async throws {
        try await Self.withShop(backend: backend) { hub, shop, agent in
            let transaction = try await hub.charge(agent)
            let refund = try await hub.requestRefund(agent, transaction)
            let approved = try await hub.post("/v1/refunds/\(refund)/approve", json: [:], headers: shop.bearer)
            let reversal = try #require(approved.json["refund_transaction_id"]?.stringValue)
            try await hub.expectLedgerHolds()
            // Move a micro-USDC from the hub-fee leg to the payment-fee leg: every sum is still zero.
            try await hub.sql("UPDATE ledger_entries SET amount_micros = amount_micros + 1 WHERE transaction_id = '\(reversal)' AND account_class = 'hub_fees'")
            try await hub.sql("UPDATE ledger_entries SET amount_micros = amount_micros - 1 WHERE transaction_id = '\(reversal)' AND account_class = 'payment_fees'")
            try await hub.sql("UPDATE invocations SET status = 'completed' WHERE transaction_id = '\(transaction)'")
            let names = Set(try await hub.ledgerViolations().map(\.invariant))
            #expect(names == ["refund-mirrors-charge", "refund-marks-invocation-refunded"], "\(names)")
        }
    }

    // MARK: Denial, auto-approval, who may decide

    @Test("deny keeps the money where it is; the listing filters by status", arguments: StoreBackend.available)
    func deny(backend: StoreBackend) async throws {
        try await Self.withShop(backend: backend) { hub, shop, agent in
            let transaction = try await hub.charge(agent)
            let refund = try await hub.requestRefund(agent, transaction)
            let denied = try await hub.post("/v1/refunds/\(refund)/deny", json: ["note": "the output was correct"], headers: shop.bearer)
            #expect(denied.status == 200 && denied.json["status"] == "denied" && denied.json["refund_transaction_id"] == .null, "\(denied.text)")
            #expect(denied.json["decision_note"] == "the output was correct" && denied.json["auto_approve_at"] == .null)
            #expect(try await hub.balance(agent) == usdc("0.99"))
            #expect(try await hub.payable(shop) == usdc("0.0085"))
            #expect(try await hub.ledgerSummary()["transaction_count"] == 2)
            #expect(try await hub.invocationStatus(transaction: transaction) == "completed")
            #expect(try await hub.get("/v1/refunds?status=denied", headers: agent.headers).json["refunds"]?.arrayValue?.count == 1)
            #expect(try await hub.get("/v1/refunds?status=approved", headers: agent.headers).json["refunds"]?.arrayValue?.count == 0)
            let bad = try await hub.get("/v1/refunds?status=maybe", headers: agent.headers)
            #expect(bad.status == 400 && bad.errorCode == "VALIDATION_FAILED")
            // Denied is final: the same charge cannot be asked again.
            let again = try await hub.post("/v1/refunds", json: ["transaction_id": .string(transaction), "reason": "please"], headers: agent.headers)
            #expect(again.status == 409 && again.errorCode == "REFUND_ALREADY_REQUESTED" && again.details["status"] == "denied")
            try await hub.expectLedgerHolds()
        }
    }

    @Test("an unanswered request is approved by the background service after the configured window", arguments: StoreBackend.available)
    func autoApprove(backend: StoreBackend) async throws {
        try await Self.withShop(backend: backend, ["jecp.refundAutoApproveHours": 0.0, "jecp.refundSweepSeconds": 0.2]) { hub, shop, agent in
            let transaction = try await hub.charge(agent)
            let refund = try await hub.requestRefund(agent, transaction)
            var current: JSONValue = .null
            for _ in 0..<100 {
                current = try await hub.get("/v1/refunds/\(refund)", headers: agent.headers).json
                if current["status"] != "requested" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(current["status"] == "approved" && current["decided_by"] == "auto", "\(current)")
            #expect(try await hub.balance(agent) == usdc("1"))
            #expect(try await hub.payable(shop) == .zero)
            // The provider was too late.
            let late = try await hub.post("/v1/refunds/\(refund)/deny", json: [:], headers: shop.bearer)
            #expect(late.status == 409 && late.details["status"] == "approved" && late.details["decided_by"] == "auto")
            try await hub.expectLedgerHolds()
        }
    }

    @Test("a refund whose approval keeps failing does not hold up the ones due after it", arguments: StoreBackend.available)
    func autoApprovalSkipsAFailingRefund(backend: StoreBackend) async throws {
        try await Self.withShop(backend: backend, ["jecp.refundAutoApproveHours": 0.0, "jecp.refundSweepSeconds": 0.2]) { hub, _, agent in
            let first = try await hub.charge(agent)
            let second = try await hub.charge(agent)
            // A row already holding the first charge's reversal key makes its approval fail every time.
            try await hub.sql("INSERT INTO ledger_transactions (id, kind, idempotency_key, created_at) VALUES ('blocker', 'refund', 'refund:\(first)', 0)")
            let stuck = try await hub.requestRefund(agent, first)
            let later = try await hub.requestRefund(agent, second)
            func status(_ refund: String) async throws -> JSONValue? {
                try await hub.get("/v1/refunds/\(refund)", headers: agent.headers).json["status"]
            }
            for _ in 0..<100 where try await status(later) == "requested" {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await status(later) == "approved")
            #expect(try await status(stuck) == "requested")
            #expect(try await hub.balance(agent) == usdc("0.99"))
            // Once the obstacle is gone, the next sweep approves the first one too.
            try await hub.sql("DELETE FROM ledger_transactions WHERE id = 'blocker'")
            for _ in 0..<100 where try await status(stuck) == "requested" {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await status(stuck) == "approved")
            #expect(try await hub.balance(agent) == usdc("1"))
            try await hub.expectLedgerHolds()
        }
    }

    @Test("concurrent decisions: approve+approve and approve+deny each have exactly one winner and at most one reversal",
          arguments: StoreBackend.available)
    func concurrentDecisions(backend: StoreBackend) async throws {
        try await Self.withShop(backend: backend) { hub, shop, agent in
            for second in ["approve", "deny"] {
                let transaction = try await hub.charge(agent)
                let refund = try await hub.requestRefund(agent, transaction)
                let statuses = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                    for (path, headers) in [("approve", shop.bearer), (second, hub.admin)] {
                        group.addTask { (path, try await hub.post("/v1/refunds/\(refund)/\(path)", json: [:], headers: headers).status) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.map(\.1).sorted() == [200, 409], "\(statuses)")
                let final = try await hub.get("/v1/refunds/\(refund)", headers: agent.headers).json
                let winner = statuses.first { $0.1 == 200 }!.0
                #expect(final["status"] == (winner == "approve" ? "approved" : "denied"))
            }
            try await hub.expectLedgerHolds()
            let summary = try await hub.ledgerSummary()
            #expect(summary["global_sum_usdc"]?.money == .zero)
            // credit + 2 charges + the reversals that won (the approve+approve round always reverses once).
            let refunds = try await hub.get("/v1/refunds?status=approved", headers: agent.headers).json["refunds"]?.arrayValue?.count ?? 0
            #expect(summary["transaction_count"] == .number(JSONNumber(3 + refunds)) && (1...2).contains(refunds))
        }
    }

    @Test("another provider gets 404 (as for an unknown id), a bad bearer 401, the operator may decide; agents see only their own refunds")
    func whoMayDecide() async throws {
        let dns = TestDNSServer()
        _ = try await dns.start()
        try await Self.withShop(backend: .sqlite) { hub, shop, agent in
            _ = shop
            let transaction = try await hub.charge(agent)
            let refund = try await hub.requestRefund(agent, transaction)
            let other = try await hub.registerProvider("other", host: "other.test", dns: dns)
            let foreign = try await hub.post("/v1/refunds/\(refund)/approve", json: [:], headers: other.bearer)
            let unknown = try await hub.post("/v1/refunds/jecp_rf_doesnotexist000000000000/approve", json: [:], headers: other.bearer)
            #expect(foreign.status == 404 && foreign.errorCode == "REFUND_NOT_FOUND" && unknown.errorCode == "REFUND_NOT_FOUND")
            #expect(try await hub.get("/v1/providers/me/refunds", headers: other.bearer).json["refunds"]?.arrayValue?.isEmpty == true)
            let forged = try await hub.post("/v1/refunds/\(refund)/approve", json: [:], headers: ["Authorization": "Bearer nope"])
            #expect(forged.status == 401 && forged.errorCode == "INVALID_API_KEY")
            let anonymous = try await hub.post("/v1/refunds/\(refund)/approve", json: [:])
            #expect(anonymous.status == 401)
            // An agent cannot decide (no bearer) and another agent cannot read it.
            let stranger = try await hub.register()
            let peek = try await hub.get("/v1/refunds/\(refund)", headers: stranger.headers)
            #expect(peek.status == 404 && peek.errorCode == "REFUND_NOT_FOUND")
            #expect(try await hub.get("/v1/refunds", headers: stranger.headers).json["refunds"]?.arrayValue?.isEmpty == true)
            #expect(try await hub.get("/v1/refunds").status == 401)
            // The operator lists every refund; nobody else may.
            let all = try await hub.get("/admin/v1/refunds?status=requested", headers: hub.admin)
            #expect(all.status == 200 && all.json["refunds"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [refund], "\(all.text)")
            #expect(try await hub.get("/admin/v1/refunds", headers: other.bearer).errorCode == "ADMIN_AUTH_REQUIRED")
            let badNote = try await hub.post("/v1/refunds/\(refund)/deny", json: ["note": 5], headers: hub.admin)
            #expect(badNote.status == 400 && badNote.errorCode == "VALIDATION_FAILED")
            let decided = try await hub.post("/v1/refunds/\(refund)/deny", json: ["note": "operator says no"], headers: hub.admin)
            #expect(decided.status == 200 && decided.json["decided_by"] == "operator")
        }
        await dns.stop()
    }

    // MARK: The rules of a request

    @Test("each rule has its own code: unknown/foreign 404, credit 422, too old 422, duplicate 409, reason 400, SSRF evidence 422, daily cap 429",
          arguments: StoreBackend.available)
    func requestRules(backend: StoreBackend) async throws {
        try await Self.withShop(backend: backend, ["jecp.refundDailyCap": 2]) { hub, _, agent in
            func ask(_ who: TestAgent, _ body: JSONValue) async throws -> HubResponse { try await hub.post("/v1/refunds", json: body, headers: who.headers) }
            let transaction = try await hub.charge(agent)

            // Someone else's transaction and an unknown one answer alike.
            let stranger = try await hub.register()
            let foreign = try await ask(stranger, ["transaction_id": .string(transaction), "reason": "mine?"])
            let unknown = try await ask(stranger, ["transaction_id": "00000000-0000-0000-0000-000000000000", "reason": "mine?"])
            #expect(foreign.status == 404 && foreign.errorCode == "TRANSACTION_NOT_FOUND" && unknown.errorCode == "TRANSACTION_NOT_FOUND")
            #expect(foreign.json["error"]?["message"]?.stringValue?.replacingOccurrences(of: transaction, with: "X")
                    == unknown.json["error"]?["message"]?.stringValue?.replacingOccurrences(of: "00000000-0000-0000-0000-000000000000", with: "X"))

            // A credit (the top-up) is not a charge.
            let credit = try #require(try await hub.get("/v1/agents/me/transactions", headers: agent.headers).json["transactions"]?.arrayValue?
                .first { $0["type"] == "credit" }?["transaction_id"]?.stringValue)
            let notCharge = try await ask(agent, ["transaction_id": .string(credit), "reason": "give it back"])
            #expect(notCharge.status == 422 && notCharge.errorCode == "REFUND_NOT_A_CHARGE" && notCharge.details["kind"] == "credit")

            // reason: required, not blank, bounded.
            for reason: JSONValue in [.null, "   ", .string(String(repeating: "x", count: 1_001)), 42] {
                var body: [String: JSONValue] = ["transaction_id": .string(transaction)]
                if reason != .null { body["reason"] = reason }
                let refused = try await ask(agent, .object(body))
                #expect(refused.status == 400 && refused.errorCode == "REFUND_REASON_INVALID", "\(refused.text)")
            }
            let missingID = try await ask(agent, ["reason": "x"])
            #expect(missingID.status == 400 && missingID.errorCode == "VALIDATION_FAILED" && missingID.details["errors"]?[0]?["path"] == "/transaction_id")

            // evidence_url goes through the SSRF pipeline (never fetched).
            let metadata = try await ask(agent, ["transaction_id": .string(transaction), "reason": "x",
                                                 "evidence_url": "https://169.254.169.254/latest/meta-data"])
            #expect(metadata.status == 422 && metadata.errorCode == "URL_BLOCKED_SSRF" && metadata.details["field"] == "evidence_url", "\(metadata.text)")
            let ftp = try await ask(agent, ["transaction_id": .string(transaction), "reason": "x", "evidence_url": "ftp://93.184.216.34/x"])
            #expect(ftp.status == 422 && ftp.errorCode == "URL_BLOCKED_SSRF")
            #expect(try await hub.get("/v1/refunds", headers: agent.headers).json["refunds"]?.arrayValue?.isEmpty == true)

            // Too old: the charge is backdated past the 30-day window.
            let old = try await hub.charge(agent)
            try await hub.backdate(transaction: old, seconds: 31 * 86_400)
            let tooOld = try await ask(agent, ["transaction_id": .string(old), "reason": "late"])
            #expect(tooOld.status == 422 && tooOld.errorCode == "REFUND_WINDOW_EXPIRED" && tooOld.details["window_days"] == 30, "\(tooOld.text)")

            // One refund per transaction.
            let first = try await ask(agent, ["transaction_id": .string(transaction), "reason": "broken", "evidence_url": "https://93.184.216.34/receipt.png"])
            #expect(first.status == 201 && first.json["evidence_url"] == "https://93.184.216.34/receipt.png", "\(first.text)")
            let duplicate = try await ask(agent, ["transaction_id": .string(transaction), "reason": "broken"])
            #expect(duplicate.status == 409 && duplicate.errorCode == "REFUND_ALREADY_REQUESTED" && duplicate.details["refund_id"] == first.json["id"])

            // The daily cap (2 here): the third request in 24 h is refused with Retry-After.
            let second = try await ask(agent, ["transaction_id": .string(try await hub.charge(agent)), "reason": "broken"])
            #expect(second.status == 201)
            let capped = try await ask(agent, ["transaction_id": .string(try await hub.charge(agent)), "reason": "broken"])
            #expect(capped.status == 429 && capped.errorCode == "REFUND_DAILY_CAP" && capped.details["limit"] == 2, "\(capped.text)")
            let retryAfter = Int(capped.header("Retry-After") ?? "") ?? 0
            #expect(retryAfter > 86_000 && retryAfter <= 86_400 && capped.nextAction?["type"] == "wait")
            try await hub.expectLedgerHolds()
        }
    }

    @Test("listings page newest first with limit and cursor; bad parameters are VALIDATION_FAILED")
    func paging() async throws {
        try await Self.withShop(backend: .sqlite) { hub, shop, agent in
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await hub.requestRefund(agent, try await hub.charge(agent))) }
            let first = try await hub.get("/v1/refunds?limit=2", headers: agent.headers).json
            #expect(first["refunds"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2], ids[1]])
            let cursor = try #require(first["next_cursor"]?.stringValue)
            let second = try await hub.get("/v1/refunds?limit=2&cursor=\(cursor)", headers: agent.headers).json
            #expect(second["refunds"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[0]] && second["next_cursor"] == .null)
            let provider = try await hub.get("/v1/providers/me/refunds?limit=1", headers: shop.bearer).json
            #expect(provider["refunds"]?.arrayValue?.count == 1 && provider["next_cursor"]?.stringValue != nil)
            for query in ["limit=0", "limit=101", "cursor=abc", "status=pending"] {
                let bad = try await hub.get("/v1/refunds?\(query)", headers: agent.headers)
                #expect(bad.status == 400 && bad.errorCode == "VALIDATION_FAILED", "\(query)")
            }
        }
    }

    @Test("configuration: the refund window, cap, auto-approval and sweep are read and checked")
    func configuration() throws {
        func read(_ values: [AbsoluteConfigKey: ConfigValue]) throws(HubConfiguration.Invalid) -> HubConfiguration {
            try HubConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: values)))
        }
        let defaults = try read([:])
        #expect(defaults.settings.refundWindowSeconds == 30 * 86_400 && defaults.settings.refundDailyCap == 10)
        #expect(defaults.settings.refundAutoApproveSeconds == 72 * 3_600 && defaults.refundSweepSeconds == 60)
        let set = try read(["jecp.refundWindowDays": 7, "jecp.refundDailyCap": 3, "jecp.refundAutoApproveHours": 0.5, "jecp.refundSweepSeconds": 5.0])
        #expect(set.settings.refundWindowSeconds == 7 * 86_400 && set.settings.refundDailyCap == 3)
        #expect(set.settings.refundAutoApproveSeconds == 1_800 && set.refundSweepSeconds == 5)
        for (values, key) in [(["jecp.refundWindowDays": 0], "JECP_REFUND_WINDOW_DAYS"), (["jecp.refundDailyCap": 0], "JECP_REFUND_DAILY_CAP"),
                              (["jecp.refundAutoApproveHours": -1.0], "JECP_REFUND_AUTO_APPROVE_HOURS"),
                              (["jecp.refundSweepSeconds": 0.0], "JECP_REFUND_SWEEP_SECONDS")] as [([AbsoluteConfigKey: ConfigValue], String)] {
            #expect(throws: HubConfiguration.Invalid.self, "\(key)") { try read(values) }
            do { _ = try read(values) } catch { #expect(error.description.hasPrefix(key), "\(error.description)") }
        }
    }

    @Test("the OpenAPI document lists the refund routes")
    func openAPI() async throws {
        try await TestHub.run { hub in
            let paths = try await hub.get("/openapi.json").json["paths"]
            for path in ["/v1/refunds", "/v1/refunds/{refund_id}", "/v1/refunds/{refund_id}/approve", "/v1/refunds/{refund_id}/deny",
                         "/v1/providers/me/refunds", "/admin/v1/refunds"] {
                #expect(paths?[path] != nil, "\(path)")
            }
        }
    }
}

/// An exact amount for assertions (the literals here are all valid).
private func usdc(_ text: String) -> Money { try! Money(decimal: text) }

extension TestHub {
    /// Invokes a paid action and returns the charge's ledger transaction id.
    func charge(_ agent: TestAgent, capability: String = "shop/tools", action: String = "work") async throws -> String {
        let call = try await invoke(agent, capability: capability, action: action, input: [:])
        try #require(call.status == 200, "invoke failed: \(call.text)")
        return try #require(call.json["billing"]?["transaction_id"]?.stringValue, "no charge: \(call.text)")
    }

    func requestRefund(_ agent: TestAgent, _ transaction: String) async throws -> String {
        let response = try await post("/v1/refunds", json: ["transaction_id": .string(transaction), "reason": "did not work"], headers: agent.headers)
        try #require(response.status == 201, "refund request failed: \(response.text)")
        return try #require(response.json["id"]?.stringValue)
    }

    func balance(_ agent: TestAgent) async throws -> Money? { try await profile(agent)["balance_usdc"]?.money }

    func payable(_ provider: TestProviderAccount) async throws -> Money? {
        try await get("/v1/providers/me/earnings", headers: provider.bearer).json["payable_usdc"]?.money
    }

    /// Runs SQL on the Hub's database (either store); returns the first column of the first row.
    @discardableResult
    func sql(_ statement: String) async throws -> String {
        if let postgresDatabase { return try await TestPostgres.shared.psql(database: postgresDatabase, statement) }
        let queue = try DatabaseQueue(path: databasePath)
        return try await queue.write { db in
            try String.fetchOne(db, sql: statement) ?? ""
        }
    }

    func backdate(transaction: String, seconds: Int64) async throws {
        try await sql("UPDATE ledger_transactions SET created_at = created_at - \(seconds) WHERE id = '\(transaction)'")
    }

    func invocationStatus(transaction: String) async throws -> String {
        try await sql("SELECT status FROM invocations WHERE transaction_id = '\(transaction)'")
    }

    /// `jecp-hub ledger verify` on this Hub's database finds nothing.
    func expectLedgerHolds(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let violations = try await ledgerViolations()
        #expect(violations.isEmpty, "\(violations)", sourceLocation: sourceLocation)
    }
}
