import Foundation
import JECPHubCore
import Testing

@Suite struct SlidingWindowLimiterTests {
    @Test func allowsExactlyTheLimitWithinTheWindow() {
        let limiter = SlidingWindowLimiter(windowSeconds: 60)
        for index in 0..<5 {
            let decision = limiter.check(key: "a", limit: 5, now: 1000 + Double(index))
            #expect(decision.allowed)
            #expect(decision.remaining == 4 - index)
        }
        let refused = limiter.check(key: "a", limit: 5, now: 1010)
        #expect(!refused.allowed)
        // The oldest request (t=1000) leaves the window at 1060: 50 s from now.
        #expect(refused.retryAfterSeconds == 50)
        #expect(refused.resetAt == 1060)
        #expect(limiter.check(key: "b", limit: 5, now: 1010).allowed)
        #expect(limiter.check(key: "a", limit: 5, now: 1060.5).allowed)
    }

    @Test func refusedRequestsDoNotConsumeCapacityAndRetryAfterIsBounded() {
        let limiter = SlidingWindowLimiter(windowSeconds: 60)
        #expect(limiter.check(key: "k", limit: 1, now: 0).allowed)
        for _ in 0..<100 { #expect(!limiter.check(key: "k", limit: 1, now: 59.999).allowed) }
        let decision = limiter.check(key: "k", limit: 1, now: 59.999)
        #expect(decision.retryAfterSeconds == 1)
        #expect(limiter.check(key: "k", limit: 1, now: 60.001).allowed)
    }

    @Test func concurrentChecksNeverOverAdmit() async {
        let limiter = SlidingWindowLimiter()
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<500 { group.addTask { limiter.check(key: "hot", limit: 37, now: 5).allowed } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 37)
    }
}

@Suite struct NonceReplayCacheTests {
    @Test func nonceIsAcceptedOncePerAgentCaseInsensitively() {
        let cache = NonceReplayCache(ttlSeconds: 600)
        #expect(cache.insertIfFresh(agentID: "a", nonce: "abcdef0123456789", now: 100))
        #expect(!cache.insertIfFresh(agentID: "a", nonce: "ABCDEF0123456789", now: 200))
        #expect(cache.insertIfFresh(agentID: "b", nonce: "abcdef0123456789", now: 200))
        #expect(cache.insertIfFresh(agentID: "a", nonce: "abcdef0123456789", now: 701))
    }

    @Test func concurrentDuplicatesAdmitExactlyOne() async {
        let cache = NonceReplayCache()
        let fresh = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { cache.insertIfFresh(agentID: "a", nonce: "feedfacefeedface", now: 1) } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(fresh == 1)
    }
}

@Suite struct BulkheadTests {
    @Test func neverRunsMoreThanItsSizeAndReportsIdle() async throws {
        let pool = Bulkhead(lane: .read, size: 3)
        let gauge = Gauge()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    await pool.run {
                        await gauge.enter()
                        try? await Task.sleep(for: .milliseconds(5))
                        await gauge.leave()
                    }
                }
            }
        }
        #expect(await gauge.peak == 3)
        #expect(pool.idle == 3)
        #expect(pool.waiting == 0)
    }

    @Test func aSaturatedPoolDoesNotBlockAnother() async throws {
        let pools = HubPools(invoke: 2, read: 1, provider: 1, background: 1)
        let release = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pools.read.run { for await _ in release.stream { break } } }
            group.addTask { await pools.read.run {} }  // queued behind the holder
            for _ in 0..<1000 where pools.read.waiting < 1 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(pools.read.idle == 0)
            #expect(pools.read.waiting == 1)
            let ran = await pools.invoke.run { true }
            #expect(ran)
            release.continuation.yield()
            try await group.waitForAll()
        }
        #expect(pools.read.idle == 1)
    }

    actor Gauge {
        var current = 0
        var peak = 0
        func enter() {
            current += 1
            peak = max(peak, current)
        }
        func leave() { current -= 1 }
    }
}

@Suite struct InflightRequestsTests {
    @Test func oneOwnerAndWaitersResumeOnRelease() async {
        let inflight = InflightRequests()
        #expect(inflight.tryClaim("k"))
        #expect(!inflight.tryClaim("k"))
        async let waited: Void = inflight.waitForRelease("k")
        try? await Task.sleep(for: .milliseconds(20))
        inflight.release("k")
        await waited
        #expect(inflight.tryClaim("k"))
        inflight.release("k")
        await inflight.waitForRelease("unowned")  // returns at once
    }
}
