import Foundation
import JECPModels
import Testing

/// Steps 1–3 of the invoke pipeline: media type, size, JSON, envelope, credentials.
@Suite struct InvokeEnvelopeTests {
    @Test func nonJSONContentTypeIs415WithDetails() async throws {
        try await TestHub.run { hub in
            let response = try await hub.request(.post, "/v1/invoke", body: Array("{}".utf8), headers: ["Content-Type": "text/plain"])
            #expect(response.status == 415)
            #expect(response.errorCode == "UNSUPPORTED_MEDIA_TYPE")
            #expect(response.details["received"]?.stringValue == "text/plain")
            #expect(response.details["expected"]?.stringValue == "application/json")
            #expect(response.json["error"]?["documentation_url"]?.stringValue == "https://hub.test/errors/unsupported_media_type")
            #expect(response.details["documentation_url"]?.stringValue == "https://hub.test/errors/unsupported_media_type")
        }
    }

    @Test func jsonWithCharsetAndMissingContentTypeAreAccepted() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let body = Array(#"{"jecp":"1.0","id":"req-charset","capability":"test-kit","action":"echo","input":{"text":"a"}}"#.utf8)
            let withCharset = try await hub.request(.post, "/v1/invoke", body: body,
                                                    headers: agent.headers.merging(["Content-Type": "application/json; charset=utf-8"]) { $1 })
            #expect(withCharset.status == 200)
            let body2 = Array(#"{"jecp":"1.0","id":"req-nocontenttype","capability":"test-kit","action":"echo","input":{"text":"a"}}"#.utf8)
            let without = try await hub.request(.post, "/v1/invoke", body: body2, headers: agent.headers)
            #expect(without.status == 200)
        }
    }

    @Test func malformedJSONIsInvalidRequest() async throws {
        try await TestHub.run { hub in
            for body in ["{", "[1,2]", "not json", "{\"a\":1,}"] {
                let response = try await hub.request(.post, "/v1/invoke", body: Array(body.utf8), headers: ["Content-Type": "application/json"])
                #expect(response.status == 400, "\(body)")
                #expect(response.errorCode == "INVALID_REQUEST", "\(body)")
            }
        }
    }

