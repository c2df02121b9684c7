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
            func measure() async throws -> (difference: Double, known: Double) {
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
                return (differences.sorted()[differences.count / 2], known.sorted()[known.count / 2])
            }
            // A real leak shows in every round; a burst of load from the suite rarely spans three.
            var rounds: [(difference: Double, known: Double)] = []
            for _ in 0..<3 {
                rounds.append(try await measure())
                if let last = rounds.last, abs(last.difference) < last.known * 0.1 { break }
            }
            let last = rounds[rounds.count - 1]
            #expect(abs(last.difference) < last.known * 0.1,
                    "existing agents answer slower in every round (median of pairs µs, median µs): \(rounds)")
        }
    }
}
