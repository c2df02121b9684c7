import Foundation
import JECPHubCore
import JECPModels
import JECPTestPostgres
import Testing

/// The `TopupStore` contract on both stores: a paid session credits once, from Stripe funding,
/// with its row marked in the same transaction; nothing else moves money.
@Suite("Top-up store contract")
struct TopupStoreContractTests {
    static let now = StoreContractTests.now

    static func completion(_ session: String, agentID: String?, amount: Money = Money(units: 20)) -> TopupCompletion {
        TopupCompletion(sessionID: session, agentID: agentID, amount: amount, paymentIntent: "pi_" + session, now: now + 60)
    }

    @Test("a paid session credits once, its row names the credit, replays and racing duplicates move nothing", arguments: StoreBackend.available)
    func completeOnce(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(StoreContractTests.newAgent())
            try await store.recordTopup(NewTopup(sessionID: "cs_once", agentID: agent.id, amount: Money(units: 20), createdAt: Self.now))
            #expect(try await store.topup(sessionID: "cs_once")?.status == .open)
            let outcomes = try await withThrowingTaskGroup(of: TopupOutcome.self) { group in
                for _ in 0..<10 { group.addTask { try await store.completeTopup(Self.completion("cs_once", agentID: agent.id)) } }
                return try await group.reduce(into: [TopupOutcome]()) { $0.append($1) }
            }
            let credited = outcomes.compactMap { if case .credited(let id, let balance) = $0 { (id, balance) } else { nil } }
            #expect(credited.count == 1)
            #expect(credited.first?.1 == Money(units: 20))
            #expect(outcomes.filter { $0 == .alreadyPaid(transactionID: credited.first?.0) }.count == 9)
            let row = try #require(try await store.topup(sessionID: "cs_once"))
            #expect(row.status == .paid && row.transactionID == credited.first?.0 && row.paymentIntent == "pi_cs_once" && row.completedAt == Self.now + 60)
            #expect(try await store.agent(id: agent.id)?.balance == Money(units: 20))
            let summary = try await store.ledgerSummary()
            #expect(summary.transactionCount == 1 && summary.balances[.externalFunding] == Money(units: -20))
            // A paid session stays paid.
            #expect(try await store.closeTopup(sessionID: "cs_once", status: .expired, now: Self.now + 120) == false)
            #expect(try await store.topups(agentID: agent.id, limit: 10).map(\.status) == [.paid])
            #expect(try await store.verifyLedger().isEmpty)
        }
    }

    @Test("unknown sessions and other agents move nothing; closed sessions close once and still credit if paid later", arguments: StoreBackend.available)
    func refusals(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(StoreContractTests.newAgent())
            let other = try await store.createAgent(StoreContractTests.newAgent())
            try await store.recordTopup(NewTopup(sessionID: "cs_a", agentID: agent.id, amount: Money(units: 5), createdAt: Self.now))
            try await store.recordTopup(NewTopup(sessionID: "cs_b", agentID: agent.id, amount: Money(units: 5), createdAt: Self.now + 1))
            #expect(try await store.completeTopup(Self.completion("cs_unknown", agentID: agent.id)) == .unknownSession)
            #expect(try await store.completeTopup(Self.completion("cs_a", agentID: other.id)) == .agentMismatch(sessionAgentID: agent.id))
            #expect(try await store.ledgerSummary().transactionCount == 0)
            #expect(try await store.topup(sessionID: "cs_a")?.status == .open)
            #expect(try await store.closeTopup(sessionID: "cs_b", status: .failed, now: Self.now + 2))
            #expect(try await store.closeTopup(sessionID: "cs_b", status: .expired, now: Self.now + 3) == false)
            #expect(try await store.topup(sessionID: "cs_b")?.status == .failed)
            // Stripe's signed word that the money arrived outranks an earlier close.
            guard case .credited = try await store.completeTopup(Self.completion("cs_b", agentID: nil, amount: Money(units: 5))) else {
                Issue.record("a paid session after its close was not credited")
                return
            }
            #expect(try await store.topups(agentID: agent.id, limit: 10).map(\.sessionID) == ["cs_b", "cs_a"])
            #expect(try await store.agent(id: other.id)?.balance == .zero)
            #expect(try await store.verifyLedger().isEmpty)
        }
    }
}
