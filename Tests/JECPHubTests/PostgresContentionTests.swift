import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// DESIGN.md: no row that every call updates. While one agent's payment is open (its row and
/// everything a charge writes held by an unfinished transaction), another agent pays unhindered.
@Suite(.enabled(if: TestPostgres.isEnabled))
struct PostgresContentionTests {
    @Test func anOpenPaymentOfOneAgentDoesNotHoldUpAnother() async throws {
        try await TestHub.run(["jecp.freeCalls": 0], backend: .postgres) { hub in
            let database = try #require(hub.postgresDatabase)
            let first = try await hub.register()
            let second = try await hub.register()
            try await hub.credit(first, "1")
            try await hub.credit(second, "1")
            // A payment of the first agent, written the way the Hub writes one, left open for 8 s.
            let holder = try await TestPostgres.shared.psqlInBackground(database: database, """
                BEGIN;
                UPDATE agents SET balance_micros = balance_micros - 1000, total_calls = total_calls + 1 WHERE id = '\(first.id)';
                INSERT INTO ledger_transactions (id, kind, agent_id, created_at) VALUES ('held', 'charge', '\(first.id)', 0);
                INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros) VALUES
                    ('held', 'wallet:\(first.id)', 'wallet', -1000), ('held', 'provider:hub', 'provider_payable', 850),
                    ('held', 'hub:fees', 'hub_fees', 100), ('held', 'hub:payment_processing', 'payment_fees', 50);
                SELECT pg_sleep(8);
                ROLLBACK;
                """)
            // Wait until the payment is really open (its wallet row changed, uncommitted, is locked).
            for _ in 0..<100 {
                let locked = try await TestPostgres.shared.psql(database: database, """
                    SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'ledger_entries' AND l.granted AND l.pid <> pg_backend_pid()
                    """)
                if locked != "0" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            for _ in 0..<5 {
                let paid = try await hub.invoke(second, capability: "content-factory", action: "text-stats", input: ["text": "not waiting"])
                #expect(paid.status == 200, "\(paid.text)")
            }
            // All five settled while the first agent's payment was still open: none waited on it.
            var status: Int32 = 0
            #expect(waitpid(holder, &status, WNOHANG) == 0, "the second agent's payments waited for the first's to end")
            #expect(TestPostgres.waitForExit(holder) == 0)
        }
    }
}
