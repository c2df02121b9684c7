import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// The `/health` bulkhead on PostgreSQL: each lane has its own connection pool, so reads stuck
/// on the database cannot take the connections `POST /v1/invoke` needs.
@Suite(.enabled(if: TestPostgres.isEnabled))
struct PostgresBulkheadTests {
    @Test func invokeKeepsItsLatencyWhileTheReadPoolIsSaturated() async throws {
        try await TestHub.run(backend: .postgres) { hub in
            let database = try #require(hub.postgresDatabase)
            let agent = try await hub.register(tier: "platinum")  // free calls: settling one never touches ledger_entries
            func timedInvoke() async throws -> Duration {
                let started = ContinuousClock.now
                let response = try await hub.invoke(agent)
                #expect(response.status == 200, "\(response.text)")
                return ContinuousClock.now - started
            }
            var baseline: [Duration] = []
            for _ in 0..<10 { baseline.append(try await timedInvoke()) }

            // Another session holds ledger_entries for 8 s: every wallet-history read (read lane) waits on it.
            let holder = try await TestPostgres.shared.psqlInBackground(
                database: database, "BEGIN; LOCK TABLE ledger_entries IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(8); COMMIT;")
            try await Task.sleep(for: .milliseconds(300))
            let lockedAt = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await hub.get("/v1/agents/me/transactions", headers: agent.headers)
                        #expect(response.status == 200)
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                let health = try await hub.get("/health").json
                let read = health["pools"]?["read"]?["connections"]
                #expect(read?["size"]?.numberValue?.integerValue == 2)
                #expect((read?["in_flight"]?.numberValue?.integerValue ?? 0) >= 8, "reads should be stuck in the read pool: \(health)")
                #expect(health["pools"]?["invoke"]?["connections"]?["in_flight"]?.numberValue?.integerValue == 0)

                var saturated: [Duration] = []
                for _ in 0..<10 { saturated.append(try await timedInvoke()) }
                // Every invoke finished while the reads were still blocked (they still hold the read pool)...
                let after = try await hub.get("/health").json["pools"]?["read"]?["connections"]?["in_flight"]?.numberValue?.integerValue ?? 0
                #expect(after >= 8, "the reads finished before the invokes: the lock was gone")
                #expect(ContinuousClock.now - lockedAt < .seconds(7))
                // ...and at its usual latency (generous: this machine is shared and noisy).
                let usual = baseline.sorted()[baseline.count / 2]
                let during = saturated.sorted()[saturated.count / 2]
                #expect(during < max(usual * 5, .milliseconds(250)), "median invoke \(during) vs \(usual) before saturation")
                try await group.waitForAll()
            }
            #expect(TestPostgres.waitForExit(holder) == 0)
        }
    }
}
