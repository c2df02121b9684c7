import Foundation
import JECPModels
import Testing

/// Seeded mutation fuzzing of what agents and providers send: bodies of invoke, register and
/// manifests, their content types and headers. Every answer is a JECP envelope with a catalog code and that code's status,
/// never a 5xx, and nothing but completed calls moves money. `JECP_FUZZ_CASES` (default 1200) and
/// `JECP_FUZZ_SEED` make a long run or replay a failure: the seed is in every failure message.
@Suite struct FuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let cases = Int(environment["JECP_FUZZ_CASES"] ?? "") ?? 1_200
    static let seed = UInt64(environment["JECP_FUZZ_SEED"] ?? "") ?? 0x4A45_4350_F022

    static let templates: [(path: String, body: JSONValue)] = [
        ("/v1/invoke", ["jecp": "1.0", "id": "fuzz-0000", "capability": "content-factory", "action": "text-stats", "input": ["text": "Fuzz me gently."]]),
        ("/v1/invoke", ["jecp": "1.0", "id": "fuzz-0000", "capability": "document-pipeline", "action": "generate-invoice",
                        "input": ["client_name": "Acme", "currency": "USD", "items": [["name": "Widget", "quantity": 2, "unit_price": 1.5]]],
                        "delivery": ["mode": "sync", "format": "inline"], "metadata": ["trace": "x"]]),
        ("/v1/invoke", ["jecp": "1.0", "id": "fuzz-0000", "capability": "data-insight", "action": "forecast", "input": ["series": [1, 2, 3, 4, 5, 6]],
                        "delivery": ["mode": "stream"]]),
        ("/v1/jecp", ["jecp": "1.0", "id": "fuzz-0000", "capability": "content-factory", "action": "keywords", "input": ["text": "alpha beta gamma"]]),
        ("/api/agent/register", ["name": "fuzz-agent", "agent_type": "test", "description": "from the fuzzer"]),
    ]

    static let oddValues: [JSONValue] = [
        .null, true, false, 0, -1, 1e308, -1e-308, 0.1234567, "", " ", "\u{0}", "\u{202E}evil", String(repeating: "a", count: 5_000).jsonValue,
        "../../etc/passwd", "<script>", "1.0", "2.0", "💥", [], [[[[[]]]]], ["": ""], ["__proto__": ["x": 1]],
        .number(JSONNumber(decimalText: "123456789012345678901234567890")),
    ]

    static let contentTypes = ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", "application/xml",
                               "multipart/form-data; boundary=x", "", "application/json;;;", "application/jsonx"]

    static func mutate(_ value: JSONValue, _ random: inout SeededGenerator) -> JSONValue {
        switch value {
        case .object(var fields) where !fields.isEmpty && Int.random(in: 0..<4, using: &random) > 0:
            let key = fields.keys.sorted().randomElement(using: &random)!
            switch Int.random(in: 0..<5, using: &random) {
            case 0: fields.removeValue(forKey: key)
            case 1: fields[key] = oddValues.randomElement(using: &random)!
            case 2: fields[key] = mutate(fields[key]!, &random)
            case 3: fields["x_\(Int.random(in: 0..<99, using: &random))"] = oddValues.randomElement(using: &random)!
            default: fields[key.uppercased()] = fields.removeValue(forKey: key)
            }
            return .object(fields)
        case .array(var items) where !items.isEmpty:
            let index = Int.random(in: 0..<items.count, using: &random)
            items[index] = Bool.random(using: &random) ? mutate(items[index], &random) : oddValues.randomElement(using: &random)!
            return .array(items)
        default:
            return oddValues.randomElement(using: &random)!
        }
    }

    static func bytes(of body: JSONValue, _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = body.serialized()
        switch Int.random(in: 0..<10, using: &random) {
        case 0 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))  // truncated
        case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
        case 2: bytes = (0..<Int.random(in: 0..<64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 3: bytes = Array(String(repeating: "[", count: 5_000).utf8)
        default: break
        }
        return bytes
    }

    @Test func mutatedRequestsGetCatalogEnvelopesAndMoveNoMoney() async throws {
        try await TestHub.run(["jecp.freeCalls": 0, "jecp.registrationRpm": 1_000_000]) { hub in
            var agents: [TestAgent] = []
            for _ in 0..<6 {
                let agent = try await hub.register(tier: "platinum")
                try await hub.credit(agent, "50")
                agents.append(agent)
            }
            let before = try await hub.ledgerSummary()["transaction_count"]?.numberValue?.integerValue ?? -1
            var random = SeededGenerator(seed: Self.seed)
            var charged: Int64 = 0
            let codes = Set(ErrorCode.allCases.map(\.rawValue))
            for index in 0..<Self.cases {
                let template = Self.templates.randomElement(using: &random)!
                var body = template.body
                for _ in 0..<Int.random(in: 0...3, using: &random) { body = Self.mutate(body, &random) }
                if case .object(var fields) = body, fields["id"] != nil, Bool.random(using: &random) {
                    fields["id"] = .string("fuzz-\(index)")  // mostly fresh ids, so valid calls run
                    body = .object(fields)
                }
                var headers = agents.randomElement(using: &random)!.headers
                switch Int.random(in: 0..<8, using: &random) {
                case 0: headers["X-API-Key"] = "jecp_ak_wrong"
                case 1: headers["X-Agent-ID"] = String(repeating: "é", count: 300)
                case 2: headers["X-Idempotency-Key"] = ["", "a", "bad key!", String(repeating: "k", count: 65), "fuzz-\(index)-ok"].randomElement(using: &random)!
                case 3: headers = [:]
                default: break
                }
                headers["Content-Type"] = Self.contentTypes.randomElement(using: &random)!
                if headers["Content-Type"] == "" { headers.removeValue(forKey: "Content-Type") }
                let response = try await hub.request(.post, template.path, body: Self.bytes(of: body, &random), headers: headers)
                let context = "seed \(Self.seed) case \(index): \(template.path) \(response.status) \(response.text.prefix(300))"
                #expect(response.status < 500, "\(context)")
                if response.status >= 400 {
                    let code = try #require(response.errorCode, "no error envelope: \(context)")
                    #expect(codes.contains(code), "\(context)")
                    #expect(ErrorCode(rawValue: code)?.httpStatus == response.status, "\(context)")
                    #expect(response.json["status"]?.stringValue == "failed" || template.path == "/api/agent/register", "\(context)")
                } else if template.path != "/api/agent/register", response.header("Idempotent-Replayed") == nil {
                    // A completed call, as JSON or as a stream whose `done` event carries the billing.
                    let streamed = response.header("Content-Type")?.hasPrefix("text/event-stream") == true
                    if streamed ? response.text.contains("\"transaction_id\":\"") : response.json["billing"]?["transaction_id"]?.stringValue != nil {
                        charged += 1
                    }
                }
            }
            let after = try await hub.ledgerSummary()["transaction_count"]?.numberValue?.integerValue ?? -1
            #expect(after == before + charged, "seed \(Self.seed): \(charged) completed charges, ledger moved by \(after - before)")
            #expect(try await hub.ledgerSummary()["global_sum_usdc"]?.money == .zero)
        }
    }
}

