import JECPHubCore
import JECPModels
import Testing

@Suite("InvokeRequest envelope validation")
struct InvokeRequestTests {
    static let minimal: [String: JSONValue] = [
        "jecp": "1.0", "id": "req_a3f2b1", "capability": "content-factory", "action": "generate-invoice", "input": [:],
    ]

    static let agentID = "jdb_ag_0123456789abcdefABCDEF01"
    static let apiKey = "jdb_ak_S3cretValueThatMustNeverLeakXyz0123456789abcdefGHIJ"

    /// The minimal valid body with some fields replaced or removed.
    static func body(_ changes: [String: JSONValue] = [:], removing: [String] = []) -> JSONValue {
        var fields = minimal
        for (key, value) in changes { fields[key] = value }
        for key in removing { fields[key] = nil }
        return .object(fields)
    }

    static func mandate(_ changes: [String: JSONValue] = [:]) -> JSONValue {
        var fields: [String: JSONValue] = ["agent_id": .string(agentID), "api_key": .string(apiKey)]
        for (key, value) in changes { fields[key] = value }
        return body(["mandate": .object(fields)])
    }

    /// The `details.errors` of a VALIDATION_FAILED error as (path, reason) pairs.
    static func violations(of body: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) -> [(path: String, reason: String)] {
        let error = #expect(throws: JECPError.self, sourceLocation: sourceLocation) { try InvokeRequest(validating: body) }
        guard let error else { return [] }
        #expect(error.code == .validationFailed, sourceLocation: sourceLocation)
        #expect(error.httpStatus == 400, sourceLocation: sourceLocation)
        guard let errors = error.details["errors"]?.arrayValue else {
            Issue.record("details.errors is missing: \(error.details)", sourceLocation: sourceLocation)
            return []
        }
        return errors.map { ($0["path"]?.stringValue ?? "<no path>", $0["reason"]?.stringValue ?? "<no reason>") }
    }

    static func paths(of body: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) -> Set<String> {
        Set(violations(of: body, sourceLocation: sourceLocation).map(\.path))
    }

    // MARK: Valid bodies

