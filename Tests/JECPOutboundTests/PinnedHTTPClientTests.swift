import AsyncHTTPClient
import Hummingbird
import JECPOutbound
import JECPTestDNS
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts hits from route handlers.
final class HitCounter: Sendable {
    private let hits = Atomic<Int>(0)
    func hit() { self.hits.add(1, ordering: .relaxed) }
    var count: Int { self.hits.load(ordering: .relaxed) }
}

@Suite struct PinnedHTTPClientTests {
    /// Spec conformance JECP-OPS-MUST-SSRF-PIN-RESOLVED-IP: the name first resolves to loopback (allowed
    /// in test mode), then to the metadata address. The request must go to the checked address: the
    /// system resolver does not know `rebind.test`, and asking our DNS again would give 169.254.169.254.
    @Test func connectsToThePinnedAddressDespiteRebinding() async throws {
        let router = Router()
        router.get("/x") { request, _ -> String in "host=\(request.head.authority ?? "none")" }
        try await withTestDNS { dns async throws in
            try await withHTTPServer(router) { port async throws in
                await dns.setSequence("rebind.test", [[.a("127.0.0.1")], [.a("169.254.169.254")]])
                let urlGuard = URLGuard(policy: .testMode, resolver: DNSResolver.patient([await dns.server]))
                let target = try await urlGuard.check("http://rebind.test:\(port)/x", field: "endpoint_url")
                #expect(target.address == IPAddress("127.0.0.1"))
                #expect(target.url == "http://rebind.test:\(port)/x")

                // Resolving again now yields the denied address...
                let again = await #expect(throws: SSRFRejection.self) {
                    try await urlGuard.check("http://rebind.test:\(port)/x", field: "endpoint_url")
                }
                #expect(again?.reason == .resolvedToDenyCIDR)
                #expect(again?.message.contains("169.254.169.254") == true)
                let queriesBefore = await dns.queryCount("rebind.test")

                // ...but the pinned request never resolves: it goes to 127.0.0.1 with the name in Host.
                try await withPinnedClient { client async throws in
                    let response = try await client.execute(
                        HTTPClientRequest(url: target.url),
                        pinnedTo: target,
                        deadline: .now() + .seconds(5)
                    )
                    #expect(response.status == .ok)
                    let body = try await response.body.collect(upTo: 1 << 16)
                    #expect(String(buffer: body) == "host=rebind.test:\(port)")
                }
                #expect(await dns.queryCount("rebind.test") == queriesBefore)
            }
        }
    }

    @Test func doesNotFollowRedirects() async throws {
        let targetHits = HitCounter()
        let router = Router()
        router.get("/target") { _, _ -> String in
            targetHits.hit()
            return "followed"
        }
        router.get("/redirect") { request, _ -> Response in
            Response(status: .found, headers: [.location: "http://\(request.head.authority ?? "")/target"])
        }
        try await withHTTPServer(router) { port async throws in
            let target = try await URLGuard(policy: .testMode, resolver: DNSResolver(servers: []))
                .check("http://127.0.0.1:\(port)/redirect", field: "callback_url")
            try await withPinnedClient { client async throws in
                let response = try await client.execute(
                    HTTPClientRequest(url: target.url),
                    pinnedTo: target,
                    deadline: .now() + .seconds(5)
                )
                #expect(response.status == .found)
                #expect(response.headers.first(name: "location") == "http://127.0.0.1:\(port)/target")
                _ = try await response.body.collect(upTo: 1 << 16)
            }
        }
        #expect(targetHits.count == 0)
    }

    /// The second chunk is only written once the client has read the first: a client that collected
    /// the body before returning it would wait forever (and fail on the deadline).
    @Test func streamsTheBodyChunkByChunk() async throws {
        let (gate, openGate) = AsyncStream.makeStream(of: Void.self)
        let router = Router()
        router.get("/events") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "data: first\n\n"))
                    for await _ in gate { break }
                    try await writer.write(ByteBuffer(string: "data: second\n\n"))
                    try await writer.finish(nil)
                }
            )
        }
        try await withHTTPServer(router) { port async throws in
            let target = try await URLGuard(policy: .testMode, resolver: DNSResolver(servers: []))
                .check("http://127.0.0.1:\(port)/events", field: "endpoint_url")
            try await withPinnedClient { client async throws in
                let response = try await client.execute(
                    HTTPClientRequest(url: target.url),
                    pinnedTo: target,
                    deadline: .now() + .seconds(5)
                )
                var chunks = response.body.makeAsyncIterator()
                let first = try await chunks.next()
                #expect(first.map { String(buffer: $0) } == "data: first\n\n")
                openGate.yield()
                var rest = ""
                while let chunk = try await chunks.next() { rest += String(buffer: chunk) }
                #expect(rest == "data: second\n\n")
            }
        }
    }

    @Test func aMissedDeadlineIsATimeout() async throws {
        // Accepts connections and never answers.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let target = try await URLGuard(policy: .testMode, resolver: DNSResolver(servers: []))
            .check("http://127.0.0.1:\(port)/slow", field: "endpoint_url")
        try await withPinnedClient { client async throws in
            let start = ContinuousClock.now
            let error = await #expect(throws: (any Error).self) {
                try await client.execute(
                    HTTPClientRequest(url: target.url),
                    pinnedTo: target,
                    deadline: .now() + .milliseconds(300)
                )
            }
            #expect(ContinuousClock.now - start < .seconds(30))  // it gives up (generous: the full suite loads both cores)
            #expect(error.map(OutboundFailure.classify) == .timeout)
        }
        try await server.close()
    }

    @Test func aClosedPortIsUnreachable() async throws {
        let refusing = try RefusingPort()
        let target = try await URLGuard(policy: .testMode, resolver: DNSResolver(servers: []))
            .check("http://127.0.0.1:\(refusing.port)/", field: "endpoint_url")
        try await withPinnedClient { client async throws in
            let start = ContinuousClock.now
            let error = await #expect(throws: (any Error).self) {
                try await client.execute(
                    HTTPClientRequest(url: target.url),
                    pinnedTo: target,
                    deadline: .now() + .seconds(60)
                )
            }
            // Well under the 60 s deadline (no retrying until it), with room for a loaded machine.
            #expect(ContinuousClock.now - start < .seconds(30))
            guard case .unreachable = error.map(OutboundFailure.classify) else {
                Issue.record("expected unreachable, got \(String(describing: error))")
                return
            }
        }
        withExtendedLifetime(refusing) {}
    }

    @Test func refusesARequestForAnotherURL() async throws {
        let target = try await URLGuard(policy: .testMode, resolver: DNSResolver(servers: []))
            .check("http://127.0.0.1:9/a", field: "endpoint_url")
        try await withPinnedClient { client async throws in
            await #expect(throws: PinnedHTTPClient.UsageError.urlMismatch) {
                try await client.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:9/b"),
                    pinnedTo: target,
                    deadline: .now() + .seconds(1)
                )
            }
        }
    }

    @Test func evictsIdleClientsAndRefusesWorkAfterShutdown() async throws {
        let router = Router()
        router.get("/") { request, _ -> String in request.head.authority ?? "" }
        try await withTestDNS { dns async throws in
            await dns.set("one.test", [.a("127.0.0.1")])
            try await withHTTPServer(router) { port async throws in
                let urlGuard = URLGuard(policy: .testMode, resolver: DNSResolver.patient([await dns.server]))
                let one = try await urlGuard.check("http://one.test:\(port)/", field: "f")
                try await withPinnedClient(idleEviction: .milliseconds(50)) { client async throws in
                    func get(_ target: CheckedURL) async throws -> String {
                        let response = try await client.execute(
                            HTTPClientRequest(url: target.url),
                            pinnedTo: target,
                            deadline: .now() + .seconds(5)
                        )
                        return String(buffer: try await response.body.collect(upTo: 1 << 16))
                    }
                    #expect(try await get(one) == "one.test:\(port)")
                    #expect(client.cachedClientCount == 1)
                    try await Task.sleep(for: .milliseconds(100))
                    // Another host: the idle client for one.test is shut down on the way.
                    let local = try await urlGuard.check("http://127.0.0.1:\(port)/", field: "f")
                    #expect(try await get(local) == "127.0.0.1:\(port)")
                    #expect(client.cachedClientCount == 1)
                    #expect(try await get(one) == "one.test:\(port)")  // a fresh client

                    try await client.shutdown()
                    #expect(client.cachedClientCount == 0)
                    await #expect(throws: HTTPClientError.alreadyShutdown) { try await get(one) }
                }
            }
        }
    }

    @Test func classifiesFailures() {
        #expect(OutboundFailure.classify(HTTPClientError.deadlineExceeded) == .timeout)
        #expect(OutboundFailure.classify(HTTPClientError.readTimeout) == .timeout)
        #expect(OutboundFailure.classify(HTTPClientError.connectTimeout) == .timeout)
        #expect(OutboundFailure.classify(ChannelError.connectTimeout(.seconds(1))) == .timeout)
        #expect(OutboundFailure.classify(HTTPClientError.remoteConnectionClosed) == .unreachable("the connection was closed by the server"))
        #expect(OutboundFailure.classify(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == .unreachable("connection refused"))
        #expect(OutboundFailure.classify(CancellationError()) == .other("cancelled"))
    }
}
