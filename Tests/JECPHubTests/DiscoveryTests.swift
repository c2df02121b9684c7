import Foundation
import JECPTestProcess
import JECPModels
import JECPSchema
import Testing

/// Spec 05: well-known documents, the catalog, health, OpenAPI, metrics and error pages.
@Suite struct DiscoveryTests {
    static let sharedDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared").standardized

    @Test func agentGuideIsValidAgainstTheSharedSchema() async throws {
        try await TestHub.run { hub in
            let response = try await hub.get("/.well-known/agent-guide.json")
            #expect(response.status == 200)
            #expect(response.header("Cache-Control") == "public, max-age=300, must-revalidate")
            #expect(response.header("Access-Control-Allow-Origin") == "*")
            let schemaData = try Data(contentsOf: Self.sharedDirectory.appendingPathComponent("spec/schemas/v1/agent-guide.json"))
            let schema = try CompiledSchema(try JSONValue(parsing: Array(schemaData)), formatAssertion: true)
            let violations = schema.validate(response.json)
            #expect(violations.isEmpty, "\(violations)")
            let capabilities = response.json["supported_capabilities"]?.arrayValue ?? []
            #expect(capabilities.contains("document-pipeline"))
            #expect(response.json["vendor_prefix"] == "jecp")
            for code in ["AUTH_REQUIRED", "INSUFFICIENT_BALANCE", "INSUFFICIENT_TRUST"] {
                #expect(response.json["error_recovery"]?[code] != nil)
            }
            #expect(response.json["related_resources"]?["capabilities_url"] == "https://hub.test/v1/capabilities")
        }
    }

    @Test func agentCardAndLLMsText() async throws {
        try await TestHub.run { hub in
            let card = try await hub.get("/.well-known/agent.json")
            #expect(card.json["jecp"]?["endpoint"] == "https://hub.test/v1/invoke")
            #expect(card.json["authentication"]?["registration_url"] == "https://hub.test/api/agent/register")
            let llms = try await hub.get("/llms.txt")
            #expect(llms.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(llms.text.hasPrefix("# "))
            #expect(llms.text.contains("## Pricing"))
            #expect(llms.text.contains("generate-invoice"))
            #expect(llms.bytes.count <= 50 * 1024)
        }
    }

    @Test func catalogPaginatesFiltersAndRevalidates() async throws {
        try await TestHub.run { hub in
            let all = try await hub.get("/v1/capabilities")
            #expect(all.status == 200)
            let expected = ["hub/content-factory", "hub/data-insight", "hub/document-pipeline", "hub/file-chain", "hub/test-kit", "hub/workflow"]
            #expect(all.json["total"] == .number(JSONNumber(expected.count)))
            // Walk the pages two at a time until next_cursor is null.
            var ids: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await hub.get("/v1/capabilities?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                let items = page.json["capabilities"]?.arrayValue ?? []
                #expect(items.count <= 2)
                ids += items.compactMap { $0["id"]?.stringValue }
                cursor = page.json["next_cursor"]?.stringValue
                pages += 1
            } while cursor != nil && pages < 10
            #expect(ids == expected)
            #expect(pages == 3)
            let silver = try await hub.get("/v1/capabilities?tier=bronze")
            #expect(silver.json["capabilities"]?.arrayValue?.contains { $0["id"] == "hub/data-insight" } == false)
            let tagged = try await hub.get("/v1/capabilities?tag=pdf")
            #expect(tagged.json["capabilities"]?.arrayValue?.map { $0["name"] } == ["document-pipeline"])
            let byProvider = try await hub.get("/v1/capabilities?provider=someone-else")
            #expect(byProvider.json["total"] == 0)
            let badTier = try await hub.get("/v1/capabilities?tier=diamond")
            #expect(badTier.errorCode == "VALIDATION_FAILED")
            let etag = try #require(all.header("ETag"))
            let revalidated = try await hub.get("/v1/capabilities", headers: ["If-None-Match": etag])
            #expect(revalidated.status == 304)
            #expect(revalidated.bytes.isEmpty)
            #expect(all.header("Access-Control-Allow-Origin") == "*")
        }
    }

    @Test func capabilityDetailHasSchemasAndExamples() async throws {
        try await TestHub.run { hub in
            for path in ["/v1/capabilities/document-pipeline", "/v1/capabilities/hub/document-pipeline"] {
                let response = try await hub.get(path)
                #expect(response.status == 200, "\(path)")
                let action = try #require(response.json["actions"]?.arrayValue?.first)
                #expect(action["id"] == "generate-invoice")
                #expect(action["price_usdc"]?.money == Money(micros: 5_000))
                #expect(action["input_schema"]?["required"] == ["client_name", "items"])
                #expect(action["examples"]?.arrayValue?.isEmpty == false)
            }
            let missing = try await hub.get("/v1/capabilities/nope")
            #expect(missing.status == 404)
            #expect(missing.errorCode == "CAPABILITY_NOT_FOUND")
        }
    }

