import Foundation
import JECPModels
import JECPTestPostgres
import Testing

/// Spec 02 §6.5 and 03 §3.5: sliding 60 s windows by tier, stricter per action, and registration.
@Suite struct RateLimitTests {
    @Test(arguments: StoreBackend.available) func bronzeAgentsGetTenPerMinuteThen429(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            for index in 0..<10 {
                let response = try await hub.invoke(agent)
                #expect(response.status == 200)
                #expect(response.header("X-RateLimit-Remaining") == String(9 - index))
            }
            let limited = try await hub.invoke(agent)
            #expect(limited.status == 429)
            #expect(limited.errorCode == "RATE_LIMITED")
            let retryAfter = try #require(limited.header("Retry-After").flatMap(Int.init))
            #expect((1...600).contains(retryAfter))
            #expect(limited.details["retry_after_seconds"]?.numberValue?.integerValue == Int64(retryAfter))
            #expect(limited.details["tier"] == "bronze")
            #expect(limited.details["limit_rpm"] == 10)
            #expect(limited.details["reset_at"]?.stringValue.flatMap(Timestamps.parseRFC3339) != nil)
            #expect(limited.nextAction?["type"] == "wait")
            #expect(limited.header("X-RateLimit-Remaining") == "0")
            // Another agent is unaffected.
            let other = try await hub.register()
            #expect(try await hub.invoke(other).status == 200)
        }
    }

    @Test(arguments: StoreBackend.available) func perActionLimitIsStricterThanTheTier(backend: StoreBackend) async throws {
        try await TestHub.run(backend: backend) { hub in
            let agent = try await hub.register()
            #expect(try await hub.invoke(agent, action: "limited").status == 200)
            #expect(try await hub.invoke(agent, action: "limited").status == 200)
            let third = try await hub.invoke(agent, action: "limited")
            #expect(third.status == 429)
            #expect(third.details["limit_rpm"] == 2)
            #expect(try await hub.invoke(agent, action: "echo").status == 200)
        }
    }

    @Test(arguments: StoreBackend.available) func registrationIsLimitedPerAddress(backend: StoreBackend) async throws {
        try await TestHub.run(["jecp.registrationRpm": 3], backend: backend) { hub in
            for _ in 0..<3 { _ = try await hub.register() }
            let response = try await hub.post("/api/agent/register", json: ["name": "one-too-many"])
            #expect(response.status == 429)
            #expect(response.errorCode == "RATE_LIMITED")
            #expect(response.header("Retry-After").flatMap(Int.init).map { (1...600).contains($0) } == true)
        }
    }
}
