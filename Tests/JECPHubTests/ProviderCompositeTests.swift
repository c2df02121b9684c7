import Foundation
import JECPModels
import JECPProviderKit
import JECPTestDNS
import Testing

/// Provider composites (spec 01 §4.4, 04 §5.2): steps on other providers, one charge, every step
/// provider paid its 85% out of the composite's share, and the publish-time rules.
@Suite("Provider composites")
struct ProviderCompositeTests {
    static func composite(steps: [JSONValue], price: String = "$0.01", tier: String = "bronze") -> JSONValue {
        ["namespace": "combo", "display_name": "Combo", "capability": "pipeline", "version": "1.0.0", "description": "Chains text tools.",
         "endpoint": "http://combo.test/jecp",
         "actions": [["id": "count-and-reverse", "description": "Counts, then reverses.", "trust_tier_required": .string(tier),
                      "pricing": ["base": .string(price), "currency": "USDC", "model": "per_call"],
                      "input_schema": ["type": "object", "required": ["text"], "properties": ["text": ["type": "string"]]],
                      "output_schema": ["type": "object", "required": ["count", "reverse"]],
                      "composes": ["steps": .array(steps)]]]]
    }

    static let steps: [JSONValue] = [
        ["id": "count", "call": "textco/text-tools", "action": "word-count", "input": ["text": "${input.text}"]],
        ["id": "reverse", "call": "textco/text-tools", "action": "reverse-words", "input": ["text": "${input.text}"]],
    ]

    @Test("a two-step composite on another provider: one charge, the step provider paid 85% per step, the composite provider the rest")
    func twoSteps() async throws {
        try await ProviderAccountTests.withHub { hub, dns in
            let textco = try await hub.registerProvider("textco", host: "text.test", dns: dns)
            try await hub.proveDomain(textco, host: "text.test", dns: dns)
            let combo = try await hub.registerProvider("combo", host: "combo.test", dns: dns)
            try await hub.proveDomain(combo, host: "combo.test", dns: dns)
            try await TestProviders.runExample(secret: textco.secret) { port in
                let manifest = try await TestProviders.exampleManifest(namespace: "textco", endpoint: "http://text.test:\(port)/jecp")
                #expect(try await hub.publish(textco, manifest: manifest).status == 201)

                let tooCheap = try await hub.publish(combo, manifest: Self.composite(steps: Self.steps, price: "$0.003").serialized())
                #expect(tooCheap.status == 400 && tooCheap.details["errors"]?[0]?["instance_path"] == "/actions/0/pricing/base", "\(tooCheap.text)")
                let missing = try await hub.publish(combo, manifest: Self.composite(steps: [
                    ["id": "nope", "call": "textco/text-tools", "action": "no-such-action", "input": [:]],
                ]).serialized())
                #expect(missing.status == 400)
                #expect(try await hub.publish(combo, manifest: Self.composite(steps: Self.steps).serialized()).status == 201)

                let agent = try await hub.register()
                try await hub.credit(agent, "1")
                let call = try await hub.invoke(agent, capability: "combo/pipeline", action: "count-and-reverse", input: ["text": "alpha beta gamma"])
                #expect(call.status == 200, "\(call.text)")
                #expect(call.json["result"]?["output"]?["count"]?["words"] == 3)
                #expect(call.json["result"]?["output"]?["reverse"]?["text"] == "gamma beta alpha")
                #expect(call.json["billing"]?["cost_usdc"]?.money == (try Money(decimal: "0.01")))
                #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.99")))
                // textco: 85% of 0.002 + 85% of 0.001; combo: 85% of 0.01 minus those.
                let textcoEarned = try await hub.get("/v1/providers/me/earnings", headers: textco.bearer).json["payable_usdc"]?.money
                #expect(textcoEarned == (try Money(decimal: "0.00255")))
                let comboEarned = try await hub.get("/v1/providers/me/earnings", headers: combo.bearer).json["payable_usdc"]?.money
                #expect(comboEarned == (try Money(decimal: "0.00595")))
                let summary = try await hub.ledgerSummary()
                #expect(summary["global_sum_usdc"]?.money == .zero && summary["transaction_count"] == 2)

                // A step whose input does not bind fails the whole composite; nothing is charged.
                let unbound = try await hub.publish(combo, manifest: {
                    var manifest = Self.composite(steps: [["id": "count", "call": "textco/text-tools", "action": "word-count",
                                                           "input": ["text": "${input.missing}"]]])
                    if case .object(var object) = manifest { object["version"] = "1.1.0"; manifest = .object(object) }
                    return manifest
                }().serialized())
                #expect(unbound.status == 201)
                let failed = try await hub.invoke(agent, capability: "combo/pipeline", action: "count-and-reverse", input: ["text": "x"])
                #expect(failed.status == 422 && failed.errorCode == "COMPOSITE_BIND_ERROR", "\(failed.text)")
                #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.99")))

                // The step provider retires its capability: the composite fails at that step instead of paying for it.
                #expect(try await hub.request(.delete, "/v1/manifests/textco/text-tools/1.0.0", headers: textco.bearer).status == 200)
                let retired = try await hub.invoke(agent, capability: "combo/pipeline@1.0.0", action: "count-and-reverse", input: ["text": "x"])
                #expect(retired.status == 502 && retired.errorCode == "COMPOSITE_STEP_FAILED", "\(retired.text)")
                #expect(retired.details["failed_step_id"] == "count" && retired.details["upstream_error"]?["code"] == "CAPABILITY_DEPRECATED")
                #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.99")))
                #expect(try await hub.get("/v1/providers/me/earnings", headers: textco.bearer).json["payable_usdc"]?.money == (try Money(decimal: "0.00255")))
            }
        }
    }

