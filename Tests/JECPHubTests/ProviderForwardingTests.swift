import Foundation
import JECPModels
import JECPProviderKit
import JECPTestDNS
import JECPTestPostgres
import Testing

/// `POST /v1/invoke` on provider capabilities: signed forwarding over real loopback HTTP, billing
/// 85/10/5 on success and nothing on any failure.
@Suite("Provider forwarding")
struct ProviderForwardingTests {
    @Test("end to end: register → prove DNS → publish the example provider → invoke: signature verified, charged once, provider credited 85%")
    func exampleProvider() async throws {
        try await ProviderAccountTests.withHub { hub, dns in
            let provider = try await hub.registerProvider("textco", host: "text.test", dns: dns)
            try await TestProviders.runExample(secret: provider.secret) { port in
                let manifest = try await TestProviders.exampleManifest(namespace: "textco", endpoint: "http://text.test:\(port)/jecp")
                let agent = try await hub.register()
                try await hub.credit(agent, "1")
                let submitted = try await hub.publish(provider, manifest: manifest)
                #expect(submitted.status == 201 && submitted.json["status"] == "submitted", "\(submitted.text)")
                let early = try await hub.invoke(agent, capability: "textco/text-tools", action: "word-count", input: ["text": "a b"])
                #expect(early.status == 404 && early.errorCode == "CAPABILITY_NOT_FOUND")

                try await hub.proveDomain(provider, host: "text.test", dns: dns)
                let call = try await hub.invoke(agent, capability: "textco/text-tools", action: "word-count",
                                                input: ["text": "Hello world. How are you?"], id: "wc-1")
                #expect(call.status == 200, "\(call.text)")
                #expect(call.json["result"]?["output"] == ["words": 5, "characters": 25, "sentences": 2])
                #expect(call.json["billing"]?["cost_usdc"]?.money == (try Money(decimal: "0.002")))
                #expect(call.json["billing"]?["method"] == "wallet" && call.json["execution"]?["provider"] == "textco")
                let replay = try await hub.invoke(agent, capability: "textco/text-tools", action: "word-count",
                                                  input: ["text": "Hello world. How are you?"], id: "wc-1")
                #expect(replay.bytes == call.bytes && replay.header("Idempotent-Replayed") == "true")
                #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.998")))

                let earnings = try await hub.get("/v1/providers/me/earnings", headers: provider.bearer)
                #expect(earnings.json["payable_usdc"]?.money == (try Money(decimal: "0.0017")))
                #expect(earnings.json["lines"]?[0]?["action"] == "word-count" && earnings.json["lines"]?[0]?["calls"] == 1)
                #expect(try await hub.get("/v1/providers/me", headers: provider.bearer).json["total_calls"] == 1)
                let summary = try await hub.ledgerSummary()
                #expect(summary["global_sum_usdc"]?.money == .zero)

                // A binary reply arrives as a base64 artifact.
                let label = try await hub.invoke(agent, capability: "textco/text-tools", action: "render-label",
                                                 input: ["width": 4, "height": 2, "color": "#ff0000"])
                #expect(label.status == 200, "\(label.text)")
                let png = Data(base64Encoded: label.json["result"]?["output"]?["content_base64"]?.stringValue ?? "") ?? Data()
                #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                #expect(label.json["result"]?["output"]?["media_type"] == "image/png")
            }
        }
    }

    /// A provider that misbehaves on purpose, one action per failure.
    static func flakyProvider(secret: String) -> JECPProvider {
        var provider = JECPProvider(secret: secret)
        provider.action("ok-action") { _ in .json(["ok": true]) }
        provider.action("bad-output") { _ in .json(["ok": "not a boolean"]) }
        provider.action("slow-action") { _ in
            try await Task.sleep(for: .seconds(3))
            return .json(["ok": true])
        }
        provider.action("fails-action") { _ in throw ProviderError("UPSTREAM_DOWN", "the database is down", status: 500, retryAfterSeconds: 7) }
        return provider
    }

