import Foundation
import JECPModels
import Testing

/// Steps 7–14: resolution, sunset, input schema, trust, budget, funding, execution, response.
@Suite struct InvokeRoutingTests {
    @Test func unknownCapabilityProviderAndAction() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let capability = try await hub.invoke(agent, capability: "no-such-thing")
            #expect(capability.status == 404)
            #expect(capability.errorCode == "CAPABILITY_NOT_FOUND")
            let provider = try await hub.invoke(agent, capability: "acme/payment")
            #expect(provider.status == 404)
            #expect(provider.errorCode == "PROVIDER_NOT_FOUND")
            let action = try await hub.invoke(agent, action: "no-such-action")
            #expect(action.status == 404)
            #expect(action.errorCode == "ACTION_NOT_FOUND")
            #expect(action.nextAction?["schema_url"]?.stringValue == "https://hub.test/v1/capabilities/hub/test-kit")
        }
    }

    @Test func operatorNamespaceAndPlainNameReachTheSameCapability() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let plain = try await hub.invoke(agent, capability: "test-kit")
            let qualified = try await hub.invoke(agent, capability: "hub/test-kit")
            #expect(plain.status == 200)
            #expect(qualified.status == 200)
            #expect(qualified.json["result"]?["capability"]?.stringValue == "hub/test-kit")
        }
    }

    @Test func retiredActionIs410WithSunsetHeaders() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, action: "retired")
            #expect(response.status == 410)
            #expect(response.errorCode == "CAPABILITY_DEPRECATED")
            #expect(response.header("Deprecation") == "true")
            #expect(response.header("Sunset")?.hasSuffix("GMT") == true)
            let links = response.headerValues("Link").joined(separator: ",")
            #expect(links.contains("rel=\"deprecation\""))
            #expect(links.contains("rel=\"successor-version\""))
            #expect(response.details["successor"]?.stringValue == "test-kit/echo")
            #expect(response.details["sunset_at"]?.stringValue != nil)
            #expect(response.details["capability"]?.stringValue == "test-kit")
        }
    }

    @Test func actionWithin30DaysOfSunsetSucceedsWithNotice() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, action: "sunsetting")
            #expect(response.status == 200)
            #expect(response.header("Deprecation") == "true")
            #expect(response.header("Sunset") != nil)
            let plain = try await hub.invoke(agent, action: "echo")
            #expect(plain.header("Sunset") == nil)
        }
    }

    @Test func inputSchemaViolationListsPaths() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, input: ["text": 42])
            #expect(response.status == 400)
            #expect(response.errorCode == "INPUT_SCHEMA_VIOLATION")
            let first = try #require(response.details["errors"]?.arrayValue?.first)
            #expect(first["instance_path"]?.stringValue == "/text")
            #expect(first["schema_path"]?.stringValue?.hasSuffix("/type") == true)
            #expect(first["reason"]?.stringValue?.isEmpty == false)
            #expect(response.details["schema_url"]?.stringValue == "https://hub.test/v1/capabilities/hub/test-kit#input_schema")
        }
    }

    @Test func trustGateOffersLowerTierFallbacks() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, action: "gold-only")
            #expect(response.status == 403)
            #expect(response.errorCode == "INSUFFICIENT_TRUST")
            #expect(response.details["required"]?.stringValue == "gold")
            #expect(response.details["current"]?.stringValue == "bronze")
            #expect(response.nextAction?["type"]?.stringValue == "earn_trust")
            #expect(response.nextAction?["current_tier"]?.stringValue == "bronze")
            #expect(response.nextAction?["required_tier"]?.stringValue == "gold")
            let alternatives = response.nextAction?["fallback"]?["alternative_capabilities"]?.arrayValue ?? []
            #expect(alternatives.contains("document-pipeline"))
            // An operator vouching for the agent lifts the gate.
            let patched = try await hub.request(.patch, "/admin/v1/agents/\(agent.id)", body: Array(#"{"tier_floor":"gold"}"#.utf8),
                                                headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
            #expect(patched.status == 200)
            let allowed = try await hub.invoke(agent, action: "gold-only")
            #expect(allowed.status == 200)
            #expect(allowed.json["execution"]?["trust_tier"]?.stringValue == "gold")
        }
    }

    @Test func mandateBudgetBelowPriceIs402() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let mandate: JSONValue = ["agent_id": .string(agent.id), "api_key": .string(agent.key), "budget_usdc": 0.001]
            let response = try await hub.invoke(nil, mandate: mandate)
            #expect(response.status == 402)
            #expect(response.errorCode == "INSUFFICIENT_BUDGET")
            #expect(response.details["required_usdc"]?.money == Money(micros: 10_000))
            #expect(response.details["remaining_usdc"]?.money == Money(micros: 1_000))
        }
    }

    @Test func expiredMandateAsksForRenewal() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let mandate: JSONValue = ["agent_id": .string(agent.id), "api_key": .string(agent.key), "expires_at": "2020-01-01T00:00:00Z"]
            let response = try await hub.invoke(nil, mandate: mandate)
            #expect(response.status == 401)
            #expect(response.errorCode == "MANDATE_EXPIRED")
            #expect(response.nextAction?["type"]?.stringValue == "renew_mandate")
        }
    }

    @Test func mandateCredentialsTakePrecedenceOverHeaders() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let other = try await hub.register()
            let mandate: JSONValue = ["agent_id": .string(agent.id), "api_key": .string(agent.key)]
            let response = try await hub.invoke(other, mandate: mandate)
            #expect(response.status == 200)
            let me = try await hub.profile(agent)
            #expect(me["total_calls"] == 1)
            #expect(try await hub.profile(other)["total_calls"] == 0)
        }
    }

    @Test func emptyWalletIsPaymentRequiredAndLowBalanceIsInsufficientBalance() async throws {
        try await TestHub.run(["jecp.freeCalls": 0]) { hub in
            let agent = try await hub.register()
            let empty = try await hub.invoke(agent)
            #expect(empty.status == 402)
            #expect(empty.errorCode == "PAYMENT_REQUIRED")
            let action = try #require(empty.nextAction)
            #expect(action["type"]?.stringValue == "topup")
            #expect(action["ui"]?.stringValue == "https://hub.test/wallet")
            #expect(action["api"]?.stringValue == "https://hub.test/api/agent/topup")
            #expect(action["method"]?.stringValue == "POST")
            #expect(action["headers"] == ["X-Agent-ID", "X-API-Key"])
            #expect(action["body_example"]?["amount"] != nil)
            #expect(action["allowed_amounts_usd"] == [5, 20, 100])
            try await hub.credit(agent, "1")
            let low = try await hub.invoke(agent, action: "pricey")
            #expect(low.status == 402)
            #expect(low.errorCode == "INSUFFICIENT_BALANCE")
            #expect(low.details["required_usdc"]?.money == Money(units: 5))
            #expect(low.details["remaining_usdc"]?.money == Money(units: 1))
        }
    }

    @Test func executionFailuresTimeoutsAndBadOutputCostNothing() async throws {
        try await TestHub.run(["jecp.freeCalls": 0]) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            let failed = try await hub.invoke(agent, action: "fail")
            #expect(failed.status == 500)
            #expect(failed.errorCode == "EXECUTION_FAILED")
            let slow = try await hub.invoke(agent, action: "slow")
            #expect(slow.status == 504)
            #expect(slow.errorCode == "PROVIDER_TIMEOUT")
            let bad = try await hub.invoke(agent, action: "bad-output")
            #expect(bad.status == 502)
            #expect(bad.errorCode == "OUTPUT_INVALID")
            let me = try await hub.profile(agent)
            #expect(me["balance_usdc"]?.money == Money(units: 1))
            #expect(me["total_calls"] == 0)
        }
    }

    @Test func successEnvelopeHasResultBillingAndExecution() async throws {
        try await TestHub.run(["jecp.freeCalls": 0]) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "0.05")
            let response = try await hub.invoke(agent, id: "req-shape-1", extra: ["metadata": ["session": "s-42"]])
            #expect(response.status == 200)
            let json = response.json
            #expect(json["jecp"] == "1.0")
            #expect(json["id"] == "req-shape-1")
            #expect(json["status"] == "completed")
            #expect(json["result"]?["capability"] == "test-kit")
            #expect(json["result"]?["action"] == "echo")
            #expect(json["result"]?["output"] == ["text": "hi"])
            #expect(json["result"]?["metadata"] == ["session": "s-42"])
            #expect(json["billing"]?["cost_usdc"]?.money == Money(micros: 10_000))
            #expect(json["billing"]?["method"] == "wallet")
            #expect(json["billing"]?["balance_after"]?.money == Money(micros: 40_000))
            #expect(json["billing"]?["transaction_id"]?.stringValue?.count == 36)
            #expect(json["execution"]?["trust_tier"] == "bronze")
            #expect(json["execution"]?["engine"]?.stringValue?.hasPrefix("jecp-") == true)
            #expect(json["execution"]?["duration_ms"]?.numberValue != nil)
            #expect(response.text.contains("\"cost_usdc\":0.01"))
            #expect(response.text.contains("\"balance_after\":0.04"))
            #expect(response.header("X-RateLimit-Limit") == "10")
            #expect(response.header("X-RateLimit-Remaining") == "9")
            #expect(response.header("X-RateLimit-Reset") != nil)
        }
    }

    @Test func nonStreamingActionsAndAsyncDeliveryAreRefusedClearly() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let stream = try await hub.invoke(agent, extra: ["delivery": ["mode": "stream"]], headers: ["Accept": "text/event-stream"])
            #expect(stream.status == 406)
            #expect(stream.errorCode == "NOT_STREAMABLE")
            let async = try await hub.invoke(agent, extra: ["delivery": ["mode": "async", "callback_url": "https://example.com/cb"]])
            #expect(async.status == 503)
            #expect(async.errorCode == "ASYNC_NOT_SUPPORTED")
        }
    }
}
