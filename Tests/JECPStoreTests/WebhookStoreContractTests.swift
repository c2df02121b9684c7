import Foundation
import JECPHubCore
import JECPModels
import JECPTestPostgres
import Testing

/// The webhook side of every `HubStore`: subscriptions with their routing rows, the outbox and
/// leased claims, on SQLite and PostgreSQL alike.
@Suite("Webhook store contract")
struct WebhookStoreContractTests {
    static let now = StoreContractTests.now

    static func subscribe(_ store: any HubStore, owner: WebhookOwner, events: [WebhookEventType] = [.walletToppedUp]) async throws -> SubscriptionRecord {
        let new = NewSubscription(id: "wh_" + UUID().uuidString.prefix(12), owner: owner, endpointURL: "https://hooks.example/x", events: events,
                                  sealedSecret: [1, 2, 3], createdAt: now)
        guard case .created(let record) = try await store.createSubscription(new, maximumPerOwner: 10) else { throw StoreError.notFound }
        return record
    }

    static func event(_ agentID: String, _ type: WebhookEventType = .walletToppedUp) -> OutboxEvent {
        OutboxEvent(type: type, agentID: agentID, providerNamespace: nil, data: ["n": 1], now: now)
    }

    @Test("two concurrent claimers never get the same delivery; every delivery is claimed once", arguments: StoreBackend.available)
    func concurrentClaimsAreDisjoint(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let owner = WebhookOwner(kind: .agent, id: "ag_claims")
            _ = try await Self.subscribe(store, owner: owner)
            for _ in 0..<40 { try await store.recordEvent(Self.event(owner.id)) }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let batch = try await store.claimDeliveries(now: Self.now, leaseUntil: Self.now + 60, limit: 3)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.eventID)
                        }
                    }
                }
                var all: [[String]] = []
                for try await ids in group { all.append(ids) }
                return all
            }
            let flat = claimed.flatMap { $0 }
            #expect(flat.count == 40 && Set(flat).count == 40)
        }
    }

    @Test("a lease hides a delivery until it runs out; retry, delivery and abandonment update the subscription; N failures pause it",
          arguments: StoreBackend.available)
    func leaseAndOutcomes(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let owner = WebhookOwner(kind: .agent, id: "ag_lease")
            let subscription = try await Self.subscribe(store, owner: owner)
            try await store.recordEvent(Self.event(owner.id))
            let first = try await store.claimDeliveries(now: Self.now, leaseUntil: Self.now + 30, limit: 10)
            #expect(first.count == 1 && first[0].attempts == 0 && first[0].sealedSecret == [1, 2, 3])
            #expect(try await store.claimDeliveries(now: Self.now + 29, leaseUntil: Self.now + 60, limit: 10).isEmpty)
            // The claimer died: after its lease, someone else takes it.
            let again = try await store.claimDeliveries(now: Self.now + 30, leaseUntil: Self.now + 60, limit: 10)
            #expect(again.map(\.eventID) == first.map(\.eventID))

            let delivery = first[0]
            try await store.finishDelivery(eventID: delivery.eventID, subscriptionID: subscription.id,
                                           outcome: .retry(error: "http_500", status: 500, nextAttemptAt: Self.now + 100), pauseAfter: 3, now: Self.now + 31)
            #expect(try await store.claimDeliveries(now: Self.now + 99, leaseUntil: Self.now + 200, limit: 10).isEmpty)
            var record = try #require(try await store.subscription(id: subscription.id, owner: owner))
            #expect(record.consecutiveFailures == 1 && record.lastError == "http_500" && record.status == .active)
            let retried = try await store.claimDeliveries(now: Self.now + 100, leaseUntil: Self.now + 200, limit: 10)
            #expect(retried.first?.attempts == 1)
            try await store.finishDelivery(eventID: delivery.eventID, subscriptionID: subscription.id, outcome: .delivered(status: 204),
                                           pauseAfter: 3, now: Self.now + 101)
            // A late duplicate finish (a node whose lease ran out) changes nothing.
            try await store.finishDelivery(eventID: delivery.eventID, subscriptionID: subscription.id,
                                           outcome: .abandoned(error: "late", status: nil), pauseAfter: 3, now: Self.now + 102)
            record = try #require(try await store.subscription(id: subscription.id, owner: owner))
            #expect(record.consecutiveFailures == 0 && record.lastSuccessAt == Self.now + 101)
            let history = try await store.deliveries(subscriptionID: subscription.id, limit: 5)
            #expect(history.count == 1 && history[0].status == "delivered" && history[0].attempts == 2 && history[0].lastStatus == 204)

            for _ in 0..<3 { try await store.recordEvent(Self.event(owner.id)) }
            for claimed in try await store.claimDeliveries(now: Self.now + 200, leaseUntil: Self.now + 260, limit: 10) {
                try await store.finishDelivery(eventID: claimed.eventID, subscriptionID: subscription.id,
                                               outcome: .abandoned(error: "url_blocked_ssrf: scheme: no", status: nil), pauseAfter: 3, now: Self.now + 201)
            }
            record = try #require(try await store.subscription(id: subscription.id, owner: owner))
            #expect(record.status == .paused && record.consecutiveFailures == 3)
            #expect(record.pausedReason?.hasPrefix("consecutive_failures: 3 failed attempts in a row") == true)
        }
    }

    @Test("paused subscriptions' deliveries wait; deleting abandons them; other owners see nothing; events nobody wants are not stored",
          arguments: StoreBackend.available)
    func pausedDeletedAndOwnership(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let owner = WebhookOwner(kind: .agent, id: "ag_pause")
            let stranger = WebhookOwner(kind: .provider, id: "ag_pause")
            let subscription = try await Self.subscribe(store, owner: owner, events: [.walletToppedUp, .invocationFailed])
            try await store.recordEvent(Self.event(owner.id, .walletLowBalance))  // not subscribed
            try await store.recordEvent(Self.event("ag_other"))  // not this owner
            #expect(try await store.claimDeliveries(now: Self.now, leaseUntil: Self.now + 30, limit: 10).isEmpty)

            try await store.recordEvent(Self.event(owner.id, .invocationFailed))
            _ = try await store.updateSubscription(id: subscription.id, owner: owner, change: SubscriptionChange(status: .paused), now: Self.now)
            #expect(try await store.claimDeliveries(now: Self.now, leaseUntil: Self.now + 30, limit: 10).isEmpty)
            #expect(try await store.subscription(id: subscription.id, owner: stranger) == nil)
            #expect(try await store.updateSubscription(id: subscription.id, owner: stranger, change: SubscriptionChange(status: .active), now: Self.now) == nil)
            #expect(try await store.deleteSubscription(id: subscription.id, owner: stranger, now: Self.now) == false)

            let resumed = try await store.updateSubscription(id: subscription.id, owner: owner,
                                                             change: SubscriptionChange(events: [.invocationFailed], status: .active), now: Self.now + 1)
            #expect(resumed?.status == .active && resumed?.events == [.invocationFailed])
            // The routing rows follow the new event list.
            try await store.recordEvent(Self.event(owner.id, .walletToppedUp))
            let pending = try await store.claimDeliveries(now: Self.now + 1, leaseUntil: Self.now + 2, limit: 10)
            #expect(pending.map(\.eventType) == ["invocation.failed"])

            #expect(try await store.deleteSubscription(id: subscription.id, owner: owner, now: Self.now + 3))
            let history = try await store.deliveries(subscriptionID: subscription.id, limit: 5)
            #expect(history.map(\.status) == ["abandoned"] && history.first?.lastError == "subscription_deleted")
            #expect(try await store.claimDeliveries(now: Self.now + 10, leaseUntil: Self.now + 20, limit: 10).isEmpty)
            #expect(try await store.purgeFinishedDeliveries(before: Self.now + 4) == 1)
        }
    }

    @Test("a settlement refused for insufficient funds writes no event; a settled one writes invocation.completed", arguments: StoreBackend.available)
    func noEventForRefusedCharge(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(StoreContractTests.newAgent())
            _ = try await Self.subscribe(store, owner: WebhookOwner(kind: .agent, id: agent.id), events: [.invocationCompleted])
            let refused = try await store.completeInvocation(StoreContractTests.invocation(agent, price: "0.5"), render: StoreContractTests.render)
            guard case .insufficientFunds = refused else { throw StoreError.notFound }
            #expect(try await store.claimDeliveries(now: Self.now, leaseUntil: Self.now + 30, limit: 10).isEmpty)

            _ = try await store.credit(StoreContractTests.credit(agent, "1"))
            let paid = try await store.completeInvocation(StoreContractTests.invocation(agent, price: "0.5"), render: StoreContractTests.render)
            guard case .completed = paid else { throw StoreError.notFound }
            let claimed = try await store.claimDeliveries(now: Self.now, leaseUntil: Self.now + 30, limit: 10)
            #expect(claimed.map(\.eventType) == ["invocation.completed"])
            let payload = try JSONValue(parsing: claimed[0].payload)
            #expect(payload["data"]?["agent_id"] == .string(agent.id) && payload["id"] == .string(claimed[0].eventID))
        }
    }
}
