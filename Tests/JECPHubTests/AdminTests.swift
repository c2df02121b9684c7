import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// The operator API.
@Suite struct AdminTests {
    @Test(arguments: StoreBackend.available) func missingOrWrongTokenIs401(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let missing = try await hub.get("/admin/v1/ledger/summary")
            #expect(missing.status == 401)
            #expect(missing.errorCode == "ADMIN_AUTH_REQUIRED")
            let wrong = try await hub.get("/admin/v1/ledger/summary", headers: ["Authorization": "Bearer nope"])
            #expect(wrong.status == 401)
        }
    }

    @Test(arguments: StoreBackend.available) func creditIsIdempotentPerKey(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let first = try await hub.credit(agent, "2.5", key: "topup-0001")
            #expect(first.status == 201)
            #expect(first.json["balance_after"]?.money == Money(micros: 2_500_000))
            let again = try await hub.credit(agent, "2.5", key: "topup-0001")
            #expect(again.status == 200)
            #expect(again.json["replayed"] == true)
            #expect(again.json["transaction_id"] == first.json["transaction_id"])
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 2_500_000))
            let conflicting = try await hub.post("/admin/v1/agents/\(agent.id)/credit",
                                                 json: ["amount_usdc": 3, "reason": "x", "idempotency_key": "topup-0001"], headers: hub.admin)
            #expect(conflicting.status == 409)
            let tooPrecise = try await hub.post("/admin/v1/agents/\(agent.id)/credit",
                                                json: ["amount_usdc": .number(JSONNumber(decimalText: "0.0000001")), "reason": "x", "idempotency_key": "topup-0002"],
                                                headers: hub.admin)
            #expect(tooPrecise.errorCode == "VALIDATION_FAILED")
            let unknown = try await hub.post("/admin/v1/agents/jecp_ag_AAAAAAAAAAAAAAAAAAAAAAAA/credit",
                                             json: ["amount_usdc": 1, "reason": "x", "idempotency_key": "topup-0003"], headers: hub.admin)
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "AGENT_NOT_FOUND")
            #expect(try await hub.ledgerSummary()["global_sum_usdc"]?.money == .zero)
        }
    }

    @Test(arguments: StoreBackend.available) func agentViewAndPatch(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let view = try await hub.get("/admin/v1/agents/\(agent.id)", headers: hub.admin)
            #expect(view.json["tier"] == "bronze")
            #expect(view.json["tier_floor"] == .null)
            let patch = try await hub.request(.patch, "/admin/v1/agents/\(agent.id)", body: Array(#"{"tier_floor":"silver","suspended":false}"#.utf8),
                                              headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
            #expect(patch.json["tier"] == "silver")
            #expect(patch.json["earned_tier"] == "bronze")
            let bad = try await hub.request(.patch, "/admin/v1/agents/\(agent.id)", body: Array(#"{"tier_floor":"diamond"}"#.utf8),
                                            headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
            #expect(bad.errorCode == "VALIDATION_FAILED")
            #expect(try await hub.profile(agent)["rate_limit_rpm"] == 30)
        }
    }
}
