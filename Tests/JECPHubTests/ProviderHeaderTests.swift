import Foundation
import Hummingbird
import JECPModels
import JECPProviderKit
import Synchronization
import Testing

/// What a provider receives on the wire for a forwarded call, seen by a plain HTTP server rather
/// than the provider kit: the JECP headers with their values, and a signature over the exact body.
@Suite struct ProviderHeaderTests {
    struct Seen: Sendable {
        var headers: [String: String] = [:]
        var body: [UInt8] = []
    }

    @Test func theProviderReceivesTheJECPHeadersAndASignatureOverTheExactBody() async throws {
        try await ProviderAccountTests.withHub { hub, dns in
            let provider = try await hub.registerProvider("wire", host: "wire.test", dns: dns)
            try await hub.proveDomain(provider, host: "wire.test", dns: dns)
            let seen = Mutex(Seen())
            let router = Router()
            router.post("/jecp") { request, _ -> Response in
                var request = request
                let body = Array(buffer: try await request.collectBody(upTo: 1024 * 1024))
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
                seen.withLock { $0 = Seen(headers: headers, body: body) }
                let id = (try? JSONValue(parsing: body))?["id"] ?? .null
                let reply: JSONValue = ["jecp": "1.0", "id": id, "status": "success", "result": ["ok": true]]
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: reply.serialized())))
            }
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                defer { group.cancelAll() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let manifest: JSONValue = [
                    "namespace": "wire", "display_name": "Wire", "capability": "probe", "version": "1.0.0", "description": "Records requests.",
                    "endpoint": .string("http://wire.test:\(port)/jecp"),
                    "actions": [["id": "look", "description": "look", "pricing": ["base": "$0.01", "currency": "USDC", "model": "per_call"],
                                 "input_schema": ["type": "object"], "output_schema": ["type": "object", "required": ["ok"]]]],
                ]
                #expect(try await hub.publish(provider, manifest: manifest.serialized()).status == 201)
                let agent = try await hub.register()
                try await hub.credit(agent, "1")
                let before = Timestamps.now()
                let call = try await hub.invoke(agent, capability: "wire/probe", action: "look", input: ["q": "x"], id: "wire-0001")
                #expect(call.status == 200 && call.json["result"]?["output"] == ["ok": true], "\(call.text)")

                let request = seen.withLock { $0 }
                #expect(request.headers["x-jecp-namespace"] == "wire")
                #expect(request.headers["x-jecp-action"] == "look")
                #expect(request.headers["x-request-id"] == "wire-0001")
                #expect(request.headers["content-type"]?.hasPrefix("application/json") == true)
                let timestamp = try #require(request.headers["x-jecp-timestamp"].flatMap { Int64($0) })
                #expect(abs(timestamp - before) <= 5)
                let signature = try #require(request.headers["x-jecp-signature"])
                #expect(signature.hasPrefix("v1="))
                // The signature covers these exact bytes with this provider's secret, and no others.
                let verifier = HubSignatureVerifier(secret: provider.secret)
                #expect((try? verifier.verify(signature: signature, timestamp: "\(timestamp)", body: request.body).get()) != nil)
                #expect((try? HubSignatureVerifier(secret: provider.secret).verify(signature: signature, timestamp: "\(timestamp)",
                                                                                      body: request.body + [0x20]).get()) == nil)
                let envelope = try JSONValue(parsing: request.body)
                #expect(envelope["jecp"] == "1.0" && envelope["id"] == "wire-0001" && envelope["capability"] == "wire/probe")
                #expect(envelope["action"] == "look" && envelope["input"] == ["q": "x"])
            }
        }
    }
}
