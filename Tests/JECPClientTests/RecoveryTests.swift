import Foundation
@testable import JECPClient
import JECPModels
import Testing

/// The opt-in `next_action` helpers.
@Suite struct RecoveryTests {
    static let wait: JSONValue = ["type": "wait", "retry_after_seconds": 5]

    @Test func waitSleepsRetryAfterThenRetries() async throws {
        let sleeper = SleepRecorder()
        let transport = FakeTransport([Fixtures.error(429, "RATE_LIMITED", next: Self.wait, headers: [("Retry-After", "5")]), Fixtures.success()])
        let client = Fixtures.client(transport, sleeper: sleeper, retry: .none)
        let result = try await client.invoke("a", "b", input: [:], options: InvokeOptions(recovery: RecoveryOptions(wait: true)))
        #expect(result.output == ["ok": true])
        #expect(sleeper.recorded == [.seconds(5)])
        #expect(transport.bodies.map { $0["id"] }.count == 2)
        #expect(transport.bodies[0]["id"] == transport.bodies[1]["id"])
    }

    @Test func waitUsesNextActionSecondsAndTheCap() async throws {
        let sleeper = SleepRecorder()
        let transport = FakeTransport([Fixtures.error(429, "RATE_LIMITED", next: ["type": "wait", "retry_after_seconds": 500]), Fixtures.success()])
        let client = Fixtures.client(transport, sleeper: sleeper, retry: RetryPolicy(maxAttempts: 1, maxRetryAfter: .seconds(2)))
        _ = try await client.invoke("a", "b", input: [:], options: InvokeOptions(recovery: RecoveryOptions(wait: true)))
        #expect(sleeper.recorded == [.seconds(2)])
    }

    @Test func withoutWaitTheErrorReachesTheCaller() async throws {
        let transport = FakeTransport([Fixtures.error(429, "RATE_LIMITED", next: Self.wait, headers: [("Retry-After", "5")]), Fixtures.success()])
        let error = try #require(await failure {
            try await Fixtures.client(transport, retry: .none).invoke("a", "b", input: [:])
        })
        #expect(error.code == .rateLimited)
        #expect(error.retryAfter == .seconds(5))
        guard case .wait(let seconds) = error.nextAction else { Issue.record("expected wait"); return }
        #expect(seconds == 5)
    }

    @Test func recoveriesAreLimited() async throws {
        let sleeper = SleepRecorder()
        let transport = FakeTransport((0..<5).map { _ in Fixtures.error(429, "RATE_LIMITED", next: Self.wait) })
        let error = try #require(await failure {
            try await Fixtures.client(transport, sleeper: sleeper, retry: .none)
                .invoke("a", "b", input: [:], options: InvokeOptions(recovery: RecoveryOptions(wait: true, maxRecoveries: 2)))
        })
        #expect(error.code == .rateLimited)
        #expect(transport.requests.count == 3)
        #expect(sleeper.recorded.count == 2)
    }

    @Test func renewMandateAsksTheCallerForANewMandate() async throws {
        let transport = FakeTransport([Fixtures.error(401, "MANDATE_EXPIRED", next: ["type": "renew_mandate"]), Fixtures.success()])
        let client = Fixtures.client(transport)
        let renewed = Date(timeIntervalSince1970: 1_900_003_600)
        let recovery = RecoveryOptions(renewMandate: { error in
            error.code == .mandateExpired ? MandateOptions(expiresAt: renewed) : nil
        })
        let stale = MandateOptions(expiresAt: Date(timeIntervalSince1970: 1_800_000_000))
        _ = try await client.invoke("a", "b", input: [:], options: InvokeOptions(mandate: stale, recovery: recovery))
        let mandates = transport.bodies.compactMap { $0["mandate"] }
        #expect(mandates.map { $0["expires_at"] } == [.string(Timestamps.rfc3339(1_800_000_000)), .string(Timestamps.rfc3339(1_900_003_600))])
        #expect(mandates[0]["provenance_hash"] != mandates[1]["provenance_hash"])
        #expect(transport.bodies[0]["id"] == transport.bodies[1]["id"])
    }

    @Test func renewMandateReturningNilGivesUp() async throws {
        let transport = FakeTransport([Fixtures.error(401, "MANDATE_EXPIRED", next: ["type": "renew_mandate"]), Fixtures.success()])
        let error = try #require(await failure {
            try await Fixtures.client(transport).invoke("a", "b", input: [:],
                                                        options: InvokeOptions(mandate: MandateOptions(), recovery: RecoveryOptions(renewMandate: { _ in nil })))
        })
        #expect(error.code == .mandateExpired)
        #expect(transport.requests.count == 1)
    }
}
