import NIOCore

/// Answers each datagram from the zone, back to its sender.
final class UDPResponder: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let zone: TestZone

    init(zone: TestZone) {
        self.zone = zone
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        for reply in self.zone.respond(to: Array(envelope.data.readableBytesView), overTCP: false) {
            let buffer = context.channel.allocator.buffer(bytes: reply)
            context.write(Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
        }
        context.flush()
    }

    /// A client that went away (ICMP errors) must not take the server down.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

/// Answers each length-prefixed query on a TCP connection (RFC 1035 §4.2.2).
final class TCPResponder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let zone: TestZone

    init(zone: TestZone) {
        self.zone = zone
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        for reply in self.zone.respond(to: Array(frame.readableBytesView), overTCP: true) {
            var buffer = context.channel.allocator.buffer(capacity: reply.count + 2)
            buffer.writeInteger(UInt16(reply.count))
            buffer.writeBytes(reply)
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
        }
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Splits a TCP stream into DNS messages by their two-byte length prefix.
struct LengthPrefixDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
            buffer.readableBytes >= 2 + Int(length)
        else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }
}
