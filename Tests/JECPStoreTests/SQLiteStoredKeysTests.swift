import Foundation
import JECPHubCore
import JECPModels
import JECPStoreSQLite
import Logging
import Testing

/// The embedded store skips the stored-response read for ids it knows are new: the set of stored
/// keys must therefore hold every key with a live response, across a reopen of the file and
/// after expired responses are purged.
@Suite("SQLite stored keys")
struct SQLiteStoredKeysTests {
    @Test func storedResponsesAreFoundAfterAReopenAndAPurge() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "jecp-store-test")
        logger.logLevel = .critical
        let now = StoreContractTests.now
        func expectStored(_ store: SQLiteStore, _ agent: AgentRecord, _ key: String, at time: Int64) async throws {
            guard case .stored = try await store.claimRequest(agentID: agent.id, key: key, now: time, leaseUntil: time + 30) else {
                Issue.record("\(key): its stored response was not found")
                return
            }
        }

        var store = try SQLiteStore(path: directory + "/hub.sqlite", logger: logger)
        let agent = try await store.createAgent(StoreContractTests.newAgent())
        _ = try await store.credit(StoreContractTests.credit(agent, "1"))
        var shortLived = StoreContractTests.invocation(agent, price: "0.01", key: "short-lived")
        shortLived.idempotencyExpiresAt = now + 10
        for invocation in [shortLived, StoreContractTests.invocation(agent, price: "0.01", key: "kept")] {
            #expect(try await store.claimRequest(agentID: agent.id, key: invocation.idempotencyKey, now: now, leaseUntil: now + 30) == .claimed)
            guard case .completed = try await store.completeInvocation(invocation, render: StoreContractTests.render) else {
                Issue.record("not completed")
                return
            }
        }
        try await expectStored(store, agent, "kept", at: now + 1)
        try await store.close()

        // A new process on the same file knows the keys from the table.
        store = try SQLiteStore(path: directory + "/hub.sqlite", logger: logger)
        try await expectStored(store, agent, "kept", at: now + 2)
        try await expectStored(store, agent, "short-lived", at: now + 2)

        // Purging the expired one rebuilds the set: the live key stays, a new key is still new.
        #expect(try await store.purgeExpiredIdempotency(now: now + 20) == 1)
        try await expectStored(store, agent, "kept", at: now + 21)
        #expect(try await store.claimRequest(agentID: agent.id, key: "short-lived", now: now + 21, leaseUntil: now + 51) == .claimed)
        #expect(try await store.claimRequest(agentID: agent.id, key: "brand-new", now: now + 21, leaseUntil: now + 51) == .claimed)
        try await store.close()
    }
}