    @Test("A minimal body parses with defaults")
    func minimalBody() throws {
        let request = try InvokeRequest(validating: JSONValue(parsing:
            #"{"jecp":"1.0","id":"req_a3f2b1","capability":"content-factory","action":"generate-invoice","input":{}}"#))
        #expect(request.id == "req_a3f2b1")
        #expect(request.capability == "content-factory")
        #expect(request.action == "generate-invoice")
        #expect(request.input == .object([:]))
        #expect(request.canonicalInput == Array("{}".utf8))
        #expect(request.mandate == nil)
        #expect(request.metadata == nil)
        #expect(request.delivery.mode == .sync)
        #expect(request.delivery.format == .base64)
        #expect(request.delivery.callbackURL == nil)
    }

    @Test("canonicalInput is the canonical serialization of input")
    func canonicalInput() throws {
        let request = try InvokeRequest(validating: JSONValue(parsing:
            #"{"jecp":"1.0","id":"req_a3f2b1","capability":"a","action":"b","input":{ "z": [1.50, true], "a": {"y":null,"b":"é"} }}"#))
        #expect(request.canonicalInput == Array(#"{"a":{"b":"é","y":null},"z":[1.50,true]}"#.utf8))
    }

    @Test("A full body parses every optional part")
    func fullBody() throws {
        let request = try InvokeRequest(validating: Self.body([
            "capability": "deepl/translate",
            "delivery": ["mode": "stream", "format": "url", "callback_url": "https://example.com/cb"],
            "metadata": ["session": "s1"],
            "extensions": ["x-future": true],
        ]))
        #expect(request.capability == "deepl/translate")
        #expect(request.delivery.mode == .stream)
        #expect(request.delivery.format == .url)
        #expect(request.delivery.callbackURL == "https://example.com/cb")
        #expect(request.metadata == ["session": "s1"])
    }

    @Test(
        "Field patterns accept the spec's valid examples",
        arguments: [
            ("id", "req_a3f2b1"), ("id", "req-2026-05-07-001"), ("id", "ABCD"), ("id", String(repeating: "a", count: 64)),
            ("capability", "content-factory"), ("capability", "deepl/translate"), ("capability", "acme/payment"),
            ("capability", "a"), ("capability", "a1-b/c2-"), ("action", "generate-invoice"), ("action", "summarize"),
            ("action", "a1"),
        ]
    )
    func acceptsValidPatterns(field: String, value: String) throws {
        #expect(throws: Never.self) { try InvokeRequest(validating: Self.body([field: .string(value)])) }
    }

    // MARK: Violations

    @Test("An empty object lists every missing required field")
    func emptyObject() {
        let violations = Self.violations(of: [:])
        #expect(Set(violations.map(\.path)) == ["/jecp", "/id", "/capability", "/action", "/input"])
        #expect(violations.count == 5)
        #expect(violations.allSatisfy { $0.reason == "is required" })
    }

    @Test("Missing fields are reported at JSON-pointer paths", arguments: ["id", "capability", "action", "input", "jecp"])
    func missingField(field: String) {
        let violations = Self.violations(of: Self.body(removing: [field]))
        #expect(violations.map(\.path) == ["/\(field)"])
        #expect(violations.first?.reason == "is required")
    }

    @Test("The message counts the violations")
    func message() {
        let one = #expect(throws: JECPError.self) { try InvokeRequest(validating: Self.body(["id": "x"])) }
        #expect(one?.message.contains("/id") == true)
        let three = #expect(throws: JECPError.self) {
            try InvokeRequest(validating: Self.body(["id": "x", "action": "X", "extra": 1]))
        }
        #expect(three?.message.contains("3 errors") == true)
    }

    @Test(
        "Bad patterns are reported at their field",
        arguments: [
            ("id", "x"), ("id", "abc"), ("id", "<3>"), ("id", ""), ("id", "req 1234"), ("id", "réq_1234"),
            ("id", String(repeating: "a", count: 65)),
            ("capability", "Content-Factory"), ("capability", "content factory"), ("capability", "content_factory"),
            ("capability", "a/b/c"), ("capability", "acme/"), ("capability", "/translate"), ("capability", "1abc"),
            ("capability", "-abc"), ("capability", ""), ("capability", "acme/Translate"),
            ("action", "GenerateInvoice"), ("action", "summarize_text"), ("action", "a/b"), ("action", ""), ("action", "9a"),
        ]
    )
    func badPattern(field: String, value: String) {
        let violations = Self.violations(of: Self.body([field: .string(value)]))
        #expect(violations.map(\.path) == ["/\(field)"])
        #expect(violations.first?.reason.hasPrefix("must match") == true)
    }

    @Test(
        "Wrong types are reported at their field",
        arguments: [
            ("id", 1234), ("capability", true), ("action", ["a"]), ("input", []), ("input", "text"), ("input", nil),
            ("metadata", "x"), ("extensions", 1), ("mandate", "x"), ("delivery", []),
        ] as [(String, JSONValue)]
    )
    func wrongType(field: String, value: JSONValue) {
        let violations = Self.violations(of: Self.body([field: value]))
        #expect(violations.map(\.path) == ["/\(field)"])
    }

    @Test(
        "Unknown top-level fields are violations, with escaped pointers",
        arguments: [("foo", "/foo"), ("Input", "/Input"), ("a/b~c", "/a~1b~0c"), ("", "/")]
    )
    func unknownField(name: String, pointer: String) {
        let violations = Self.violations(of: Self.body([name: 1]))
        #expect(violations.map(\.path) == [pointer])
    }

    @Test("Every violation is reported at once")
    func manyViolations() {
        let paths = Self.paths(of: Self.body([
            "id": "x", "capability": "Content-Factory", "action": "GenerateInvoice", "extra": true,
            "delivery": ["mode": "fast", "format": "pdf", "callback_url": 1],
        ], removing: ["input"]))
        #expect(paths == ["/id", "/capability", "/action", "/input", "/extra", "/delivery/mode", "/delivery/format", "/delivery/callback_url"])
    }

    @Test("Bodies that are not objects are INVALID_REQUEST", arguments: ["[]", "1", #""x""#, "null", "true"])
    func notAnObject(text: String) throws {
        let body = try JSONValue(parsing: text)
        let error = #expect(throws: JECPError.self) { try InvokeRequest(validating: body) }
        #expect(error?.code == .invalidRequest)
    }

    // MARK: Version

    @Test(
        "Other versions are UNSUPPORTED_VERSION",
        arguments: [("2.0", "2.0"), ("1", "1"), ("v1.0", "v1.0"), ("1.0.0", "1.0.0"), (.number(JSONNumber(decimalText: "1.0")), "1.0"), (2, "2"), (nil, "null")]
            as [(JSONValue, String)]
    )
    func unsupportedVersion(version: JSONValue, received: String) {
        let error = #expect(throws: JECPError.self) { try InvokeRequest(validating: Self.body(["jecp": version])) }
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.httpStatus == 400)
        #expect(error?.details["supported"] == ["1.0"])
        #expect(error?.details["received"] == .string(received))
    }

    @Test("The version is checked before the rest of the envelope")
    func versionBeforeValidation() {
        let error = #expect(throws: JECPError.self) {
            try InvokeRequest(validating: Self.body(["jecp": "2.0", "id": "x", "extra": 1], removing: ["capability"]))
        }
        #expect(error?.code == .unsupportedVersion)
    }

    // MARK: Sizes

    /// An object whose canonical serialization is exactly `size` bytes: `{"s":"xxxx"}`.
    static func object(ofSerializedSize size: Int) -> JSONValue {
        ["s": .string(String(repeating: "x", count: size - 8))]
    }

    @Test("input is limited to 5 MB serialized")
    func inputLimit() throws {
        let limit = 5 * 1024 * 1024
        #expect(InvokeRequest.maximumInputBytes == limit)
        let atLimit = try InvokeRequest(validating: Self.body(["input": Self.object(ofSerializedSize: limit)]))
        #expect(atLimit.canonicalInput.count == limit)
        let error = #expect(throws: JECPError.self) {
            try InvokeRequest(validating: Self.body(["input": Self.object(ofSerializedSize: limit + 1)]))
        }
        #expect(error?.code == .inputTooLarge)
        #expect(error?.httpStatus == 413)
        #expect(error?.details["field"] == "input")
        #expect(error?.details["limit_bytes"]?.numberValue?.integerValue == Int64(limit))
        #expect(error?.details["received_bytes"]?.numberValue?.integerValue == Int64(limit + 1))
    }

    @Test("metadata is limited to 4 KB serialized")
    func metadataLimit() throws {
        #expect(InvokeRequest.maximumMetadataBytes == 4096)
        _ = try InvokeRequest(validating: Self.body(["metadata": Self.object(ofSerializedSize: 4096)]))
        let error = #expect(throws: JECPError.self) {
            try InvokeRequest(validating: Self.body(["metadata": Self.object(ofSerializedSize: 4097)]))
        }
        #expect(error?.code == .inputTooLarge)
        #expect(error?.details["field"] == "metadata")
        #expect(error?.details["received_bytes"]?.numberValue?.integerValue == 4097)
    }

    @Test("Sizes are checked before the version and the envelope")
    func sizeFirst() {
        let error = #expect(throws: JECPError.self) {
            try InvokeRequest(validating: Self.body(["jecp": "2.0", "id": "x", "metadata": Self.object(ofSerializedSize: 5000)]))
        }
        #expect(error?.code == .inputTooLarge)
    }

