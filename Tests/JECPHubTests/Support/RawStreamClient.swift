import JECPModels
import NIOCore
import NIOPosix
import Testing

extension TestHub {
    /// Sends a streamed invoke over a raw loopback connection of a live Hub, reads until `marker`
    /// appears, runs `whileOpen` with what arrived, then hangs up: the client that leaves mid-stream.
    func streamThenHangUp(_ agent: TestAgent, body: JSONValue, until marker: String,
                          whileOpen: (String) async throws -> Void = { _ in }) async throws {
        let port = try #require(client.port, "needs a live Hub")
        let text = body.serializedString()
        let request = "POST /v1/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
            + "X-Agent-ID: \(agent.id)\r\nX-API-Key: \(agent.key)\r\nContent-Length: \(text.utf8.count)\r\n\r\n\(text)"
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var received = ""
            for try await chunk in inbound {
                received += String(buffer: chunk)
                if received.contains(marker) { break }
            }
            #expect(received.hasPrefix("HTTP/1.1 200"))
            try await whileOpen(received)
        }
    }
}