    static func flakyManifest(endpoint: String, version: String = "1.0.0") -> JSONValue {
        func action(_ id: String, timeout: Int = 10_000) -> JSONValue {
            ["id": .string(id), "description": "test", "pricing": ["base": "$0.01", "currency": "USDC", "model": "per_call"],
             "input_schema": ["type": "object"], "output_schema": ["type": "object", "required": ["ok"], "properties": ["ok": ["type": "boolean"]]],
             "sla": ["timeout_ms": .number(JSONNumber(timeout))]]
        }
        return ["namespace": "flaky", "display_name": "Flaky Co", "capability": "tools", "version": .string(version), "description": "Fails on purpose.",
                "endpoint": .string(endpoint),
                "actions": [action("ok-action"), action("bad-output"), action("slow-action", timeout: 1000), action("fails-action")]]
    }

    @Test("a manifest's deprecation block: deprecated answers 200 with Sunset, Deprecation and successor Link and is charged; past sunset_at it is 410, free")
    func deprecationBlock() async throws {
        try await ProviderAccountTests.withHub { hub, dns in
            let provider = try await hub.registerProvider("flaky", host: "flaky.test", dns: dns)
            try await hub.proveDomain(provider, host: "flaky.test", dns: dns)
            try await TestProviders.serve(Self.flakyProvider(secret: provider.secret)) { port in
                func publish(_ version: String, deprecation: JSONValue?) async throws {
                    var manifest = Self.flakyManifest(endpoint: "http://flaky.test:\(port)/jecp", version: version)
                    if let deprecation, case .object(var object) = manifest {
                        object["deprecation"] = deprecation
                        manifest = .object(object)
                    }
                    let published = try await hub.publish(provider, manifest: manifest.serialized())
                    try #require(published.status == 201, "\(published.text)")
                }
                let now = Timestamps.now()
                try await publish("2.0.0", deprecation: nil)
                try await publish("1.0.0", deprecation: ["status": "deprecated", "sunset_at": .string(Timestamps.rfc3339(now + 10 * 86_400)),
                                                         "successor_version": "2.0.0"])
                try await publish("0.9.0", deprecation: ["status": "deprecated", "sunset_at": .string(Timestamps.rfc3339(now - 60)),
                                                         "successor_version": "2.0.0"])
                let agent = try await hub.register()
                try await hub.credit(agent, "1")

                let deprecated = try await hub.invoke(agent, capability: "flaky/tools@1.0.0", action: "ok-action", input: [:])
                #expect(deprecated.status == 200, "\(deprecated.text)")
                #expect(deprecated.header("Deprecation") == "true")
                #expect(deprecated.header("Sunset") == Timestamps.imfFixdate(now + 10 * 86_400))
                #expect(deprecated.headerValues("Link").contains { $0.contains("/v1/capabilities/flaky/tools@2.0.0") && $0.contains("successor-version") },
                        "\(deprecated.headerValues("Link"))")
                #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.99")))

                let retired = try await hub.invoke(agent, capability: "flaky/tools@0.9.0", action: "ok-action", input: [:])
                #expect(retired.status == 410 && retired.errorCode == "CAPABILITY_DEPRECATED", "\(retired.text)")
                #expect(retired.details["successor"] == "flaky/tools@2.0.0/ok-action")
                #expect(retired.header("Sunset") == Timestamps.imfFixdate(now - 60))
                #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.99")))

                // Unpinned calls go to the highest active version, which carries no notice.
                let current = try await hub.invoke(agent, capability: "flaky/tools", action: "ok-action", input: [:])
                #expect(current.status == 200 && current.header("Deprecation") == nil, "\(current.text)")
            }
        }
    }

    @Test("failures charge nothing: bad output 502, timeout 504, provider 500 → 502 with Retry-After, unreachable 503, SSRF at call time 422, suspended 503, sunset 410")
    func failures() async throws {
        try await ProviderAccountTests.withHub { hub, dns in
            let provider = try await hub.registerProvider("flaky", host: "flaky.test", dns: dns)
            try await hub.proveDomain(provider, host: "flaky.test", dns: dns)
            try await TestProviders.serve(Self.flakyProvider(secret: provider.secret)) { port in
                let published = try await hub.publish(provider, manifest: Self.flakyManifest(endpoint: "http://flaky.test:\(port)/jecp").serialized())
                try #require(published.status == 201, "\(published.text)")
                let agent = try await hub.register()
                try await hub.credit(agent, "1")
                let ok = try await hub.invoke(agent, capability: "flaky/tools", action: "ok-action", input: [:])
                #expect(ok.status == 200, "\(ok.text)")
                let transactions = try await hub.ledgerSummary()["transaction_count"]

                func expectFree(_ action: String, _ status: Int, _ code: String) async throws -> HubResponse {
                    let response = try await hub.invoke(agent, capability: "flaky/tools", action: action, input: [:])
                    #expect(response.status == status && response.errorCode == code, "\(action): \(response.text)")
                    return response
                }
                _ = try await expectFree("bad-output", 502, "OUTPUT_INVALID")
                _ = try await expectFree("slow-action", 504, "PROVIDER_TIMEOUT")
                let failed = try await expectFree("fails-action", 502, "PROVIDER_ERROR")
                #expect(failed.header("Retry-After") == "7" && failed.details["upstream_status"] == 500)
                #expect(failed.details["upstream_error"]?["code"] == "UPSTREAM_DOWN")

                await dns.set("flaky.test", [.a("169.254.169.254")])  // rebinding after publication
                let blocked = try await expectFree("ok-action", 422, "URL_BLOCKED_SSRF")
                #expect(blocked.details["reason"] == "resolved_to_deny_cidr")
                await dns.set("flaky.test", [.a("127.0.0.1")])

                let suspend = try await hub.request(.patch, "/admin/v1/providers/\(provider.id)", body: Array(#"{"status":"suspended"}"#.utf8),
                                                    headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
                #expect(suspend.status == 200)
                _ = try await expectFree("ok-action", 503, "PROVIDER_UNAVAILABLE")
                _ = try await hub.request(.patch, "/admin/v1/providers/\(provider.id)", body: Array(#"{"status":"active"}"#.utf8),
                                          headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })

                let sunset = try await hub.request(.delete, "/v1/manifests/flaky/tools/1.0.0", headers: provider.bearer)
                #expect(sunset.status == 200)
                let gone = try await expectFree("ok-action", 410, "CAPABILITY_DEPRECATED")
                #expect(gone.header("Sunset") != nil && gone.header("Deprecation") == "true")

                #expect(try await hub.ledgerSummary()["transaction_count"] == transactions)
                #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.99")))
            }
            // Nothing listens any more: the same capability (republished) is unreachable.
            let republished = try await hub.publish(provider, manifest: Self.flakyManifest(endpoint: "http://flaky.test:1/jecp", version: "2.0.0").serialized())
            #expect(republished.status == 201)
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            let down = try await hub.invoke(agent, capability: "flaky/tools", action: "ok-action", input: [:])
            #expect(down.status == 503 && down.errorCode == "PROVIDER_UNAVAILABLE", "\(down.text)")
            // The sunset version stays reachable by pin, and answers 410 naming its successor.
            let pinned = try await hub.invoke(agent, capability: "flaky/tools@1.0.0", action: "ok-action", input: [:])
            #expect(pinned.status == 410 && pinned.details["successor"] == "flaky/tools@2.0.0/ok-action", "\(pinned.text)")
            #expect(pinned.headerValues("Link").contains { $0.contains("rel=\"successor-version\"") })
            let badPin = try await hub.invoke(agent, capability: "flaky/tools@1.0", action: "ok-action", input: [:])
            #expect(badPin.status == 400 && badPin.errorCode == "VALIDATION_FAILED")
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "1")))
        }
    }

    @Test("the provider sees the Hub's signature over the exact body, and the request id and action headers")
    func signedRequests() async throws {
        try await ProviderAccountTests.withHub { hub, dns in
            let provider = try await hub.registerProvider("signed", host: "signed.test", dns: dns)
            try await hub.proveDomain(provider, host: "signed.test", dns: dns)
            var kit = JECPProvider(secret: provider.secret)
            kit.action("echo-action") { request in
                .json(["id": .string(request.id), "capability": .string(request.capability), "input": request.input, "metadata": request.metadata ?? .null])
            }
            try await TestProviders.serve(kit) { port in
                let manifest: JSONValue = [
                    "namespace": "signed", "display_name": "Signed", "capability": "echo", "version": "1.0.0", "description": "Echoes.",
                    "endpoint": .string("http://signed.test:\(port)/jecp"),
                    "actions": [["id": "echo-action", "description": "echo", "pricing": ["base": "$0", "currency": "USDC", "model": "per_call"],
                                 "input_schema": ["type": "object"], "output_schema": ["type": "object"]]],
                ]
                #expect(try await hub.publish(provider, manifest: manifest.serialized()).status == 201)
                let agent = try await hub.register()
                let call = try await hub.invoke(agent, capability: "signed/echo", action: "echo-action", input: ["n": 1], id: "sig-12345",
                                                extra: ["metadata": ["trace": "t-1"]])
                #expect(call.status == 200, "\(call.text)")
                #expect(call.json["result"]?["output"] == ["id": "sig-12345", "capability": "signed/echo", "input": ["n": 1], "metadata": ["trace": "t-1"]])
                // A provider call is never paid with a Hub free call: a $0 action costs nothing and moves no money.
                #expect(call.json["billing"]?["cost_usdc"]?.money == .zero)
            }
            // A provider with a different secret refuses the Hub's calls: the agent gets PROVIDER_ERROR and pays nothing.
            try await TestProviders.serve(JECPProvider(secret: "not-the-secret")) { port in
                let manifest: JSONValue = [
                    "namespace": "signed", "display_name": "Signed", "capability": "echo", "version": "2.0.0", "description": "Echoes.",
                    "endpoint": .string("http://signed.test:\(port)/jecp"),
                    "actions": [["id": "echo-action", "description": "echo", "pricing": ["base": "$0.01", "currency": "USDC", "model": "per_call"],
                                 "input_schema": ["type": "object"], "output_schema": ["type": "object"]]],
                ]
                #expect(try await hub.publish(provider, manifest: manifest.serialized()).status == 201)
                let agent = try await hub.register()
                try await hub.credit(agent, "1")
                let refused = try await hub.invoke(agent, capability: "signed/echo", action: "echo-action", input: [:])
                #expect(refused.status == 502 && refused.details["upstream_status"] == 401 && refused.details["upstream_error"]?["code"] == "INVALID_SIGNATURE")
                #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "1")))
            }
        }
    }

    @Test("a manifest's per-action trust_tier_required and rate_limit_rpm apply to its calls", arguments: StoreBackend.available)
    func tierAndRateLimit(backend: StoreBackend) async throws {
        let dns = TestDNSServer()
        _ = try await dns.start()
        try await TestHub.run(await TestHub.providerSettings(dns: dns), backend: backend) { hub in
            let provider = try await hub.registerProvider("gated", host: "gated.test", dns: dns)
            try await hub.proveDomain(provider, host: "gated.test", dns: dns)
            var kit = JECPProvider(secret: provider.secret)
            kit.action("gold-only") { _ in .json([:]) }
            kit.action("limited") { _ in .json([:]) }
            try await TestProviders.serve(kit) { port in
                func action(_ id: String, _ extra: [String: JSONValue]) -> JSONValue {
                    var object: [String: JSONValue] = ["id": .string(id), "description": "test", "input_schema": ["type": "object"], "output_schema": ["type": "object"],
                                                       "pricing": ["base": "$0.001", "currency": "USDC", "model": "per_call"]]
                    object.merge(extra) { $1 }
                    return .object(object)
                }
                let manifest: JSONValue = ["namespace": "gated", "display_name": "Gated", "capability": "tools", "version": "1.0.0", "description": "Gated.",
                                           "endpoint": .string("http://gated.test:\(port)/jecp"),
                                           "actions": [action("gold-only", ["trust_tier_required": "gold"]), action("limited", ["rate_limit_rpm": 2])]]
                #expect(try await hub.publish(provider, manifest: manifest.serialized()).status == 201)
                let agent = try await hub.register()
                try await hub.credit(agent, "1")
                let refused = try await hub.invoke(agent, capability: "gated/tools", action: "gold-only", input: [:])
                #expect(refused.status == 403 && refused.errorCode == "INSUFFICIENT_TRUST" && refused.details["required"] == "gold")
                let gold = try await hub.register(tier: "gold")
                try await hub.credit(gold, "1")
                #expect(try await hub.invoke(gold, capability: "gated/tools", action: "gold-only", input: [:]).status == 200)
                for _ in 0..<2 { #expect(try await hub.invoke(agent, capability: "gated/tools", action: "limited", input: [:]).status == 200) }
                let limited = try await hub.invoke(agent, capability: "gated/tools", action: "limited", input: [:])
                #expect(limited.status == 429 && limited.errorCode == "RATE_LIMITED" && limited.header("Retry-After") != nil)
                #expect(try await hub.profile(agent)["balance_usdc"]?.money == (try Money(decimal: "0.998")))
            }
        }
        await dns.stop()
    }
}
