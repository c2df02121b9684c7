import Hummingbird
import HummingbirdTesting
import JECPModels
import JECPProviderKit
import Testing

@Suite struct JECPProviderRouterTests {
    struct Boom: Error, CustomStringConvertible {
        var description: String { "internal detail 7f3a" }
    }

    /// A provider with one action of each kind; `runs` counts handler executions.
    func makeApp(runs: RunCounter = RunCounter(), path: String = "/jecp",
                 configure: (inout JECPProvider) -> Void = { _ in }) -> some ApplicationProtocol {
        var provider = JECPProvider(secret: testSecret)
        provider.action("echo") { request in
            runs.record()
            return .json(["input": request.input, "capability": .string(request.capability), "action": .string(request.action)])
        }
        provider.action("refuse") { _ in
            throw ProviderError("QUOTA_EXCEEDED", "Try again in a minute.", status: 429, retryAfterSeconds: 60)
        }
        provider.action("crash") { _ in throw Boom() }
        provider.action("pixel") { _ in .binary([0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF], contentType: "image/png") }
        configure(&provider)
        let router = Router()
        provider.register(on: router, path: path)
        return Application(router: router)
    }

    @Test func aSignedCallGetsTheSuccessEnvelope() async throws {
        let runs = RunCounter()
        let call = SignedCall(id: "req-42", action: "echo", input: ["text": "hello"])
        try await makeApp(runs: runs).test(.router) { client in
            let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.init("X-Request-ID")!] == "req-42")
            #expect(response.body.json == ["jecp": "1.0", "id": "req-42", "status": "success",
                                           "result": ["input": ["text": "hello"], "capability": "acme/text-tools", "action": "echo"]])
        }
        #expect(runs.count == 1)
    }

    @Test func unsignedOrBadlySignedCallsAre401AndNoHandlerRuns() async throws {
        let runs = RunCounter()
        try await makeApp(runs: runs).test(.router) { client in
            let good = SignedCall(id: "req-7", action: "echo", input: ["text": "hi"])
            var unsigned = good.headers
            unsigned[.init("X-JECP-Signature")!] = nil
            var tampered = good
            tampered.body[tampered.body.count - 3] = UInt8(ascii: "o")
            let wrongSecret = SignedCall(action: "echo", secret: "not-the-secret")
            let stale = SignedCall(action: "echo", timestamp: unixNow - 301)
            let attempts: [(HTTPFields, ByteBuffer)] = [
                (unsigned, good.buffer), (tampered.headers, tampered.buffer),
                (wrongSecret.headers, wrongSecret.buffer), (stale.headers, stale.buffer),
            ]
            for (headers, body) in attempts {
                let response = try await client.execute(uri: "/jecp", method: .post, headers: headers, body: body)
                #expect(response.status == .unauthorized)
                #expect(response.body.json?["status"] == "failed")
                #expect(response.body.json?["error"]?["code"] == "INVALID_SIGNATURE")
            }
            #expect(try await client.execute(uri: "/jecp", method: .post, headers: unsigned, body: good.buffer).body.json?["id"] == "req-7")
        }
        #expect(runs.count == 0)
    }

    @Test func aReplayedCallIsRejectedAndRunsOnce() async throws {
        let runs = RunCounter()
        let call = SignedCall(action: "echo")
        try await makeApp(runs: runs).test(.router) { client in
            let first = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            let second = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            #expect(first.status == .ok)
            #expect(second.status == .unauthorized)
            #expect(second.body.json?["error"]?["code"] == "INVALID_SIGNATURE")
        }
        #expect(runs.count == 1)
    }

    @Test func anUnknownActionIs404() async throws {
        let call = SignedCall(id: "req-9", action: "translate")
        try await makeApp().test(.router) { client in
            let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            #expect(response.status == .notFound)
            #expect(response.body.json?["error"]?["code"] == "ACTION_NOT_FOUND")
            #expect(response.body.json?["id"] == "req-9")
        }
    }

    @Test func aMalformedBodyIs400() async throws {
        let bodies = [#"not json"#, #"[1,2]"#, #"{"jecp":"1.0","id":"r","capability":"a/b","action":"echo"}"#,
                      #"{"jecp":"1.0","id":"","capability":"a/b","action":"echo","input":{}}"#,
                      #"{"jecp":"1.0","id":"r","capability":"a/b","action":"echo","input":"text"}"#,
                      #"{"jecp":"2.0","id":"r","capability":"a/b","action":"echo","input":{}}"#,
                      #"{"jecp":"1.0","id":"r","capability":"a/b","action":"echo","input":{},"metadata":7}"#]
        let runs = RunCounter()
        try await makeApp(runs: runs).test(.router) { client in
            for body in bodies {
                let call = SignedCall(action: "echo", body: Array(body.utf8))
                let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.body.json?["error"]?["code"] == "INVALID_REQUEST", "\(body)")
            }
        }
        #expect(runs.count == 0)
    }

    @Test func aProviderErrorKeepsItsStatusAndCode() async throws {
        let call = SignedCall(id: "req-3", action: "refuse")
        try await makeApp().test(.router) { client in
            let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] == "60")
            #expect(response.body.json == ["jecp": "1.0", "id": "req-3", "status": "failed",
                                           "error": ["code": "QUOTA_EXCEEDED", "message": "Try again in a minute."]])
        }
    }

    @Test func anyOtherErrorIsAGeneric500() async throws {
        let call = SignedCall(action: "crash")
        try await makeApp().test(.router) { client in
            let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            #expect(response.status == .internalServerError)
            #expect(response.body.json?["error"]?["code"] == "EXECUTION_FAILED")
            #expect(!String(buffer: response.body).contains("7f3a"))
        }
    }

    @Test func aBinaryResultIsSentRawWithItsMediaType() async throws {
        let call = SignedCall(action: "pixel")
        try await makeApp().test(.router) { client in
            let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/png")
            #expect(response.body.bytes == [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF])
        }
    }

    @Test func theHealthEndpointNeedsNoSignature() async throws {
        try await makeApp(path: "provider/v1/").test(.router) { client in
            for method in [HTTPRequest.Method.get, .post] {
                let response = try await client.execute(uri: "/provider/v1/health", method: method)
                #expect(response.status == .ok)
                #expect(response.body.json == ["status": "ok"])
            }
            let call = SignedCall(action: "echo")
            #expect(try await client.execute(uri: "/provider/v1", method: .post, headers: call.headers, body: call.buffer).status == .ok)
        }
    }

    @Test func anOversizedBodyIs413() async throws {
        let runs = RunCounter()
        let app = makeApp(runs: runs) { $0.maxRequestBytes = 64 }
        let call = SignedCall(action: "echo", input: ["text": .string(String(repeating: "a", count: 100))])
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            #expect(response.status == .contentTooLarge)
            #expect(response.body.json?["error"]?["code"] == "INPUT_TOO_LARGE")
        }
        #expect(runs.count == 0)
    }

    @Test func aLaterRegistrationReplacesTheAction() async throws {
        var provider = JECPProvider(secret: testSecret)
        provider.action("echo") { _ in .json("first") }
        provider.action("echo") { _ in .json("second") }
        provider.streamingAction("spell") { _, _ in "done" }
        #expect(provider.actionIDs == ["echo", "spell"])
        let router = Router()
        provider.register(on: router)
        let call = SignedCall(action: "echo")
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/jecp", method: .post, headers: call.headers, body: call.buffer)
            #expect(response.body.json?["result"] == "second")
        }
    }
}
