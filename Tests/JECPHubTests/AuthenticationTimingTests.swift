import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// Security rule: a wrong key takes as long whether or not the agent exists, so timing does not
/// reveal which agent ids are registered.
@Suite struct AuthenticationTimingTests {
    @Test(arguments: StoreBackend.available) func wrongKeyTimingDoesNotRevealExistence(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            let wrongKey = "jecp_ak_" + String(repeating: "x", count: 40)
            func timed(_ id: String) async throws -> Duration {
                let started = ContinuousClock.now
                let response = try await hub.get("/v1/agents/me", headers: ["X-Agent-ID": id, "X-API-Key": wrongKey])
                let elapsed = ContinuousClock.now - started
                #expect(response.errorCode == "INVALID_API_KEY")
                return elapsed
            }
            // Paired, back to back and in alternating order, so the load of a busy machine
            // (the rest of the suite runs alongside) falls on both sides of each pair alike.
            var differences: [Double] = []
            var known: [Double] = []
            for index in 0..<200 {
                let missing = "jecp_ag_missing\(index)"
                let (first, second) = index % 2 == 0 ? (agent.id, missing) : (missing, agent.id)
                let a = try await timed(first), b = try await timed(second)
                let (existing, absent) = index % 2 == 0 ? (a, b) : (b, a)
                differences.append((existing - absent) / .microseconds(1))
                known.append(existing / .microseconds(1))
            }
            let medianDifference = differences.sorted()[differences.count / 2]
            let medianKnown = known.sorted()[known.count / 2]
            #expect(abs(medianDifference) < medianKnown * 0.1,
                    "existing agents answer \(medianDifference) µs slower (median of pairs) at a median of \(medianKnown) µs")
        }
    }
}
