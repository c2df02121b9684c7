@testable import JECPManifest
import JECPModels
import Testing

/// The typed view the Hub acts on: spec defaults applied, money exact.
@Suite struct ManifestTests {
    let full: Manifest

    init() throws {
        full = try ManifestParser().parse(Array(Fixtures.fullYAML.utf8), contentType: "application/x-yaml")
    }

    @Test func capabilityFields() throws {
        #expect(full.namespace == "acme-docs")
        #expect(full.capability == "document-pipeline")
        #expect(full.fullID == "acme-docs/document-pipeline")
        #expect(full.version == SemanticVersion(major: 2, minor: 10, patch: 3))
        #expect(full.displayName == "ACME Documents")
        #expect(full.description == "Invoices, emails and streamed summaries.")
        #expect(full.endpoint == "https://api.acme.example/jecp/v1")
        #expect(full.tags == ["documents", "billing", "pdf"])
        #expect(full.actions.map(\.id) == ["summarize", "send-invoice", "ping"])
    }

    @Test func pricesAreExactMicros() throws {
        #expect(full.action(id: "summarize")?.price == Money(micros: 12_500))
        #expect(full.action(id: "send-invoice")?.price == Money(micros: 50_000))
        #expect(full.action(id: "ping")?.price == .zero)
        #expect(full.action(id: "summarize")?.currency == "USDC")
        #expect(full.action(id: "summarize")?.pricingModel == "per_token")
        let trailingZeros = try ManifestParser().validate(
            Fixtures.minimal().setting(["actions", "0", "pricing", "base"], to: "$1.500000000"))
        #expect(trailingZeros.actions.first?.price == Money(micros: 1_500_000))
    }

    @Test func defaultsForAMinimalAction() throws {
        let action = try #require(try ManifestParser().validate(Fixtures.minimal()).actions.first)
        #expect(action.name == "Translate text")
        #expect(action.trustTierRequired == .bronze)
        #expect(action.streaming == false)
        #expect(action.rateLimitPerMinute == nil)
        #expect(action.timeoutMilliseconds == 30_000)
        #expect(action.composes == nil)
        #expect(action.examples.count == 1)
        #expect(action.inputSchema["required"] == ["text", "target_lang"])
        let manifest = try ManifestParser().validate(Fixtures.minimal())
        #expect(manifest.tags == [])
        #expect(manifest.deprecation == nil)
    }

    @Test func actionFields() throws {
        let summarize = try #require(full.action(id: "summarize"))
        #expect(summarize.trustTierRequired == .silver)
        #expect(summarize.rateLimitPerMinute == 60)
        #expect(summarize.timeoutMilliseconds == 120_000)
        #expect(summarize.raw["side_effects"]?["external_api_call"] == true)
        let invoice = try #require(full.action(id: "send-invoice"))
        #expect(invoice.name == nil)
        #expect(invoice.trustTierRequired == .gold)
        #expect(invoice.rateLimitPerMinute == nil, "0 means the Hub's default")
    }

    @Test func streamingIsInheritedFromTheCapability() throws {
        // The capability sets streaming: true; `summarize` omits it, `ping` says false.
        #expect(full.action(id: "summarize")?.streaming == true)
        #expect(full.action(id: "ping")?.streaming == false)
        // A composite never streams (04 §5.2.6), whatever the capability says.
        #expect(full.action(id: "send-invoice")?.streaming == false)
    }

    @Test func compositeFields() throws {
        let composes = try #require(full.action(id: "send-invoice")?.composes)
        #expect(composes.maxDepth == 1)
        #expect(composes.onStepFailure == "continue")
        #expect(composes.timeoutTotalMilliseconds == 90_000)
        #expect(composes.steps.map(\.id) == ["invoice", "send"])
        #expect(composes.steps[0].call == "acme-docs/document-pipeline")
        #expect(composes.steps[0].action == "generate-invoice")
        #expect(composes.steps[1].input["attachments"] == ["${invoice.pdf_url}"])

        let step: JSONValue = ["id": "only", "call": "other/cap", "action": "run", "input": [:]]
        let minimal = try ManifestParser().validate(Fixtures.minimal().setting(["actions", "0", "composes"], to: ["steps": [step]]))
        let defaults = try #require(minimal.actions.first?.composes)
        #expect(defaults.maxDepth == 1)
        #expect(defaults.onStepFailure == "rollback")
        #expect(defaults.timeoutTotalMilliseconds == 60_000)
    }

    @Test func deprecationFields() throws {
        let deprecation = try #require(full.deprecation)
        #expect(deprecation.status == "deprecated")
        #expect(deprecation.sunsetAt == 1_801_353_600)  // 2027-01-31T00:00:00Z
        #expect(deprecation.successorVersion == SemanticVersion(major: 3, minor: 0, patch: 0))
        let active = try ManifestParser().validate(Fixtures.minimal().setting(["deprecation"], to: [:]))
        #expect(active.deprecation?.status == "active")
        #expect(active.deprecation?.sunsetAt == nil)
    }

    @Test func timeoutBoundsAndClamping() throws {
        for (timeout, accepted) in [(1_000, true), (300_000, true), (999, false), (300_001, false)] {
            let manifest = try Fixtures.minimal().setting(["actions", "0", "sla"], to: ["timeout_ms": .number(JSONNumber(timeout))])
            if accepted {
                #expect(try ManifestParser().validate(manifest).actions.first?.timeoutMilliseconds == timeout)
            } else {
                #expect(Fixtures.problems(manifest).map(\.instancePath) == ["/actions/0/sla/timeout_ms"])
            }
        }
        // The schema bounds it already; the typed view clamps as well so a stored manifest read
        // back under a looser schema can never set a timeout outside the Hub's range.
        #expect(Manifest.clamp(.number(JSONNumber(5)), default: 30_000, to: 1_000...300_000) == 1_000)
        #expect(Manifest.clamp(.number(JSONNumber(9_000_000)), default: 30_000, to: 1_000...300_000) == 300_000)
        #expect(Manifest.clamp(nil, default: 30_000, to: 1_000...300_000) == 30_000)
    }
}
