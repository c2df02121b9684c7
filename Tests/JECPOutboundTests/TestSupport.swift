import Hummingbird
import JECPOutbound
import JECPTestDNS
import Logging
import NIOCore
import NIOPosix
import Testing

/// Runs `router` on 127.0.0.1 (ephemeral port) for the duration of `body`, which gets the port.
@discardableResult
func withHTTPServer<T: Sendable>(
    _ router: Router<BasicRequestContext>,
    _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "outbound-tests.server")
    logger.logLevel = .critical  // cancelling the server at the end logs an error
    let app = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        },
        logger: logger
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            throw CancellationError()
        }
        let result = try await body(port)
        group.cancelAll()
        return result
    }
}

/// Runs `body` with a PinnedHTTPClient, shutting it down afterwards.
@discardableResult
func withPinnedClient<T>(
    idleEviction: TimeAmount = .minutes(10),
    _ body: (PinnedHTTPClient) async throws -> T
) async throws -> T {
    let client = PinnedHTTPClient(logger: Logger(label: "outbound-tests.client"), idleEviction: idleEviction)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Runs `body` with a started TestDNSServer, stopping it afterwards.
@discardableResult
func withTestDNS<T>(_ body: (TestDNSServer) async throws -> T) async throws -> T {
    let dns = TestDNSServer()
    _ = try await dns.start()
    do {
        let result = try await body(dns)
        await dns.stop()
        return result
    } catch {
        await dns.stop()
        throw error
    }
}

/// A loopback UDP port with nothing bound to it any more (bound, then closed), so datagrams to it
/// draw an ICMP "port unreachable". (For TCP, `RefusingPort` holds the port for the whole test.)
func closedUDPPort() async throws -> Int {
    let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
    let port = try #require(channel.localAddress?.port)
    try await channel.close()
    return port
}

func dnsError<T>(_ body: () async throws(DNSError) -> T) async -> DNSError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

extension DNSResolver {
    /// For tests that expect an answer from the loopback server: one long round, so a machine too
    /// busy to deliver the reply in the default 2 s neither fails the test nor asks again (which
    /// would consume the next answer of a sequence).
    static func patient(_ servers: [DNSServer]) -> DNSResolver {
        DNSResolver(servers: servers, timeout: .seconds(30), attempts: 1)
    }
}