    @Test func oversizedBodyInputAndMetadataAre413() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let huge = String(repeating: "a", count: 10 * 1024 * 1024 + 10)
            let body = try await hub.request(.post, "/v1/invoke", body: Array(huge.utf8), headers: ["Content-Type": "application/json"])
            #expect(body.status == 413)
            #expect(body.errorCode == "INPUT_TOO_LARGE")
            let input = try await hub.invoke(agent, input: ["text": .string(String(repeating: "b", count: 5 * 1024 * 1024 + 1))])
            #expect(input.status == 413)
            #expect(input.details["field"]?.stringValue == "input")
            let metadata = try await hub.invoke(agent, extra: ["metadata": ["note": .string(String(repeating: "c", count: 5000))]])
            #expect(metadata.status == 413)
            #expect(metadata.details["field"]?.stringValue == "metadata")
        }
    }

    @Test func wrongVersionIsUnsupportedVersion() async throws {
        try await TestHub.run { hub in
            let response = try await hub.invoke(nil, extra: ["jecp": "2.0"])
            #expect(response.status == 400)
            #expect(response.errorCode == "UNSUPPORTED_VERSION")
            #expect(response.details["supported"] == ["1.0"])
            #expect(response.details["received"]?.stringValue == "2.0")
        }
    }

    @Test func envelopeViolationsAreAllListed() async throws {
        try await TestHub.run { hub in
            let body: JSONValue = ["jecp": "1.0", "id": "x", "capability": "Bad_Cap", "action": "GenerateInvoice", "input": "nope", "surprise": true]
            let response = try await hub.post("/v1/invoke", json: body)
            #expect(response.status == 400)
            #expect(response.errorCode == "VALIDATION_FAILED")
            let paths = Set((response.details["errors"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue })
            #expect(paths == ["/id", "/capability", "/action", "/input", "/surprise"])
            #expect(response.nextAction?["type"]?.stringValue == "lookup_schema")
        }
    }

    @Test func unknownExtensionsAreIgnored() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, extra: ["extensions": ["x-vendor-thing": ["deep": 1]]])
            #expect(response.status == 200)
        }
    }

    @Test func missingCredentialsAreAuthRequiredWithRegisterAction() async throws {
        try await TestHub.run { hub in
            let response = try await hub.invoke(nil)
            #expect(response.status == 401)
            #expect(response.errorCode == "AUTH_REQUIRED")
            #expect(response.nextAction?["type"]?.stringValue == "register")
            #expect(response.nextAction?["api"]?.stringValue == "https://hub.test/api/agent/register")
        }
    }

    @Test func unknownAgentAndWrongKeyAreIndistinguishable() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let wrongKey = try await hub.invoke(TestAgent(id: agent.id, key: "jecp_ak_" + String(repeating: "A", count: 48)), id: "req-same-id")
            let unknown = try await hub.invoke(TestAgent(id: "jecp_ag_" + String(repeating: "B", count: 24), key: agent.key), id: "req-same-id")
            #expect(wrongKey.status == 401)
            #expect(wrongKey.errorCode == "INVALID_API_KEY")
            #expect(wrongKey.bytes == unknown.bytes)
        }
    }

    @Test func requestIDIsEchoedOrGeneratedAndSecurityHeadersAreSet() async throws {
        try await TestHub.run { hub in
            let echoed = try await hub.invoke(nil, headers: ["X-Request-ID": "trace-123"])
            #expect(echoed.header("X-Request-ID") == "trace-123")
            let generated = try await hub.get("/health")
            #expect(generated.header("X-Request-ID")?.hasPrefix("req_") == true)
            #expect(generated.header("X-Content-Type-Options") == "nosniff")
            #expect(generated.header("Referrer-Policy") != nil)
            #expect(generated.header("Strict-Transport-Security")?.contains("max-age=") == true)
            #expect(echoed.header("Cache-Control") == "no-store")
        }
    }

    @Test func plainHTTPPublicURLSendsNoHSTS() async throws {
        try await TestHub.run(["jecp.publicURL": "http://127.0.0.1:8080"]) { hub in
            let response = try await hub.get("/health")
            #expect(response.header("Strict-Transport-Security") == nil)
        }
    }

    @Test func legacyAliasCarriesDeprecationHeadersOnEveryStatus() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let success = try await hub.invoke(agent, path: "/v1/jecp")
            let failure = try await hub.invoke(nil, path: "/v1/jecp")
            for response in [success, failure] {
                #expect(response.header("Deprecation") == "true")
                #expect(response.header("Sunset") == "Sat, 01 Jan 2028 00:00:00 GMT")
                #expect(response.header("Link")?.contains("rel=\"deprecation\"") == true)
            }
            #expect(success.status == 200)
            #expect(failure.status == 401)
            let canonical = try await hub.invoke(agent)
            #expect(canonical.header("Deprecation") == nil)
        }
    }

    @Test func unknownRoutesGetTheEnvelope() async throws {
        try await TestHub.run { hub in
            let response = try await hub.get("/v1/nothing-here")
            #expect(response.status == 404)
            #expect(response.errorCode == "NOT_FOUND")
        }
    }
}

@Suite struct RouteErrorTests {
    @Test func wrongMethodAndOversizedRegistrationGetEnvelopes() async throws {
        try await TestHub.run { hub in
            let wrongMethod = try await hub.get("/v1/invoke")
            #expect([404, 405].contains(wrongMethod.status))
            #expect(["NOT_FOUND", "METHOD_NOT_ALLOWED"].contains(wrongMethod.errorCode ?? ""))
            let big = try await hub.post("/api/agent/register", json: ["name": .string(String(repeating: "n", count: 70_000))])
            #expect(big.status == 413)
            #expect(big.errorCode == "INPUT_TOO_LARGE")
            let wrongType = try await hub.request(.post, "/api/agent/register", body: Array("name=x".utf8),
                                                  headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(wrongType.status == 415)
        }
    }
}
