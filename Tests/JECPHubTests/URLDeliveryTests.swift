import Crypto
import Foundation
import JECPHubCore
import JECPModels
import JECPSchema
import JECPStoreSQLite
import Logging
import Testing

/// Spec 01 §3.5 `delivery.format = url` and §7's 50 MB ceiling: artifacts stored by the Hub,
/// served from signed URLs, refused when altered or expired, purged after expiry.
@Suite struct URLDeliveryTests {
    static let keySecret = "url-delivery-test-secret-0123456789"
    static let invoice: JSONValue = [
        "client_name": "Ada Lovelace", "currency": "EUR", "due_date": "2026-12-31",
        "items": [["name": "Analytical engine service", "quantity": 2, "unit_price": 19.99, "tax_rate": 20]],
    ]

    func invoiceByURL(_ hub: TestHub, _ agent: TestAgent, id: String = "req-url-\(UUID().uuidString.prefix(8))") async throws -> HubResponse {
        try await hub.invoke(agent, capability: "document-pipeline", action: "generate-invoice", input: Self.invoice, id: id,
                             extra: ["delivery": ["format": "url"]])
    }

    /// The path and query of a signed URL on `https://hub.test`.
    func localPath(_ url: String) throws -> String {
        try #require(url.hasPrefix("https://hub.test/v1/artifacts/"), "unexpected URL \(url)")
        return String(url.dropFirst("https://hub.test".count))
    }

    @Test func invoiceByURLServesThePDFAndIsBilledOnce() async throws {
        try await TestHub.run(["jecp.keySecret": .init(.string(Self.keySecret), isSecret: true)]) { hub in
            let agent = try await hub.register()
            let response = try await invoiceByURL(hub, agent, id: "req-url-once")
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let output = try #require(response.json["result"]?["output"])
            #expect(output["pdf"] == nil)
            let url = try #require(output["pdf_url"]?.stringValue)
            #expect(output["metadata"]?["total_amount"]?.numberValue?.text == "47.98")
            #expect(response.json["billing"]?["method"] == "free_call")

            // The delivered shape is the output schema with `pdf` swapped for `pdf_url`.
            let schema = try #require(try await hub.catalogOutputSchema("document-pipeline", "generate-invoice"))
            let urlSchema = try CompiledSchema(ArtifactField.urlDeliverySchema(schema, fields: ArtifactField.fields(in: schema)))
            #expect(urlSchema.validate(output).isEmpty, "\(urlSchema.validate(output))")

            // The URL lives at least an hour (spec 01 §3.5); the default outlives the replay window.
            let expires = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "expires" }?.value.flatMap { Int64($0) })
            #expect(expires - Timestamps.now() >= 86_400 + 3_500)

            let fetched = try await hub.get(try localPath(url))
            #expect(fetched.status == 200)
            #expect(fetched.header("Content-Type") == "application/pdf")
            #expect(fetched.header("ETag") == "\"\(SHA256.hash(data: fetched.bytes).hexString)\"")
            let text = try PopplerText.extract(Data(fetched.bytes))
            #expect(text.contains("Ada Lovelace"))
            #expect(text.contains("€47.98"))
            // No credentials needed, and a conditional GET is cheap.
            #expect(try await hub.get(try localPath(url), headers: ["If-None-Match": fetched.header("ETag") ?? ""]).status == 304)

