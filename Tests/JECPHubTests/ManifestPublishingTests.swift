import Foundation
import JECPModels
import JECPTestDNS
import Testing

/// `POST /v1/manifests` and the manifest lifecycle (spec 04 §6–§8).
@Suite("Manifest publishing")
struct ManifestPublishingTests {
    static func manifest(namespace: String = "acme", capability: String = "lookup", version: String = "1.0.0",
                         endpoint: String = "http://api.acme.test/jecp", price: String = "$0.01", extra: [String: JSONValue] = [:]) -> JSONValue {
        var object: [String: JSONValue] = [
            "namespace": .string(namespace), "display_name": "Acme Lookup", "capability": .string(capability), "version": .string(version),
            "description": "Looks things up.", "endpoint": .string(endpoint),
            "actions": [[
                "id": "find", "description": "Finds a thing.", "pricing": ["base": .string(price), "currency": "USDC", "model": "per_call"],
                "input_schema": ["type": "object", "required": ["q"], "properties": ["q": ["type": "string"]]],
                "output_schema": ["type": "object", "required": ["hit"], "properties": ["hit": ["type": "string"]]],
                "streaming": false, "sla": ["timeout_ms": 2000],
            ]],
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    static func withVerifiedProvider(_ body: @Sendable (TestHub, TestProviderAccount, TestDNSServer) async throws -> Void) async throws {
        try await ProviderAccountTests.withHub { hub, dns in
            let provider = try await hub.registerProvider("acme", host: "api.acme.test", dns: dns)
            try await hub.proveDomain(provider, host: "api.acme.test", dns: dns)
            try await body(hub, provider, dns)
        }
    }

    @Test("a manifest from an unverified provider is kept as submitted and goes active when the domain is proven")
    func submittedUntilVerified() async throws {
        try await ProviderAccountTests.withHub { hub, dns in
            let provider = try await hub.registerProvider("acme", host: "api.acme.test", dns: dns)
            let submitted = try await hub.publish(provider, manifest: Self.manifest().serialized())
            #expect(submitted.status == 201 && submitted.json["status"] == "submitted", "\(submitted.text)")
            #expect(try await hub.get("/v1/capabilities/acme/lookup").status == 404)
            try await hub.proveDomain(provider, host: "api.acme.test", dns: dns)
            let listed = try await hub.get("/v1/manifests", headers: provider.bearer)
            #expect(listed.json["manifests"]?[0]?["status"] == "active")
            let capability = try await hub.get("/v1/capabilities/acme/lookup")
            #expect(capability.status == 200 && capability.json["provider"] == "acme" && capability.json["version"] == "1.0.0")
            #expect(capability.json["manifest_url"] == "https://hub.test/v1/manifests/acme/lookup/1.0.0")
        }
    }

    @Test("a manifest published while the provider is suspended goes active when the operator reinstates it")
    func submittedWhileSuspended() async throws {
        try await Self.withVerifiedProvider { hub, provider, _ in
            func setStatus(_ status: String) async throws {
                let patched = try await hub.request(.patch, "/admin/v1/providers/\(provider.id)", body: Array(#"{"status":"\#(status)"}"#.utf8),
                                                    headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
                #expect(patched.status == 200, "\(patched.text)")
            }
            try await setStatus("suspended")
            let stored = try await hub.publish(provider, manifest: Self.manifest().serialized())
            #expect(stored.status == 201 && stored.json["status"] == "submitted", "\(stored.text)")
            #expect(try await hub.get("/v1/capabilities/acme/lookup").status == 404)
            try await setStatus("active")
            #expect(try await hub.get("/v1/manifests", headers: provider.bearer).json["manifests"]?[0]?["status"] == "active")
            var served = 0
            for _ in 0..<50 {  // the catalog reloads on its poll interval
                served = try await hub.get("/v1/capabilities/acme/lookup").status
                if served == 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(served == 200)
        }
    }

    @Test("everything the schema allows survives publishing, and discovery lists it with its ETag changing")
    func roundTrip() async throws {
        try await Self.withVerifiedProvider { hub, provider, _ in
            let before = try await hub.get("/v1/capabilities")
            var manifest = Self.manifest(extra: [
                "tags": ["data"], "streaming": false, "website": "https://acme.example", "metadata": ["team": "lookup"],
                "extensions": ["x402": ["payout": "0xabc"]], "compliance": ["gdpr_compliant": true, "data_residency": ["EU"]],
                "billing": ["payout_currency": "USDC"], "authentication": ["type": "api_key"],
            ])
            if case .object(var object) = manifest, case .array(var actions)? = object["actions"], case .object(var action) = actions[0] {
                action["side_effects"] = ["external_api_call": true]
                action["examples"] = [["input": ["q": "x"], "output": ["hit": "y"]]]
                action["trust_tier_required"] = "bronze"
                action["rate_limit_rpm"] = 30
                actions[0] = .object(action)
                object["actions"] = .array(actions)
                manifest = .object(object)
            }
            let published = try await hub.publish(provider, manifest: manifest.serialized())
            #expect(published.status == 201 && published.json["status"] == "active")
            let document = try await hub.get("/v1/manifests/acme/lookup/1.0.0")
            #expect(document.status == 200 && document.json == manifest)

            let after = try await hub.get("/v1/capabilities")
            #expect(after.header("ETag") != before.header("ETag"))
            #expect(after.json["capabilities"]?.arrayValue?.contains { $0["id"] == "acme/lookup" } == true)
            let guide = try await hub.get("/.well-known/agent-guide.json")
            #expect(guide.json["supported_capabilities"]?.arrayValue?.contains("acme/lookup") == true)
            let action = try await hub.get("/v1/capabilities/acme/lookup").json["actions"]?[0]
            let price = try Money(decimal: "0.01")
            #expect(action?["rate_limit_rpm"] == 30 && action?["price_usdc"]?.money == price)
        }
    }

    @Test("YAML manifests publish like JSON ones")
    func yaml() async throws {
        try await Self.withVerifiedProvider { hub, provider, _ in
            let yaml = """
                namespace: acme
                display_name: Acme Lookup
                capability: lookup
                version: "2.0.0"
                description: Looks things up.
                endpoint: http://api.acme.test/jecp
                actions:
                  - id: find
                    description: Finds a thing.
                    pricing: {base: "$0.01", currency: USDC, model: per_call}
                    input_schema: {type: object}
                    output_schema: {type: object}
                """
            let published = try await hub.publish(provider, manifest: Array(yaml.utf8), contentType: "application/x-yaml")
            #expect(published.status == 201 && published.json["version"] == "2.0.0", "\(published.text)")
        }
    }

    @Test("refusals: too large, schema violations with paths, someone else's namespace, a foreign host, a duplicate version")
    func refusals() async throws {
        try await Self.withVerifiedProvider { hub, provider, _ in
            let huge = Self.manifest(extra: ["description": .string(String(repeating: "x", count: 400)), "metadata": ["pad": .string(String(repeating: "y", count: 11_000))]])
            let tooLarge = try await hub.publish(provider, manifest: huge.serialized())
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "MANIFEST_TOO_LARGE")

            let broken = try await hub.publish(provider, manifest: Self.manifest(namespace: "Acme!", version: "1.0", price: "5 dollars").serialized())
            #expect(broken.status == 400 && broken.errorCode == "VALIDATION_FAILED")
            let paths = Set(broken.details["errors"]?.arrayValue?.compactMap { $0["instance_path"]?.stringValue } ?? [])
            #expect(paths.isSuperset(of: ["/namespace", "/version", "/actions/0/pricing/base"]), "\(paths)")
            #expect(broken.details["errors"]?[0]?["schema_path"]?.stringValue?.isEmpty == false)

            let badSchema = Self.manifest().serialized()
            let invalidSchema = String(decoding: badSchema, as: UTF8.self).replacingOccurrences(of: #""required":["q"]"#, with: #""required":"q""#)
            let schemaError = try await hub.publish(provider, manifest: Array(invalidSchema.utf8))
            #expect(schemaError.status == 400, "\(schemaError.text)")

            let foreign = try await hub.publish(provider, manifest: Self.manifest(namespace: "other").serialized())
            #expect(foreign.status == 403 && foreign.errorCode == "NAMESPACE_MISMATCH")
            let elsewhere = try await hub.publish(provider, manifest: Self.manifest(endpoint: "http://other-host.test/jecp").serialized())
            #expect(elsewhere.status == 400 && elsewhere.details["errors"]?[0]?["instance_path"] == "/endpoint")
            let blocked = try await hub.publish(provider, manifest: Self.manifest(endpoint: "http://10.0.0.9/jecp").serialized())
            #expect(blocked.status == 422 && blocked.errorCode == "URL_BLOCKED_SSRF" && blocked.details["field"] == "endpoint")

            #expect(try await hub.publish(provider, manifest: Self.manifest().serialized()).status == 201)
            let duplicate = try await hub.publish(provider, manifest: Self.manifest().serialized())
            #expect(duplicate.status == 409 && duplicate.errorCode == "MANIFEST_VERSION_EXISTS")
            let junk = try await hub.publish(provider, manifest: Array("{not json".utf8))
            #expect(junk.status == 400 && junk.errorCode == "VALIDATION_FAILED")
        }
    }

    @Test("versions coexist: the highest active semver answers unpinned calls (1.10.0 > 1.9.0), @version pins, DELETE sunsets")
    func versions() async throws {
        try await Self.withVerifiedProvider { hub, provider, _ in
            for version in ["1.9.0", "1.10.0", "1.2.0"] {
                #expect(try await hub.publish(provider, manifest: Self.manifest(version: version).serialized()).status == 201)
            }
            #expect(try await hub.get("/v1/capabilities/acme/lookup").json["version"] == "1.10.0")
            #expect(try await hub.get("/v1/capabilities/acme/lookup@1.9.0").json["version"] == "1.9.0")
            let sunset = try await hub.request(.delete, "/v1/manifests/acme/lookup/1.10.0", headers: provider.bearer)
            #expect(sunset.status == 200 && sunset.json["status"] == "sunset")
            #expect(try await hub.get("/v1/capabilities/acme/lookup").json["version"] == "1.9.0")
            #expect(try await hub.request(.delete, "/v1/manifests/acme/lookup/7.0.0", headers: provider.bearer).errorCode == "MANIFEST_NOT_FOUND")
            let history = try await hub.get("/v1/manifests", headers: provider.bearer)
            #expect(history.json["manifests"]?.arrayValue?.count == 3)
        }
    }
}
