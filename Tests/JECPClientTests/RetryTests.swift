import Foundation
@testable import JECPClient
import JECPModels
import Testing

/// Which calls are retried, how long the client waits, and that a retry is the same request.
@Suite struct RetryTests {
    @Test func invokeRetriesServerErrorsWithTheSameRequestID() async throws {
        let transport = FakeTransport([Fixtures.error(503, "SERVICE_DEGRADED"), .failure(TransportError(.network, "reset")), Fixtures.success()])
        let sleeper = SleepRecorder()
        let client = Fixtures.client(transport, sleeper: sleeper)
        let result = try await client.invoke("content-factory", "text-stats", input: ["text": "hi"])
        #expect(result.output == ["ok": true])
        let ids = transport.bodies.map { $0["id"] }
        #expect(ids.count == 3)
        #expect(Set(ids.map { $0?.stringValue }).count == 1)
        #expect(ids[0]?.stringValue?.hasPrefix("req_") == true)
        #expect(result.requestID == "req_1")
        // Full jitter with the upper bound taken: 200 ms, then 400 ms.
        #expect(sleeper.recorded == [.milliseconds(200), .milliseconds(400)])
    }

    @Test func givenRequestIDIsSentOnEveryAttempt() async throws {
        let transport = FakeTransport([Fixtures.error(500, "INTERNAL_ERROR"), Fixtures.success(id: "my-request-1")])
        let client = Fixtures.client(transport)
        _ = try await client.invoke("a", "b", input: [:], options: InvokeOptions(requestID: "my-request-1"))
        #expect(transport.bodies.map { $0["id"] } == ["my-request-1", "my-request-1"])
    }

    @Test func retryAfterSecondsIsHonored() async throws {
        let sleeper = SleepRecorder()
        let transport = FakeTransport([Fixtures.error(429, "RATE_LIMITED", headers: [("Retry-After", "7")]), Fixtures.success()])
        _ = try await Fixtures.client(transport, sleeper: sleeper).invoke("a", "b", input: [:])
        #expect(sleeper.recorded == [.seconds(7)])
    }

    @Test func retryAfterHTTPDateIsHonored() async throws {
        let sleeper = SleepRecorder()
        let date = Timestamps.imfFixdate(Int64(sleeper.now.timeIntervalSince1970) + 30)
        let transport = FakeTransport([Fixtures.error(503, "PROVIDER_UNAVAILABLE", headers: [("Retry-After", date)]), Fixtures.success()])
        _ = try await Fixtures.client(transport, sleeper: sleeper).invoke("a", "b", input: [:])
        #expect(sleeper.recorded == [.seconds(30)])
    }

    @Test func pastHTTPDateMeansNoWait() {
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        #expect(RetryAfter.parse(Timestamps.imfFixdate(1_899_999_000), now: now) == .zero)
        #expect(RetryAfter.parse("garbage", now: now) == nil)
        #expect(RetryAfter.parse("-3", now: now) == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
    }

    @Test func retryAfterIsCapped() async throws {
        let sleeper = SleepRecorder()
        let transport = FakeTransport([Fixtures.error(429, "RATE_LIMITED", headers: [("Retry-After", "3600")]), Fixtures.success()])
        let policy = RetryPolicy(maxRetryAfter: .seconds(5))
        _ = try await Fixtures.client(transport, sleeper: sleeper, retry: policy).invoke("a", "b", input: [:])
        #expect(sleeper.recorded == [.seconds(5)])
    }

    @Test func detailsRetryAfterSecondsIsUsedWithoutHeader() async throws {
        let sleeper = SleepRecorder()
        let transport = FakeTransport([Fixtures.json(429, Fixtures.errorEnvelope("RATE_LIMITED", details: ["retry_after_seconds": 4])), Fixtures.success()])
        _ = try await Fixtures.client(transport, sleeper: sleeper).invoke("a", "b", input: [:])
        #expect(sleeper.recorded == [.seconds(4)])
    }

