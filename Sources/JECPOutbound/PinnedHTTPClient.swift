import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Outbound HTTP that connects only to the address the SSRF guard checked (spec 02 §9.7.1.1 step 6)
/// and never follows redirects (step 7): a 3xx comes back to the caller, whose new URL must go
/// through the guard again.
///
/// Pinning uses AsyncHTTPClient's `dnsOverride` (host → checked IP), so TLS SNI and certificate
/// verification still use the host name. One `HTTPClient` per (host, address) is cached so
/// connections are reused; IP-literal hosts need no override and share one client.
public final class PinnedHTTPClient: Sendable {
    /// Misuse of the client (not a network failure).
    public enum UsageError: Error, Sendable, Equatable {
        /// The request's URL is not the checked URL: sending it would bypass the guard.
        case urlMismatch
    }

    private enum Key: Hashable {
        case literal
        case pinned(host: String, address: IPAddress)
    }

    private struct Entry {
        let client: HTTPClient
        var lastUsed: NIODeadline
    }

    private struct State {
        var clients: [Key: Entry] = [:]
        var isShutDown = false
        /// Idle clients are looked for once per `sweepInterval`, not on every request.
        var nextSweep = NIODeadline.uptimeNanoseconds(0)
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let idleEviction: TimeAmount
    private let sweepInterval: TimeAmount
    private let baseConfiguration: HTTPClient.Configuration
    private let eventLoopGroup: any EventLoopGroup

    /// - Parameters:
    ///   - idleEviction: clients unused for longer are shut down on a later call. It must exceed
    ///     the longest a request (and its streamed body) may last.
    ///   - configuration: timeouts, TLS trust roots and the like. Redirects, DNS overrides,
    ///     proxies and connection retries are always set by this type.
    public init(
        logger: Logger,
        idleEviction: TimeAmount = .minutes(10),
        configuration: HTTPClient.Configuration = .init(),
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup
    ) {
        self.logger = logger
        self.idleEviction = idleEviction
        self.sweepInterval = min(idleEviction, .minutes(1))
        self.baseConfiguration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    /// Sends `request` (whose url must be `target.url`) to `target.address`. The response body is
    /// not collected: read it as a stream (chunks arrive as the server sends them).
    /// A caller-set `Host` header is dropped so the header always names the checked host.
    public func execute(
        _ request: HTTPClientRequest,
        pinnedTo target: CheckedURL,
        deadline: NIODeadline
    ) async throws -> HTTPClientResponse {
        guard request.url == target.url else { throw UsageError.urlMismatch }
        var request = request
        request.headers.remove(name: "host")

        let key: Key = target.hostIsLiteral ? .literal : .pinned(host: target.host, address: target.address)
        let (client, evicted) = try self.client(for: key)
        for stale in evicted {
            do {
                try await stale.shutdown()
            } catch {
                self.logger.debug("Shutting down an idle pinned client failed", metadata: ["jecp.error": "\(error)"])
            }
        }
        self.logger.debug(
            "Outbound request",
            metadata: [
                "jecp.outbound.host": "\(target.host)", "jecp.outbound.port": "\(target.port)",
                "jecp.outbound.address": "\(target.address)",
            ]
        )
        return try await client.execute(request, deadline: deadline, logger: self.logger)
    }

    /// How many clients are cached (for tests of eviction).
    package var cachedClientCount: Int {
        self.state.withLock { $0.clients.count }
    }

    /// Shuts every cached client down; later calls to `execute` fail.
    public func shutdown() async throws {
        let clients = self.state.withLock { state in
            state.isShutDown = true
            defer { state.clients = [:] }
            return state.clients.values.map(\.client)
        }
        var firstError: (any Error)?
        for client in clients {
            do {
                try await client.shutdown()
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
    }

    /// The client for `key` (created if need be) and the clients idle for too long, now removed.
    private func client(for key: Key) throws -> (HTTPClient, evicted: [HTTPClient]) {
        let now = NIODeadline.now()
        return try self.state.withLock { state throws -> (HTTPClient, evicted: [HTTPClient]) in
            guard !state.isShutDown else { throw HTTPClientError.alreadyShutdown }
            var evicted: [HTTPClient] = []
            if now >= state.nextSweep {
                state.nextSweep = now + self.sweepInterval
                let staleKeys = state.clients.filter { $0.key != key && now - $0.value.lastUsed > self.idleEviction }.keys
                evicted = staleKeys.compactMap { state.clients.removeValue(forKey: $0)?.client }
            }
            if var entry = state.clients[key] {
                entry.lastUsed = now
                state.clients[key] = entry
                return (entry.client, evicted)
            }
            let client = HTTPClient(
                eventLoopGroup: self.eventLoopGroup,
                configuration: self.configuration(for: key),
                backgroundActivityLogger: self.logger
            )
            state.clients[key] = Entry(client: client, lastUsed: now)
            return (client, evicted)
        }
    }

    private func configuration(for key: Key) -> HTTPClient.Configuration {
        var configuration = self.baseConfiguration
        configuration.redirectConfiguration = .disallow
        // A proxy would resolve the name again, out of our sight.
        configuration.proxy = nil
        switch key {
        case .literal:
            configuration.dnsOverride = [:]
        case .pinned(let host, let address):
            configuration.dnsOverride = [host: address.description]
        }
        // A refused connection fails the request now instead of retrying until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}