    @Test func everyCatalogExampleSatisfiesItsInputSchema() async throws {
        try await TestHub.run { hub in
            let catalog = try await hub.get("/v1/capabilities?limit=200")
            for capability in catalog.json["capabilities"]?.arrayValue ?? [] {
                let id = try #require(capability["id"]?.stringValue)
                let detail = try await hub.get("/v1/capabilities/\(id)")
                for action in detail.json["actions"]?.arrayValue ?? [] {
                    let schema = try CompiledSchema(try #require(action["input_schema"]), formatAssertion: true)
                    for example in action["examples"]?.arrayValue ?? [] {
                        let input = try #require(example["input"])
                        #expect(schema.validate(input).isEmpty, "\(id) \(action["id"]?.stringValue ?? ""): \(schema.validate(input))")
                    }
                }
            }
        }
    }

    @Test func healthReportsDatabaseAndPools() async throws {
        try await TestHub.run(["db.pool.read": 3]) { hub in
            let response = try await hub.get("/health")
            #expect(response.status == 200)
            #expect(response.json["status"] == "ok")
            #expect(response.json["checks"]?["database"] == "ok")
            #expect(response.json["pools"]?["read"]?["size"] == 3)
            #expect(response.json["pools"]?["read"]?["idle"] == 3)
            for pool in ["invoke", "read", "provider", "background"] { #expect(response.json["pools"]?[pool] != nil) }
            #expect(response.json["pool_assignments"]?["POST /v1/invoke"] == "invoke")
            #expect(response.json["pool_assignments"]?["GET /v1/capabilities"] == "read")
            #expect(try await hub.get("/health/live").status == 200)
        }
    }

    @Test func aSaturatedInvokePoolStarvesNeitherHealthNorTheCatalog() async throws {
        try await TestHub.run(["db.pool.invoke": 1]) { hub in
            let agent = try await hub.register()
            let gate = "gate-\(UUID().uuidString)"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<2 {
                    group.addTask {
                        let response = try await hub.invoke(agent, action: "hold", input: ["text": .string(gate)], id: "req-hold-\(index)")
                        #expect(response.status == 200)
                    }
                }
                // Wait until one hold owns the only invoke permit and the other queues behind it.
                var saturated = false
                for _ in 0..<500 where !saturated {
                    let pools = try await hub.get("/health").json["pools"]?["invoke"]
                    saturated = pools?["idle"] == 0 && pools?["waiting"] == 1
                    if !saturated { try await Task.sleep(for: .milliseconds(10)) }
                }
                #expect(saturated)
                #expect(try await hub.get("/v1/capabilities").status == 200)
                // Still saturated: the gate is closed, so the catalog did not wait for the pool to drain.
                #expect(try await hub.get("/health").json["pools"]?["invoke"]?["waiting"] == 1)
                await Gate.shared.open(gate)
                try await group.waitForAll()
            }
            #expect(try await hub.get("/health").json["pools"]?["invoke"]?["idle"] == 1)
        }
    }

    @Test func errorPagesComeFromTheCatalog() async throws {
        try await TestHub.run { hub in
            for code in ErrorCode.allCases {
                let page = try await hub.get("/errors/\(code.slug)")
                #expect(page.status == 200, "\(code)")
                #expect(page.text.contains(code.rawValue))
                #expect(page.text.contains("HTTP \(code.httpStatus)"))
            }
            #expect(try await hub.get("/errors/not_a_code").status == 404)
        }
    }

    @Test func metricsExposeResponsesAndErrors() async throws {
        try await TestHub.run { hub in
            _ = try await hub.invoke(nil)
            let metrics = try await hub.get("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("jecp_errors_total{code=\"AUTH_REQUIRED\"}"))
            #expect(metrics.text.contains("jecp_http_responses_total"))
        }
    }

    @Test func openAPIDocumentValidates() async throws {
        try await TestHub.run { hub in
            let response = try await hub.get("/openapi.json")
            #expect(response.json["openapi"] == "3.1.0")
            let paths = response.json["paths"]?.objectValue?.keys.sorted() ?? []
            for path in ["/v1/invoke", "/v1/jecp", "/api/agent/register", "/api/agent/topup", "/webhooks/stripe", "/v1/agents/me", "/v1/agents/me/transactions",
                         "/v1/agents/me/rotate-key", "/v1/capabilities", "/health", "/admin/v1/agents/{agent_id}/credit",
                         "/admin/v1/ledger/summary", "/errors/{code}"] {
                #expect(paths.contains(path), "\(path)")
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString).json")
            try Data(response.bytes).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let validator = try ChildProcess.run("/usr/bin/env", [
                "python3", "-c", "import sys,json; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print('valid')", file.path,
            ])
            #expect(validator.status == 0, "openapi-spec-validator: \(String(decoding: validator.output + validator.errors, as: UTF8.self))")
        }
    }
}
