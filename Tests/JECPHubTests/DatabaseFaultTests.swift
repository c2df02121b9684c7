import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// A database that stops accepting writes (spec'd as "read-only database" in the fault issue):
/// paid calls fail with a clean 503 SERVICE_DEGRADED and Retry-After, nothing is charged, and the
/// Hub serves again by itself once writes come back.
@Suite struct DatabaseFaultTests {
    @Test func aReadOnlyDatabaseAnswers503AndTheHubRecoversByItself() async throws {
        guard StoreBackend.available.contains(.postgres) else { return }
        try await TestHub.run(["jecp.freeCalls": 0], backend: .postgres) { hub in
            let database = try #require(hub.postgresDatabase)
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            #expect(try await hub.invoke(agent, action: "echo").status == 200)
            let before = try await hub.ledgerSummary()

            // New sessions are read-only; existing ones are cut so the Hub's pools reconnect into them.
            // (Run from the maintenance database: a session in a read-only database cannot undo it.)
            func setReadOnly(_ on: Bool) async throws {
                _ = try await TestPostgres.shared.psql(database: "postgres", "ALTER DATABASE \"\(database)\" SET default_transaction_read_only = \(on ? "on" : "off")")
                _ = try await TestPostgres.shared.psql(database: "postgres", """
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()
                    """)
            }
            try await setReadOnly(true)
            for attempt in 0..<5 {
                let response = try await hub.invoke(agent, action: "echo", id: "read-only-\(attempt)")
                #expect(response.status == 503 && response.errorCode == "SERVICE_DEGRADED", "\(response.text)")
                #expect(response.header("Retry-After") != nil)
            }
            try await setReadOnly(false)
            var recovered = false
            for attempt in 0..<100 where !recovered {
                recovered = try await hub.invoke(agent, action: "echo", id: "recovered-\(attempt)").status == 200
                if !recovered { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(recovered)
            let after = try await hub.ledgerSummary()
            // Exactly the one recovered call was charged; the refused ones moved nothing.
            #expect(after["transaction_count"]?.numberValue?.integerValue == (before["transaction_count"]?.numberValue?.integerValue ?? 0) + 1)
            #expect(after["global_sum_usdc"]?.money == .zero)
        }
    }
}