    // MARK: Mandate

    @Test(
        "A valid mandate parses budget exactly and expires_at to unix seconds",
        arguments: [
            ("0.05", 50_000), ("0", 0), ("0.000001", 1), ("5", 5_000_000), ("1000", 1_000_000_000),
            ("1000.000000", 1_000_000_000), ("1e3", 1_000_000_000), ("0.1", 100_000), ("999.999999", 999_999_999),
        ] as [(String, Int64)]
    )
    func validMandate(budget: String, micros: Int64) throws {
        let body = Self.mandate([
            "budget_usdc": try JSONValue(parsing: budget),
            "expires_at": "2026-12-31T23:59:59Z",
            "provenance_hash": "v2:1900000000:0123456789abcdef:00",
        ])
        let mandate = try #require(try InvokeRequest(validating: body).mandate)
        #expect(mandate.agentID == Self.agentID)
        #expect(mandate.apiKey == Self.apiKey)
        #expect(mandate.budget == Money(micros: micros))
        #expect(mandate.expiresAt == 1_798_761_599)
        #expect(mandate.provenanceHash == "v2:1900000000:0123456789abcdef:00")
    }

    @Test("Optional mandate fields may be absent")
    func minimalMandate() throws {
        let mandate = try #require(try InvokeRequest(validating: Self.mandate()).mandate)
        #expect(mandate.budget == nil)
        #expect(mandate.expiresAt == nil)
        #expect(mandate.provenanceHash == nil)
    }

