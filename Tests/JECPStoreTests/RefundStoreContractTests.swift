import Foundation
import JECPHubCore
import JECPModels
import JECPTestPostgres
import Testing

/// The refund methods of every `HubStore`, on SQLite and PostgreSQL alike.
@Suite("Refund store contract")
struct RefundStoreContractTests {
    static let now = StoreContractTests.now
    static let day: Int64 = 86_400

    static func request(_ agent: AgentRecord, _ transaction: String, now: Int64 = now, cap: Int = 10, window: Int64 = 30 * day) -> RefundRequest {
        RefundRequest(id: "rf_" + UUID().uuidString.lowercased().prefix(12), agentID: agent.id, transactionID: transaction, reason: "broken",
                      evidenceURL: nil, now: now, maximumAgeSeconds: window, dailyCap: cap, autoApproveAfterSeconds: 72 * 3_600)
    }

    /// An agent with 1 USDC and `charges` paid calls of 0.01 each; returns the agent and the charges' transaction ids.
    static func agentWithCharges(_ store: any HubStore, _ charges: Int) async throws -> (AgentRecord, [String], credit: String) {
        let agent = try await store.createAgent(StoreContractTests.newAgent())
        guard case .credited(let credit, _) = try await store.credit(StoreContractTests.credit(agent, "1")) else { throw StoreError.notFound }
        var transactions: [String] = []
        for _ in 0..<charges {
            let call = StoreContractTests.invocation(agent, price: "0.01")
            guard case .completed = try await store.completeInvocation(call, render: StoreContractTests.render) else { throw StoreError.notFound }
            transactions.append(call.transactionID)
        }
        return (agent, transactions, credit)
    }