            // A replay returns the same URL, and nothing is charged twice.
            let replay = try await invoiceByURL(hub, agent, id: "req-url-once")
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.json["result"]?["output"]?["pdf_url"]?.stringValue == url)
            #expect(try await hub.profile(agent)["free_calls_remaining"] == 99)
        }
    }

    @Test func alteredOrExpiredURLsAreRefused() async throws {
        try await TestHub.run(["jecp.keySecret": .init(.string(Self.keySecret), isSecret: true)]) { hub in
            let agent = try await hub.register()
            let url = try #require(try await invoiceByURL(hub, agent).json["result"]?["output"]?["pdf_url"]?.stringValue)
            let path = try localPath(url)
            let components = try #require(URLComponents(string: url))
            let id = String(components.path.split(separator: "/").last ?? "")
            let expires = try #require(components.queryItems?.first { $0.name == "expires" }?.value)
            let signature = try #require(components.queryItems?.first { $0.name == "sig" }?.value)

            let longer = try await hub.get("/v1/artifacts/\(id)?expires=\(Int64(expires)! + 86_400)&sig=\(signature)")
            #expect(longer.status == 403)
            #expect(longer.errorCode == "ARTIFACT_SIGNATURE_INVALID")
            let flipped = signature.last == "0" ? String(signature.dropLast()) + "1" : String(signature.dropLast()) + "0"
            #expect(try await hub.get("/v1/artifacts/\(id)?expires=\(expires)&sig=\(flipped)").errorCode == "ARTIFACT_SIGNATURE_INVALID")
            #expect(try await hub.get("/v1/artifacts/\(id)").status == 403)
            #expect(try await hub.get("/v1/artifacts/art_0000?expires=\(expires)&sig=\(signature)").status == 403)
            #expect(try await hub.get(path).status == 200)

            // A correctly signed URL whose time has passed: 410, whether or not the bytes still exist.
            let signer = ArtifactSigner(secret: Array(Self.keySecret.utf8))
            let past = Timestamps.now() - 10
            let expired = try await hub.get("/v1/artifacts/\(id)?expires=\(past)&sig=\(signer.signature(id: id, expiresAt: past))")
            #expect(expired.status == 410)
            #expect(expired.errorCode == "ARTIFACT_EXPIRED")
        }
    }

    @Test func purgeDeletesExpiredArtifacts() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let path = try localPath(try #require(try await invoiceByURL(hub, agent).json["result"]?["output"]?["pdf_url"]?.stringValue))
            #expect(try await hub.get(path).status == 200)
            let store = try SQLiteStore(path: hub.databasePath, logger: Logger(label: "test"))
            // Just before expiry nothing goes; a day later the artifact is gone for good.
            #expect(try await store.purgeExpiredArtifacts(now: Timestamps.now()) == 0)
            await ExpiryPurgeService(store: store, logger: Logger(label: "test")).purgeOnce(now: Timestamps.now() + 90_001)
            try await store.close()
            let gone = try await hub.get(path)
            #expect(gone.status == 404)
            #expect(gone.errorCode == "NOT_FOUND")
        }
    }

    @Test func responsesOverTheInlineCeilingSwitchToURLs() async throws {
        try await TestHub.run(["jecp.maxInlineResponseBytes": 2_048]) { hub in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, capability: "document-pipeline", action: "generate-invoice", input: Self.invoice)
            #expect(response.status == 200)
            let output = try #require(response.json["result"]?["output"])
            #expect(output["pdf"] == nil)
            #expect(try await hub.get(try localPath(try #require(output["pdf_url"]?.stringValue))).status == 200)
            // Small outputs without artifacts are untouched by the ceiling and by format=url.
            let stats = try await hub.invoke(agent, capability: "content-factory", action: "text-stats", input: ["text": "One sentence here."],
                                             extra: ["delivery": ["format": "url"]])
            #expect(stats.json["result"]?["output"]?["words"] == 3)
        }
    }

    @Test func catalogNamesTheArtifacts() async throws {
        try await TestHub.run { hub in
            let detail = try await hub.get("/v1/capabilities/data-insight").json
            let forecast = try #require(detail["actions"]?.arrayValue?.first { $0["id"] == "forecast" })
            #expect(forecast["artifacts"] == [["path": "/chart", "media_type": "image/png", "url_field": "chart_url"]])
        }
    }
}

extension TestHub {
    func catalogOutputSchema(_ capability: String, _ action: String) async throws -> JSONValue? {
        try await get("/v1/capabilities/\(capability)").json["actions"]?.arrayValue?.first { $0["id"] == .string(action) }?["output_schema"]
    }
}
