import Foundation
import JECPModels
import JECPProviderKit
import JECPSchema
import Testing

@Suite struct ProviderManifestTests {
    @Test func theMinimalFixtureRoundTripsAndValidates() throws {
        let fixture = try loadJSON("fixtures/manifest-minimal-valid.json")
        let manifest = try ProviderManifest(json: fixture.serialized())
        #expect(manifest.namespace == "example")
        #expect(manifest.actions.first?.pricing.model == .perCall)
        let encoded = try manifest.jsonValue()
        #expect(manifestSchema.validate(encoded) == [])
        // Nothing lost or added on the way through the types.
        #expect(encoded == fixture)
    }

    @Test func aManifestUsingEveryOptionalFieldValidates() throws {
        let manifest = Self.full
        let encoded = try manifest.jsonValue()
        #expect(manifestSchema.validate(encoded) == [])
        for key in ["website", "support_email", "documentation", "logo_url", "tags", "streaming", "authentication",
                    "compliance", "billing", "deprecation", "metadata", "extensions"] {
            #expect(encoded[key] != nil, "\(key)")
        }
        let composite = try #require(encoded["actions"]?.arrayValue?.last)
        #expect(composite["composes"]?["on_step_failure"] == "rollback")
        #expect(composite["sla"]?["latency_p95_ms"] == 800)
        #expect(encoded["deprecation"]?["sunset_at"] == "2027-01-01T00:00:00Z")
        // And it decodes back to the same value.
        #expect(try ProviderManifest(json: manifest.jsonData()) == manifest)
    }

    @Test func perTokenRatesAreWrittenExactly() throws {
        let text = String(decoding: try Self.full.jsonData(), as: UTF8.self)
        #expect(text.contains(#""input_per_token_usdc":0.000002"#))
        #expect(text.contains(#""output_per_token_usdc":0.0000155"#))
        #expect(text.contains(#""endpoint":"https://api.acme.dev/jecp""#))
    }

    @Test func anInvalidManifestProducesViolations() throws {
        var manifest = Self.full
        manifest.namespace = "Not A Namespace"
        let violations = manifestSchema.validate(try manifest.jsonValue())
        #expect(violations.contains { $0.instancePath == "/namespace" })

        var deprecated = Self.full
        deprecated.deprecation = .init(status: .deprecated)  // sunset_at is required once deprecated
        deprecated.actions[0].composes = Self.full.actions[2].composes  // composes + streaming is forbidden
        let more = manifestSchema.validate(try deprecated.jsonValue())
        #expect(more.contains { $0.instancePath == "/deprecation" })
        #expect(more.contains { $0.instancePath == "/actions/0" })
    }

    @Test func jsonValueIsCodableWithExactNumbers() throws {
        let value: JSONValue = try JSONValue(parsing: #"{"a":[1,-2.5,0.005,1e300,12345678901234567890,true,null,"x"],"b":{}}"#)
        let data = try JSONEncoder().encode(value)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(decoded == value)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("0.005") && text.contains("-2.5") && text.contains("12345678901234567890"))
    }

    static let full = ProviderManifest(
        namespace: "acme",
        displayName: "Acme Language Services",
        capability: "summarize",
        version: "2.1.0",
        description: "Summaries, streaming completions and a composite report.",
        endpoint: "https://api.acme.dev/jecp",
        website: "https://acme.dev",
        supportEmail: "support@acme.dev",
        documentation: "https://acme.dev/docs/jecp",
        logoURL: "https://acme.dev/logo.png",
        tags: ["text", "summary", "llm"],
        streaming: true,
        authentication: .init(type: .apiKey, headerName: "X-JECP-Signature"),
        actions: [
            .init(id: "complete", name: "Complete", description: "Streams a completion token by token.", streaming: true,
                  pricing: .init(base: "$0.01", currency: "USDC", model: .perToken,
                                 inputPerTokenUSDC: Decimal(string: "0.000002"), outputPerTokenUSDC: Decimal(string: "0.0000155")),
                  trustTierRequired: .silver, rateLimitRPM: 60,
                  inputSchema: ["type": "object", "required": ["prompt"], "properties": ["prompt": ["type": "string", "maxLength": 4000]]],
                  outputSchema: ["type": "object", "properties": ["text": ["type": "string"]]],
                  examples: [.init(input: ["prompt": "Say hi"], output: ["text": "hi"])],
                  sideEffects: .init(externalAPICall: true, storesData: false, modifiesState: false, sendsEmail: false),
                  sla: .init(latencyP95Ms: 1200, timeoutMs: 60_000)),
            .init(id: "transcribe", description: "Transcribes audio.",
                  pricing: .init(base: "$0.02", currency: "USD", model: .perSecond, audioPerSecondUSDC: Decimal(string: "0.0001")),
                  inputSchema: ["type": "object"], outputSchema: ["type": "object"]),
            .init(id: "weekly-report", name: "Weekly report", description: "Summarizes a document, then emails the summary.",
                  pricing: .init(base: "$0.05", currency: "USDC", model: .flat, perChunkUSDC: 0),
                  trustTierRequired: .gold,
                  inputSchema: ["type": "object", "required": ["url", "email"]],
                  outputSchema: ["type": "object", "required": ["summary", "send"]],
                  sideEffects: .init(sendsEmail: true),
                  sla: .init(latencyP95Ms: 800),
                  composes: .init(maxDepth: 1, onStepFailure: .rollback, timeoutTotalMs: 60_000, steps: [
                      .init(id: "summary", call: "acme/summarize", action: "summarize", input: ["url": "${input.url}"]),
                      .init(id: "send", call: "communication/send-email", action: "send",
                            input: ["to": "${input.email}", "body": "${summary.text}"]),
                  ])),
        ],
        compliance: .init(piiHandling: .processOnlyNoStore, gdprCompliant: true, dataResidency: ["EU", "US"]),
        billing: .init(payoutCurrency: "USD", stripeConnectRequired: true),
        deprecation: .init(status: .deprecated, sunsetAt: "2027-01-01T00:00:00Z", successorVersion: "3.0.0"),
        metadata: ["benchmark_url": "https://acme.dev/quality"],
        extensions: ["x402": ["payout_address": "0xabc"]]
    )
}