    @Test("publish-time: a step calling a composite is COMPOSITE_DEPTH_EXCEEDED (422); a tier below a step's is refused")
    func publishRules() async throws {
        try await ProviderAccountTests.withHub { hub, dns in
            let combo = try await hub.registerProvider("combo", host: "combo.test", dns: dns)
            try await hub.proveDomain(combo, host: "combo.test", dns: dns)
            // hub/document-pipeline's invoice-and-email style built-ins: find a built-in composite to call.
            let builtins = try await hub.get("/v1/capabilities?limit=200").json["capabilities"]?.arrayValue ?? []
            let compositeTarget = builtins.lazy.compactMap { capability -> (String, String)? in
                guard let action = capability["actions"]?.arrayValue?.first(where: { $0["composes"] != nil }) else { return nil }
                return (capability["id"]?.stringValue ?? "", action["id"]?.stringValue ?? "")
            }.first
            let (call, action) = try #require(compositeTarget, "the built-ins include a composite")
            let deep = try await hub.publish(combo, manifest: Self.composite(steps: [
                ["id": "inner", "call": .string(call), "action": .string(action), "input": [:]],
            ], price: "$5").serialized())
            #expect(deep.status == 422 && deep.errorCode == "COMPOSITE_DEPTH_EXCEEDED", "\(deep.text)")

            let gated = builtins.lazy.compactMap { capability -> (String, String)? in
                guard let action = capability["actions"]?.arrayValue?.first(where: { $0["trust_tier_required"] != "bronze" && $0["composes"] == nil })
                else { return nil }
                return (capability["id"]?.stringValue ?? "", action["id"]?.stringValue ?? "")
            }.first
            let (gatedCall, gatedAction) = try #require(gated, "the built-ins include a tier-gated action")
            let lowTier = try await hub.publish(combo, manifest: Self.composite(steps: [
                ["id": "gated", "call": .string(gatedCall), "action": .string(gatedAction), "input": [:]],
            ], price: "$5").serialized())
            #expect(lowTier.status == 400 && lowTier.details["errors"]?[0]?["instance_path"] == "/actions/0/trust_tier_required", "\(lowTier.text)")
        }
    }
}