extension FuzzTests {
    static let manifestContentTypes = ["application/json", "application/x-yaml", "text/yaml", "application/yaml", "text/plain", "", "application/xml"]

    /// Manifests as providers might send them: mutated documents, YAML and JSON content types,
    /// truncated and random bytes. Every answer is 201 or a catalog envelope, and none moves money.
    @Test func mutatedManifestsGetCatalogEnvelopesAndMoveNoMoney() async throws {
        // Nameservers on a closed loopback port: hostnames the fuzzer invents never leave the machine.
        try await TestHub.run(["jecp.testMode": true, "jecp.dnsServers": "127.0.0.1:9", "jecp.registrationRpm": 1_000]) { hub in
            let registered = try await hub.post("/v1/providers/register", json: [
                "namespace": "acme", "display_name": "Acme", "owner_email": "ops@acme.example", "endpoint_url": "http://127.0.0.1/jecp", "country": "US",
            ])
            try #require(registered.status == 201, "\(registered.text)")
            let key = try #require(registered.json["provider_api_key"]?.stringValue)
            let verified = try await hub.request(.patch, "/admin/v1/providers/\(registered.json["provider_id"]?.stringValue ?? "")",
                                                 body: Array(#"{"dns_verified":true}"#.utf8), headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
            try #require(verified.status == 200)
            let before = try await hub.ledgerSummary()["transaction_count"]
            var random = SeededGenerator(seed: Self.seed ^ 0x4D41_4E49)
            let codes = Set(ErrorCode.allCases.map(\.rawValue))
            let template = ManifestPublishingTests.manifest(endpoint: "http://127.0.0.1/jecp")
            var published = 0
            for index in 0..<max(Self.cases / 4, 50) {
                var body = template
                if case .object(var fields) = body {
                    fields["version"] = .string("1.\(index).0")  // unmutated ones publish instead of colliding
                    body = .object(fields)
                }
                for _ in 0..<Int.random(in: 0...3, using: &random) { body = Self.mutate(body, &random) }
                var headers = ["Authorization": Int.random(in: 0..<12, using: &random) == 0 ? "Bearer jecp_pk_wrong" : "Bearer \(key)"]
                let contentType = Self.manifestContentTypes.randomElement(using: &random)!
                if !contentType.isEmpty { headers["Content-Type"] = contentType }
                let response = try await hub.request(.post, "/v1/manifests", body: Self.bytes(of: body, &random), headers: headers)
                let context = "seed \(Self.seed) manifest case \(index): \(response.status) \(response.text.prefix(300))"
                #expect(response.status < 500, "\(context)")
                if response.status == 201 {
                    published += 1
                    continue
                }
                let code = try #require(response.errorCode, "no error envelope: \(context)")
                #expect(codes.contains(code), "\(context)")
                // COMPOSITE_DEPTH_EXCEEDED is 422 at publish time (409 when a call meets it).
                #expect(ErrorCode(rawValue: code)?.httpStatus == response.status || code == "COMPOSITE_DEPTH_EXCEEDED", "\(context)")
            }
            #expect(published > 0, "seed \(Self.seed): no manifest survived, so the valid path was never exercised")
            #expect(try await hub.ledgerSummary()["transaction_count"] == before)
            #expect(try await hub.get("/v1/capabilities?provider=acme").status == 200)
        }
    }
}

extension String {
    var jsonValue: JSONValue { .string(self) }
}