    @Test("requesting: every rule answers its own outcome; the record carries the charge", arguments: StoreBackend.available)
    func requesting(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (agent, charges, credit) = try await Self.agentWithCharges(store, 4)
            let (other, _, _) = try await Self.agentWithCharges(store, 0)
            #expect(try await store.requestRefund(Self.request(other, charges[0])) == .transactionNotFound)
            #expect(try await store.requestRefund(Self.request(agent, "no-such-transaction")) == .transactionNotFound)
            #expect(try await store.requestRefund(Self.request(agent, credit)) == .notACharge(kind: "credit"))
            #expect(try await store.requestRefund(Self.request(agent, charges[0], now: Self.now + 30 * Self.day + 1)) == .tooOld(chargedAt: Self.now))

            guard case .requested(let first) = try await store.requestRefund(Self.request(agent, charges[0], cap: 2)) else {
                Issue.record("not requested")
                return
            }
            #expect(first.amount == (try! Money(decimal: "0.01")) && first.status == .requested && first.providerNamespace == "hub")
            #expect(first.capability == "hub/text-analysis" && first.action == "summarize" && first.invocationID != nil)
            #expect(first.autoApproveAt == Self.now + 72 * 3_600 && first.createdAt == Self.now)
            #expect(try await store.refund(id: first.id) == first)
            #expect(try await store.requestRefund(Self.request(agent, charges[0])) == .alreadyRequested(first))

            guard case .requested = try await store.requestRefund(Self.request(agent, charges[1], now: Self.now + 10, cap: 2)) else {
                Issue.record("second not requested")
                return
            }
            #expect(try await store.requestRefund(Self.request(agent, charges[2], now: Self.now + 20, cap: 2))
                    == .capReached(requestsInWindow: 2, oldestInWindow: Self.now))
            // A day later the first one has left the window.
            guard case .requested = try await store.requestRefund(Self.request(agent, charges[2], now: Self.now + Self.day + 1, cap: 2)) else {
                Issue.record("not requested after the window moved")
                return
            }
            // Concurrent requests of one agent never exceed the cap.
            let (racer, raced, _) = try await Self.agentWithCharges(store, 6)
            let outcomes = try await withThrowingTaskGroup(of: RefundRequestOutcome.self) { group in
                for transaction in raced { group.addTask { try await store.requestRefund(Self.request(racer, transaction, cap: 3)) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .requested = $0 { true } else { false } }.count == 3)
        }
    }

    @Test("listing: newest first, by agent or provider, status filter, cursor", arguments: StoreBackend.available)
    func listing(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (agent, charges, _) = try await Self.agentWithCharges(store, 3)
            var ids: [String] = []
            for (offset, charge) in charges.enumerated() {
                guard case .requested(let refund) = try await store.requestRefund(Self.request(agent, charge, now: Self.now + Int64(offset))) else {
                    Issue.record("not requested")
                    return
                }
                ids.append(refund.id)
            }
            let all = try await store.refunds(agentID: agent.id, status: nil, before: nil, limit: 10)
            #expect(all.map(\.id) == ids.reversed())
            let page = try await store.refunds(agentID: agent.id, status: nil, before: all[0].sequence, limit: 1)
            #expect(page.map(\.id) == [ids[1]])
            #expect(try await store.refunds(providerNamespace: "hub", status: .requested, before: nil, limit: 10).count == 3)
            #expect(try await store.refunds(providerNamespace: "someone-else", status: nil, before: nil, limit: 10).isEmpty)
            let (stranger, theirs, _) = try await Self.agentWithCharges(store, 1)
            guard case .requested(let strangers) = try await store.requestRefund(Self.request(stranger, theirs[0], now: Self.now + 9)) else {
                Issue.record("not requested")
                return
            }
            #expect(try await store.allRefunds(status: nil, before: nil, limit: 10).map(\.id) == [strangers.id] + ids.reversed())
            #expect(try await store.allRefunds(status: .requested, before: nil, limit: 2).count == 2)
            #expect(try await store.refunds(agentID: agent.id, status: nil, before: nil, limit: 10).count == 3)
            #expect(try await store.refunds(agentID: agent.id, status: .approved, before: nil, limit: 10).isEmpty)
            #expect(try await store.refundsDueForAutoApproval(now: Self.now + 72 * 3_600, limit: 10) == [ids[0]])
            #expect(try await store.refundsDueForAutoApproval(now: Self.now, limit: 10).isEmpty)
        }
    }

    @Test("deciding: approval reverses the charge exactly once; a provider sees only its own; racing decisions have one winner",
          arguments: StoreBackend.available)
    func deciding(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (agent, charges, _) = try await Self.agentWithCharges(store, 2)
            guard case .requested(let refund) = try await store.requestRefund(Self.request(agent, charges[0])),
                  case .requested(let denied) = try await store.requestRefund(Self.request(agent, charges[1]))
            else {
                Issue.record("not requested")
                return
            }
            func decision(_ id: String, _ approve: Bool, namespace: String? = nil) -> RefundDecision {
                RefundDecision(refundID: id, approve: approve, decidedBy: namespace.map { "provider:\($0)" } ?? "operator", note: "n",
                               providerNamespace: namespace, now: Self.now + 5)
            }
            #expect(try await store.decideRefund(decision(refund.id, true, namespace: "other")) == .notFound)
            #expect(try await store.decideRefund(decision("rf_missing", true)) == .notFound)

            let outcomes = try await withThrowingTaskGroup(of: RefundDecisionOutcome.self) { group in
                for index in 0..<8 { group.addTask { try await store.decideRefund(decision(refund.id, index % 2 == 0, namespace: "hub")) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = outcomes.compactMap { if case .decided(let record) = $0 { record } else { nil } }
            #expect(winners.count == 1 && outcomes.count == 8)
            let winner = try #require(winners.first)
            #expect(winner.decidedBy == "provider:hub" && winner.decidedAt == Self.now + 5)
            let reversed = winner.status == .approved
            #expect(reversed == (winner.refundTransactionID != nil))
            #expect(try await store.refund(id: refund.id) == winner)

            guard case .decided(let deniedNow) = try await store.decideRefund(decision(denied.id, false)) else {
                Issue.record("deny did not decide")
                return
            }
            #expect(deniedNow.status == .denied && deniedNow.refundTransactionID == nil && deniedNow.decidedBy == "operator")
            #expect(try await store.decideRefund(decision(denied.id, true)) == .alreadyDecided(deniedNow))

            let balance = try await store.agent(id: agent.id)?.balance
            #expect(balance == (try! Money(decimal: reversed ? "0.99" : "0.98")))
            let summary = try await store.ledgerSummary()
            #expect(summary.transactionCount == (reversed ? 4 : 3) && summary.globalSum == .zero)
            #expect(summary.balances[.hubFees] == (try! Money(decimal: reversed ? "0.001" : "0.002")))
            if reversed {
                let history = try await store.walletTransactions(agentID: agent.id, before: nil, limit: 1)
                #expect(history.first?.kind == "refund" && history.first?.amount == (try! Money(decimal: "0.01")))
                #expect(history.first?.balanceAfter == (try! Money(decimal: "0.99")) && history.first?.transactionID == winner.refundTransactionID)
            }
            #expect(try await store.verifyLedger().isEmpty)
        }
    }
}
