import NIOCore
import NIOPosix

/// One DNS exchange with one server: UDP, then TCP when the UDP answer is truncated (RFC 7766).
struct DNSTransport: Sendable {
    let group: any EventLoopGroup
    let timeout: Duration

    /// A socket-level failure talking to a server (refused, unreachable, closed early).
    struct Failure: Error {
        let detail: String
    }

    func exchange(_ query: DNSMessage, with server: DNSServer) async throws -> DNSMessage {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: server.host, port: server.port)
        } catch {
            throw Failure(detail: "bad server address \(server)")
        }
        let wire = try query.encode()
        let answer = try await withTimeout(self.timeout) {
            try await self.udp(wire, query: query, to: address)
        }
        guard answer.isTruncated else { return answer }
        return try await withTimeout(self.timeout) {
            try await self.tcp(wire, query: query, to: address)
        }
    }

    /// A connected UDP socket on a fresh ephemeral port: the kernel drops datagrams from any
    /// other source, and an ICMP "port unreachable" surfaces as an error instead of a timeout.
    private func udp(_ wire: [UInt8], query: DNSMessage, to address: SocketAddress) async throws -> DNSMessage {
        let channel = try await DatagramBootstrap(group: self.group)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 4096))
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: wire)))
            for try await envelope in inbound {
                // Belt and braces on top of the connected socket: wrong source, wrong id, or an
                // answer to some other question is ignored, not trusted.
                guard envelope.remoteAddress == address else { continue }
                let bytes = Array(envelope.data.readableBytesView)
                guard DNSMessage.peekID(bytes) == query.id else { continue }
                let answer = try DNSMessage(decoding: bytes)
                guard Self.answers(answer, query) else { continue }
                return answer
            }
            throw Failure(detail: "UDP socket closed before an answer")
        }
    }

    /// Two-byte length prefix each way (RFC 1035 §4.2.2); one query per connection.
    private func tcp(_ wire: [UInt8], query: DNSMessage, to address: SocketAddress) async throws -> DNSMessage {
        let channel = try await ClientBootstrap(group: self.group)
            .connectTimeout(TimeAmount(self.timeout))
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var request = ByteBuffer()
            request.writeInteger(UInt16(wire.count))
            request.writeBytes(wire)
            try await outbound.write(request)
            var received = ByteBuffer()
            for try await chunk in inbound {
                received.writeImmutableBuffer(chunk)
                guard let length = received.getInteger(at: received.readerIndex, as: UInt16.self),
                    received.readableBytes >= 2 + Int(length)
                else { continue }
                let bytes = Array(received.readableBytesView.dropFirst(2).prefix(Int(length)))
                let answer = try DNSMessage(decoding: bytes)
                guard answer.id == query.id, Self.answers(answer, query) else {
                    throw DNSError.malformed("TCP answer does not match the query")
                }
                return answer
            }
            throw Failure(detail: "TCP connection closed before a full answer")
        }
    }

    /// Whether `answer` is a response to exactly `query`'s question.
    private static func answers(_ answer: DNSMessage, _ query: DNSMessage) -> Bool {
        answer.isResponse && answer.opcode == query.opcode && answer.questions.count == 1
            && answer.questions.first?.name == query.questions.first?.name
            && answer.questions.first?.type == query.questions.first?.type
    }
}

/// Runs `operation`, throwing `DNSError.timeout` if it has not finished after `timeout` (the
/// operation is cancelled, and this returns once it has wound down).
func withTimeout<T: Sendable>(
    _ timeout: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw DNSError.timeout
        }
        return value
    }
}