    @Test func backoffIsCappedByMaxDelay() async throws {
        let sleeper = SleepRecorder()
        let failures = (0..<4).map { _ in Fixtures.error(502, "PROVIDER_ERROR") }
        let transport = FakeTransport(failures + [Fixtures.success()])
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .seconds(1), maxDelay: .seconds(3))
        _ = try await Fixtures.client(transport, sleeper: sleeper, retry: policy).invoke("a", "b", input: [:])
        #expect(sleeper.recorded == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)])
    }

    @Test func jitterStaysWithinTheBound() {
        for _ in 0..<100 {
            let value = ClientEnvironment.live.jitter(.milliseconds(400))
            #expect(value >= .zero && value <= .milliseconds(400))
        }
    }

    @Test func attemptsAreLimited() async throws {
        let transport = FakeTransport((0..<5).map { _ in Fixtures.error(503, "SERVICE_DEGRADED") })
        let error = try #require(await failure { try await Fixtures.client(transport).invoke("a", "b", input: [:]) })
        #expect(error.code == .serviceDegraded)
        #expect(transport.requests.count == 3)
    }

    @Test(arguments: [(400, "VALIDATION_FAILED"), (401, "INVALID_API_KEY"), (402, "PAYMENT_REQUIRED"), (403, "INSUFFICIENT_TRUST"),
                      (404, "CAPABILITY_NOT_FOUND"), (409, "DUPLICATE_REQUEST"), (410, "CAPABILITY_DEPRECATED"), (413, "INPUT_TOO_LARGE"),
                      (500, "EXECUTION_FAILED"), (502, "OUTPUT_INVALID")])
    func clientErrorsAreNotRetried(_ status: Int, _ code: String) async throws {
        let transport = FakeTransport([Fixtures.error(status, code), Fixtures.success()])
        let error = try #require(await failure { try await Fixtures.client(transport).invoke("a", "b", input: [:]) })
        #expect(error.code.rawValue == code)
        #expect(transport.requests.count == 1)
    }

    @Test func requestTimeoutIsRetried() async throws {
        let transport = FakeTransport([.response(TransportResponse(status: 408, body: [])), .failure(TransportError(.timeout, "slow")), Fixtures.success()])
        _ = try await Fixtures.client(transport).invoke("a", "b", input: [:])
        #expect(transport.requests.count == 3)
    }

    @Test func getsAreRetried() async throws {
        let transport = FakeTransport([Fixtures.error(503, "SERVICE_DEGRADED"), Fixtures.json(200, Fixtures.profile)])
        let profile = try await Fixtures.client(transport).me()
        #expect(profile.balance == Money(micros: 1_500_000))
        #expect(transport.requests.map(\.method) == ["GET", "GET"])
    }

    @Test func writesThatMoveMoneyOrKeysAreNeverRetried() async throws {
        let rotate = FakeTransport([Fixtures.error(503, "SERVICE_DEGRADED"), Fixtures.json(200, ["api_key": "x"])])
        #expect(try #require(await failure { try await Fixtures.client(rotate).rotateKey() }).code == .serviceDegraded)
        #expect(rotate.requests.count == 1)

        let topup = FakeTransport([.failure(TransportError(.network, "reset")), Fixtures.json(200, ["url": "x"])])
        #expect(try #require(await failure { try await Fixtures.client(topup).topup(amount: 5) }).code == .network)
        #expect(topup.requests.count == 1)

        let register = FakeTransport([Fixtures.error(503, "SERVICE_DEGRADED"), Fixtures.json(201, ["agent_id": "a", "api_key": "k"])])
        let error = try #require(await failure {
            try await JECPClient.register(hub: "http://hub.test", name: "agent", transport: register)
        })
        #expect(error.code == .serviceDegraded)
        #expect(register.requests.count == 1)

        let tooMany = FakeTransport([Fixtures.error(429, "RATE_LIMITED", headers: [("Retry-After", "1")]), Fixtures.json(200, ["api_key": "x"])])
        #expect(try #require(await failure { try await Fixtures.client(tooMany).rotateKey() }).code == .rateLimited)
        #expect(tooMany.requests.count == 1)
    }

    @Test func cancellationWhileWaitingEndsWithCancelled() async throws {
        let transport = FakeTransport([Fixtures.error(429, "RATE_LIMITED", headers: [("Retry-After", "60")]), Fixtures.success()])
        // A real sleep, so cancellation has something to interrupt.
        let client = JECPClient(configuration: .init(baseURL: "http://hub.test", agentID: Fixtures.agentID, apiKey: Fixtures.apiKey),
                                transport: transport, environment: .live)
        let outcome = await withTaskGroup(of: JECPError?.self) { group in
            group.addTask {
                do {
                    _ = try await client.invoke("a", "b", input: [:])
                    return nil
                } catch {
                    return error as? JECPError
                }
            }
            while transport.requests.isEmpty { try? await Task.sleep(for: .milliseconds(5)) }
            try? await Task.sleep(for: .milliseconds(50))
            group.cancelAll()
            return await group.next() ?? nil
        }
        #expect(outcome?.code == .cancelled)
        #expect(transport.requests.count == 1)
    }

    @Test func alreadyCancelledCallsDoNotSend() async throws {
        let transport = FakeTransport([Fixtures.success()])
        let client = Fixtures.client(transport)
        let outcome = await withTaskGroup(of: JECPError?.self) { group in
            group.cancelAll()
            group.addTask {
                do {
                    _ = try await client.invoke("a", "b", input: [:])
                    return nil
                } catch {
                    return error as? JECPError
                }
            }
            return await group.next() ?? nil
        }
        #expect(outcome?.code == .cancelled)
        #expect(transport.requests.isEmpty)
    }
}
