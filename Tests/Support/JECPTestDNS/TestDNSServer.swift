import JECPOutbound
import NIOCore
import NIOPosix

/// An authoritative DNS server on 127.0.0.1 (UDP and TCP, one port) whose answers a test sets and
/// changes at will: rebinding sequences, truncation, silence, spoofed ids.
///
/// Requests are answered by plain NIO handlers on the event loop, reading the zone under a lock,
/// so nothing runs outside the channels' own lifetimes.
public actor TestDNSServer {
    public enum Record: Sendable, Hashable {
        case a(String)
        case aaaa(String)
        case txt([String])
        case cname(String)
    }

    private let zone = TestZone()
    private let group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    private var channels: [any Channel] = []
    private var port = 0

    public init() {}

    /// Binds UDP and TCP on 127.0.0.1 with the same ephemeral port, and returns the port.
    public func start() async throws -> Int {
        precondition(self.channels.isEmpty, "TestDNSServer.start() called twice")
        let zone = self.zone
        var lastError: (any Error)?
        for _ in 0..<20 {
            let udp = try await DatagramBootstrap(group: self.group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(UDPResponder(zone: zone))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            let port = udp.localAddress?.port ?? 0
            do {
                let tcp = try await ServerBootstrap(group: self.group)
                    .childChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LengthPrefixDecoder()))
                            try channel.pipeline.syncOperations.addHandler(TCPResponder(zone: zone))
                        }
                    }
                    .bind(host: "127.0.0.1", port: port)
                    .get()
                self.channels = [udp, tcp]
                self.port = port
                return port
            } catch {
                // Someone holds this port for TCP: take another.
                lastError = error
                try? await udp.close()
            }
        }
        throw lastError!
    }

    public var server: DNSServer { DNSServer(host: "127.0.0.1", port: self.port) }

    /// Names are case-insensitive; a trailing dot is optional.
    public func set(_ name: String, _ records: [Record]) {
        self.zone.update { $0.answers[Self.key(name)] = .fixed(records) }
    }

    /// Each query of `name` takes the next answer, the last one repeating (DNS rebinding). The
    /// position advances per query type, so one A+AAAA resolution consumes one step.
    public func setSequence(_ name: String, _ answers: [[Record]]) {
        precondition(!answers.isEmpty, "a sequence needs at least one answer")
        self.zone.update { $0.answers[Self.key(name)] = .sequence(answers, next: [:]) }
    }

    /// Answer over UDP with TC=1 and no records; the full answer only over TCP.
    public func truncateUDP(_ name: String) {
        self.zone.update { $0.truncated.insert(Self.key(name)) }
    }

    /// Answer queries for `name` with an error code (2: SERVFAIL, 5: REFUSED).
    public func fail(_ name: String, rcode: Int = 2) {
        self.zone.update { $0.failing[Self.key(name)] = UInt8(rcode) }
    }

    /// Never answer queries for `name`.
    public func silence(_ name: String) {
        self.zone.update { $0.silenced.insert(Self.key(name)) }
    }

    /// Answer queries for `name` twice: first with a wrong id and the address 192.0.2.66, then
    /// correctly. A resolver that checks ids never sees the first.
    public func spoofWrongIDFirst(_ name: String) {
        self.zone.update { $0.spoofed.insert(Self.key(name)) }
    }

    /// Queries received for `name` (any type, UDP and TCP).
    public func queryCount(_ name: String) -> Int {
        self.zone.read { $0.queries[Self.key(name), default: 0] }
    }

    /// Queries received for `name` over TCP.
    public func tcpQueryCount(_ name: String) -> Int {
        self.zone.read { $0.tcpQueries[Self.key(name), default: 0] }
    }

    public func stop() async {
        for channel in self.channels {
            try? await channel.close()
        }
        self.channels = []
    }

    static func key(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
