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
            var known: [Duration] = []
            var unknown: [Duration] = []
            // Interleaved, so drift in the machine's load falls on both alike.
            for index in 0..<150 {
                known.append(try await timed(agent.id))
                unknown.append(try await timed("jecp_ag_missing\(index)"))
            }
            let knownMedian = known.sorted()[known.count / 2]
            let unknownMedian = unknown.sorted()[unknown.count / 2]
            let difference = knownMedian > unknownMedian ? knownMedian - unknownMedian : unknownMedian - knownMedian
            #expect(difference < max(knownMedian, unknownMedian) * 0.1,
                    "median \(knownMedian) for an existing agent vs \(unknownMedian) for a missing one")
        }
    }
}