    @Test("expires_at with an offset is converted to UTC unix seconds")
    func expiresAtOffset() throws {
        let mandate = try #require(try InvokeRequest(validating: Self.mandate(["expires_at": "2027-01-01T08:59:59+09:00"])).mandate)
        #expect(mandate.expiresAt == 1_798_761_599)
    }

    @Test(
        "Bad mandate fields are reported under /mandate",
        arguments: [
            ("agent_id", "x"), ("agent_id", "jdb_ak_0123456789abcdef"), ("agent_id", "JDB_ag_0123456789abcdef"),
            ("agent_id", "jdb_ag_short"), ("agent_id", 42), ("agent_id", nil),
            ("api_key", "not-a-key"), ("api_key", "jdb_ag_0123456789abcdef"), ("api_key", 1),
            ("budget_usdc", 1000.0000001), ("budget_usdc", 1000.000001), ("budget_usdc", -0.01), ("budget_usdc", 0.0000001),
            ("budget_usdc", "0.05"), ("budget_usdc", nil),
            ("expires_at", "tomorrow"), ("expires_at", "2026-02-30T00:00:00Z"), ("expires_at", "2026-12-31T23:59:59"),
            ("expires_at", 1_798_761_599), ("provenance_hash", 5),
        ] as [(String, JSONValue)]
    )
    func badMandateField(field: String, value: JSONValue) throws {
        let violations = Self.violations(of: Self.mandate([field: value]))
        #expect(violations.map(\.path) == ["/mandate/\(field)"])
    }

    @Test("Missing mandate credentials are required")
    func missingMandateCredentials() {
        let paths = Self.paths(of: Self.body(["mandate": ["budget_usdc": 1]]))
        #expect(paths == ["/mandate/agent_id", "/mandate/api_key"])
    }

    @Test("budget_usdc 1000.0000001 is rejected rather than rounded")
    func budgetNotRounded() throws {
        let body = try JSONValue(parsing: """
            {"jecp":"1.0","id":"req_a3f2b1","capability":"a","action":"b","input":{},
             "mandate":{"agent_id":"\(Self.agentID)","api_key":"\(Self.apiKey)","budget_usdc":1000.0000001}}
            """)
        #expect(Self.violations(of: body).map(\.path) == ["/mandate/budget_usdc"])
    }

    @Test(
        "The mandate api_key never appears in the error",
        arguments: [
            "jdb_ak_S3cretValueThatMustNeverLeakXyz0123456789abcdefGHIJ",
            "jdb_ak_TOP-SECRET-value-with-dashes-0123456789",
            "S3cretWithoutPrefix0123456789",
            "jdb_ak_short",
        ]
    )
    func apiKeyNeverLeaks(key: String) throws {
        let bodies: [JSONValue] = [
            Self.body(["mandate": ["agent_id": "bad", "api_key": .string(key), "budget_usdc": -1, "expires_at": "x"]]),
            Self.body(["id": "x", "mandate": ["agent_id": .string(Self.agentID), "api_key": .string(key)]]),
            Self.body(["mandate": ["api_key": .string(key), "provenance_hash": 1]]),
            Self.body(["jecp": "2.0", "mandate": ["api_key": .string(key)]]),
            Self.body(["metadata": Self.object(ofSerializedSize: 5000), "mandate": ["api_key": .string(key)]]),
        ]
        let secret = String(key.split(separator: "_").last ?? Substring(key))
        for body in bodies {
            let error = #expect(throws: JECPError.self) { try InvokeRequest(validating: body) }
            guard let error else { continue }
            let text = error.envelope(requestID: nil, documentationBase: "https://h").serializedString()
            #expect(!text.contains(key), "\(text)")
            #expect(!text.contains(secret), "\(text)")
            #expect(!error.message.contains(secret))
        }
    }

