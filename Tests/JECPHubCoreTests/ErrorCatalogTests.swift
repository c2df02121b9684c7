import JECPHubCore
import JECPModels
import Testing

@Suite("Error catalog and envelope")
struct ErrorCatalogTests {
    @Test("Every code has an error status, a documented meaning and a recovery", arguments: ErrorCode.allCases)
    func everyCode(code: ErrorCode) {
        #expect((400...599).contains(code.httpStatus))
        #expect(code.entry.status == code.httpStatus)
        #expect(!code.entry.meaning.isEmpty)
        #expect(!code.entry.recovery.isEmpty)
        #expect(!code.entry.retrySafe.isEmpty)
        #expect(JECPError(code, "m").httpStatus == code.httpStatus)
    }

    @Test("Codes are UPPER_SNAKE_CASE and slugs are their lowercase form", arguments: ErrorCode.allCases)
    func slugs(code: ErrorCode) {
        #expect(code.rawValue.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") })
        #expect(code.rawValue.first?.isLetter == true)
        #expect(code.slug == code.rawValue.lowercased())
        #expect(!code.slug.contains { $0.isUppercase })
        #expect(ErrorCode(slug: code.slug) == code)
        #expect(ErrorCode(rawValue: code.rawValue) == code)
    }

    @Test("Slugs of a few codes, and unknown slugs")
    func knownSlugs() {
        #expect(ErrorCode.provenanceMismatch.slug == "provenance_mismatch")
        #expect(ErrorCode.rotation24hCap.slug == "rotation_24h_cap")
        #expect(ErrorCode.invalidAPIKey.slug == "invalid_api_key")
        #expect(ErrorCode(slug: "rate_limited") == .rateLimited)
        #expect(ErrorCode(slug: "no_such_code") == nil)
        #expect(ErrorCode(slug: "") == nil)
    }

    @Test("No two codes share a slug")
    func uniqueSlugs() {
        #expect(Set(ErrorCode.allCases.map(\.slug)).count == ErrorCode.allCases.count)
    }

    @Test(
        "Statuses follow spec 03",
        arguments: [
            ("AUTH_REQUIRED", 401), ("INVALID_API_KEY", 401), ("MANDATE_EXPIRED", 401), ("INSUFFICIENT_BUDGET", 402),
            ("PROVENANCE_MISMATCH", 403), ("INSUFFICIENT_TRUST", 403), ("INVALID_REQUEST", 400), ("UNSUPPORTED_VERSION", 400),
            ("VALIDATION_FAILED", 400), ("INPUT_SCHEMA_VIOLATION", 400), ("UNSUPPORTED_MEDIA_TYPE", 415),
            ("INPUT_TOO_LARGE", 413), ("DUPLICATE_REQUEST", 409), ("CAPABILITY_NOT_FOUND", 404), ("ACTION_NOT_FOUND", 404),
            ("CAPABILITY_DEPRECATED", 410), ("PROVIDER_NOT_FOUND", 404), ("INSUFFICIENT_BALANCE", 402),
            ("PAYMENT_REQUIRED", 402), ("RATE_LIMITED", 429), ("ROTATION_24H_CAP", 429), ("EXECUTION_FAILED", 500),
            ("PROVIDER_TIMEOUT", 504), ("NOT_STREAMABLE", 406), ("PROVIDER_ERROR", 502), ("PROVIDER_UNAVAILABLE", 503),
            ("INTERNAL_ERROR", 500), ("SERVICE_DEGRADED", 503),
        ] as [(String, Int)]
    )
    func specStatus(rawValue: String, status: Int) throws {
        let code = try #require(ErrorCode(rawValue: rawValue))
        #expect(code.httpStatus == status)
    }

    // MARK: Envelope

    @Test("The envelope has the spec 03 §2 shape")
    func envelopeShape() throws {
        let error = JECPError(
            .rateLimited, "Too many requests.", details: ["tier": "bronze", "limit_rpm": 10], nextAction: ["type": "wait", "retry_after_seconds": 7])
        let envelope = error.envelope(requestID: "req_a3f2b1", documentationBase: "https://hub.example")
        let url = "https://hub.example/errors/rate_limited"
        #expect(Set(try #require(envelope.objectValue).keys) == ["jecp", "id", "status", "error", "next_action"])
        #expect(envelope["jecp"] == "1.0")
        #expect(envelope["status"] == "failed")
        #expect(envelope["id"] == "req_a3f2b1")
        #expect(envelope["next_action"] == ["type": "wait", "retry_after_seconds": 7])
        let body = try #require(envelope["error"])
        #expect(Set(try #require(body.objectValue).keys) == ["code", "message", "documentation_url", "details"])
        #expect(body["code"] == "RATE_LIMITED")
        #expect(body["message"] == "Too many requests.")
        #expect(body["documentation_url"] == .string(url))
        #expect(body["details"] == ["tier": "bronze", "limit_rpm": 10, "documentation_url": .string(url)])
        // Canonical bytes, as they go on the wire.
        #expect(envelope.serializedString() == """
            {"error":{"code":"RATE_LIMITED","details":{"documentation_url":"https://hub.example/errors/rate_limited",\
            "limit_rpm":10,"tier":"bronze"},"documentation_url":"https://hub.example/errors/rate_limited",\
            "message":"Too many requests."},"id":"req_a3f2b1","jecp":"1.0",\
            "next_action":{"retry_after_seconds":7,"type":"wait"},"status":"failed"}
            """)
    }

    @Test("Without a request id or next action those keys are absent")
    func envelopeWithoutOptionalParts() throws {
        let envelope = JECPError(.invalidRequest, "Not JSON.").envelope(requestID: nil, documentationBase: "https://h")
        #expect(Set(try #require(envelope.objectValue).keys) == ["jecp", "status", "error"])
        #expect(envelope["error"]?["documentation_url"] == "https://h/errors/invalid_request")
        #expect(envelope["error"]?["details"] == ["documentation_url": "https://h/errors/invalid_request"])
    }

    @Test("documentation_url uses each code's slug", arguments: ErrorCode.allCases)
    func documentationURL(code: ErrorCode) {
        let envelope = JECPError(code, "m").envelope(requestID: "req_1234", documentationBase: "https://jecp.dev")
        let url = JSONValue.string("https://jecp.dev/errors/\(code.rawValue.lowercased())")
        #expect(envelope["error"]?["documentation_url"] == url)
        #expect(envelope["error"]?["details"]?["documentation_url"] == url)
        #expect(envelope["error"]?["code"] == .string(code.rawValue))
    }

    @Test("The mirrored documentation_url replaces a caller-supplied one; other details are kept")
    func detailsMerge() {
        let error = JECPError(.provenanceMismatch, "m", details: ["subcause": "clock_skew", "documentation_url": "https://evil"])
        let details = error.envelope(requestID: nil, documentationBase: "https://h")["error"]?["details"]
        #expect(details == ["subcause": "clock_skew", "documentation_url": "https://h/errors/provenance_mismatch"])
        // The error value itself is not changed.
        #expect(error.details["documentation_url"] == "https://evil")
    }
}