    @Test("echoableID returns only ids worth echoing")
    func echoableID() {
        #expect(InvokeRequest.echoableID(of: ["id": "req_1234"]) == "req_1234")
        #expect(InvokeRequest.echoableID(of: ["id": "x"]) == nil)
        #expect(InvokeRequest.echoableID(of: ["id": 1234]) == nil)
        #expect(InvokeRequest.echoableID(of: ["id": "<script>"]) == nil)
        #expect(InvokeRequest.echoableID(of: [:]) == nil)
        #expect(InvokeRequest.echoableID(of: ["req_1234"]) == nil)
    }
}

@Suite("Credentials")
struct CredentialsTests {
    @Test(
        "generate produces <prefix>_<kind>_<random> with 24-character ids and 48-character keys",
        arguments: [
            (Credentials.Kind.agentID, "^jecp_ag_[A-Za-z0-9]{24}$"), (.agentKey, "^jecp_ak_[A-Za-z0-9]{48}$"),
            (.providerID, "^jecp_pr_[A-Za-z0-9]{24}$"), (.providerKey, "^jecp_pk_[A-Za-z0-9]{48}$"),
        ] as [(Credentials.Kind, String)]
    )
    func generate(kind: Credentials.Kind, pattern: String) throws {
        let regex = try Regex(pattern)
        var seen = Set<String>()
        for _ in 0..<50 {
            let value = Credentials.generate(kind, prefix: "jecp")
            #expect(value.wholeMatch(of: regex) != nil, "\(value)")
            #expect(Credentials.isWellFormed(value, kind: kind))
            seen.insert(value)
        }
        #expect(seen.count == 50)
    }

    @Test("A generated credential is well-formed only for its own kind")
    func otherKinds() {
        let id = Credentials.generate(.agentID, prefix: "jecp")
        #expect(Credentials.isWellFormed(id, kind: .agentID))
        #expect(!Credentials.isWellFormed(id, kind: .agentKey))
        #expect(!Credentials.isWellFormed(id, kind: .providerID))
        #expect(!Credentials.isWellFormed(id, kind: .providerKey))
    }

    @Test("Generated characters cover the whole 62-symbol alphabet")
    func alphabetCoverage() {
        var characters = Set<Character>()
        for _ in 0..<1_000 {
            characters.formUnion(Credentials.generate(.agentID, prefix: "x").dropFirst("x_ag_".count))
        }
        #expect(characters.count == 62)
        #expect(characters.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    @Test(
        "isWellFormed follows ^[a-z]{2,8}_<kind>_[A-Za-z0-9]{16,}$",
        arguments: [
            ("jdb_ag_0123456789abcdef", true), ("ab_ag_0123456789ABCDEF", true), ("abcdefgh_ag_0123456789abcdef", true),
            ("jdb_ag_0123456789abcdefghijklmnopqrstuvwxyz", true),
            ("jdb_ag_0123456789abcde", false), ("a_ag_0123456789abcdef", false), ("abcdefghi_ag_0123456789abcdef", false),
            ("JDB_ag_0123456789abcdef", false), ("jd1_ag_0123456789abcdef", false), ("jdb_AG_0123456789abcdef", false),
            ("jdb_ak_0123456789abcdef", false), ("jdb_ag_0123456789abcdef_", false), ("jdb_ag_0123456789-abcdef", false),
            ("jdb_ag_0123456789abcdeé", false), ("jdb__ag_0123456789abcdef", false), ("jdbag0123456789abcdef", false),
            ("", false), ("jdb_ag_", false),
        ]
    )
    func wellFormed(value: String, expected: Bool) {
        #expect(Credentials.isWellFormed(value, kind: .agentID) == expected)
    }
}
