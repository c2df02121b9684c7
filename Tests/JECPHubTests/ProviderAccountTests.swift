import Foundation
import JECPModels
import JECPTestDNS
import Testing

/// Provider accounts over HTTP (spec 04 §8): registration, key auth, DNS proof, rotation, the operator's view.
@Suite("Provider accounts")
struct ProviderAccountTests {
    static func withHub(_ body: @Sendable (TestHub, TestDNSServer) async throws -> Void) async throws {
        let dns = TestDNSServer()
        _ = try await dns.start()
        try await TestHub.run(await TestHub.providerSettings(dns: dns)) { hub in try await body(hub, dns) }
        await dns.stop()
    }

    static func registration(_ namespace: String, endpoint: String) -> JSONValue {
        ["namespace": .string(namespace), "display_name": "Acme Data", "owner_email": "ops@acme.example", "endpoint_url": .string(endpoint), "country": "US"]
    }

    @Test("registration returns the key, secret and TXT record once; /me reflects the account; namespaces are unique")
    func register() async throws {
        try await Self.withHub { hub, dns in
            let provider = try await hub.registerProvider("acme", host: "api.acme.test", dns: dns)
            #expect(provider.key.hasPrefix("jecp_pk_") && provider.secret.count == 64 && provider.token.count == 32)
            let me = try await hub.get("/v1/providers/me", headers: provider.bearer)
            #expect(me.status == 200)
            #expect(me.json["namespace"] == "acme" && me.json["status"] == "dns_pending" && me.json["dns_verified"] == false)
            #expect(me.json["dns_record"]?["name"] == "_jecp.api.acme.test")
            #expect(me.json["dns_record"]?["value"] == .string("jecp-verify=\(provider.token)"))
            #expect(me.json["total_calls"] == 0)
            #expect(me.text.contains(provider.secret) == false && me.text.contains(provider.key) == false)

            let again = try await hub.post("/v1/providers/register", json: Self.registration("acme", endpoint: "http://api.acme.test/jecp"))
            #expect(again.status == 409 && again.errorCode == "NAMESPACE_TAKEN")
            let reserved = try await hub.post("/v1/providers/register", json: Self.registration("hub", endpoint: "http://api.acme.test/jecp"))
            #expect(reserved.status == 409 && reserved.errorCode == "NAMESPACE_TAKEN")
        }
    }

    @Test("provider registration is rate-limited per client address")
    func registrationRateLimit() async throws {
        let dns = TestDNSServer()
        _ = try await dns.start()
        var settings = await TestHub.providerSettings(dns: dns)
        settings["jecp.registrationRpm"] = 2
        try await TestHub.run(settings) { hub in
            for namespace in ["first", "second"] { _ = try await hub.registerProvider(namespace, host: "\(namespace).test", dns: dns) }
            let third = try await hub.post("/v1/providers/register", json: Self.registration("third", endpoint: "http://first.test/jecp"))
            #expect(third.status == 429 && third.errorCode == "RATE_LIMITED" && third.header("Retry-After") != nil)
            #expect(third.details["scope"] == "provider_registration")
        }
        await dns.stop()
    }

    @Test("bad registration fields are listed together with their paths")
    func validation() async throws {
        try await Self.withHub { hub, _ in
            let response = try await hub.post("/v1/providers/register", json: [
                "namespace": "Bad_NS", "display_name": "x", "owner_email": "not-an-email", "endpoint_url": "http://x.test/", "country": "usa", "extra": 1,
            ])
            #expect(response.status == 400 && response.errorCode == "VALIDATION_FAILED")
            let paths = Set(response.details["errors"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? [])
            #expect(paths == ["/namespace", "/display_name", "/owner_email", "/country", "/extra"])
            let notObject = try await hub.request(.post, "/v1/providers/register", body: Array("[1]".utf8), headers: ["Content-Type": "application/json"])
            #expect(notObject.status == 400 && notObject.errorCode == "INVALID_REQUEST")
        }
    }

    @Test("endpoint URLs in deny ranges, with other schemes or unparseable are refused with URL_BLOCKED_SSRF",
          arguments: [("http://10.0.0.1/jecp", "resolved_to_deny_cidr"), ("http://169.254.169.254/latest", "resolved_to_deny_cidr"),
                      ("http://[::ffff:10.1.2.3]/", "resolved_to_deny_cidr"), ("http://internal.test/jecp", "resolved_to_deny_cidr"),
                      ("gopher://api.acme.test/", "scheme"), ("http://user:pw@192.168.1.5/", "resolved_to_deny_cidr")])
    func ssrf(endpoint: String, reason: String) async throws {
        try await Self.withHub { hub, dns in
            await dns.set("internal.test", [.a("172.16.4.4")])
            let response = try await hub.post("/v1/providers/register", json: Self.registration("acme", endpoint: endpoint))
            #expect(response.status == 422 && response.errorCode == "URL_BLOCKED_SSRF", "\(response.text)")
            #expect(response.details["field"] == "endpoint_url" && response.details["reason"] == .string(reason))
            #expect(response.details["blocked_url"]?.stringValue?.contains("pw@") == false)
            // Nothing was registered: the namespace is still free.
            #expect(try await hub.registerProvider("acme", host: "api.acme.test", dns: dns).namespace == "acme")
        }
    }

    @Test("provider routes need the provider key: 401 AUTH_REQUIRED without it, INVALID_API_KEY with a wrong one")
    func authentication() async throws {
        try await Self.withHub { hub, _ in
            let missing = try await hub.get("/v1/providers/me")
            #expect(missing.status == 401 && missing.errorCode == "AUTH_REQUIRED" && missing.nextAction == nil)
            let wrong = try await hub.get("/v1/providers/me", headers: ["Authorization": "Bearer jecp_pk_0000000000000000000000000000000000000000000000000"])
            #expect(wrong.status == 401 && wrong.errorCode == "INVALID_API_KEY")
            let manifests = try await hub.get("/v1/manifests", headers: ["Authorization": "Basic abc"])
            #expect(manifests.status == 401 && manifests.errorCode == "AUTH_REQUIRED")
        }
    }

    @Test("verify-dns reads _jecp.<host of endpoint_url>: missing, mismatched, then matching TXT")
    func verifyDNS() async throws {
        try await Self.withHub { hub, dns in
            let provider = try await hub.registerProvider("acme", host: "api.acme.test", dns: dns)
            let missing = try await hub.request(.post, "/v1/providers/verify-dns", headers: provider.bearer)
            #expect(missing.status == 422 && missing.errorCode == "DNS_VERIFICATION_FAILED")
            #expect(missing.details["reason"] == "nxdomain" && missing.details["domain"] == "api.acme.test")
            #expect(missing.details["expected_token_prefix"] == .string(String(provider.token.prefix(8))))

            await dns.set("_jecp.api.acme.test", [.txt(["jecp-verify=not-the-token"]), .txt(["v=spf1 -all"])])
            let mismatch = try await hub.request(.post, "/v1/providers/verify-dns", headers: provider.bearer)
            #expect(mismatch.status == 422 && mismatch.details["reason"] == "txt_record_mismatch")

            let wrongDomain = try await hub.post("/v1/providers/verify-dns", json: ["domain": "other.test"], headers: provider.bearer)
            #expect(wrongDomain.status == 400 && wrongDomain.errorCode == "INVALID_REQUEST")

            await dns.set("_jecp.api.acme.test", [.txt(["v=spf1 -all"]), .txt(["jecp-verify=", provider.token])])  // split strings join
            let verified = try await hub.post("/v1/providers/verify-dns", json: ["domain": "api.acme.test"], headers: provider.bearer)
            #expect(verified.status == 200 && verified.json["verified"] == true && verified.json["status"] == "verified")
            #expect(try await hub.get("/v1/providers/me", headers: provider.bearer).json["dns_verified"] == true)
        }
    }

    @Test("rotate-key: the old key works through its grace, revoke_old ends it at once, at most 3 per 24 h")
    func rotation() async throws {
        try await Self.withHub { hub, dns in
            let provider = try await hub.registerProvider("acme", host: "api.acme.test", dns: dns)
            let first = try await hub.post("/v1/providers/me/rotate-key", json: ["grace_seconds": 600], headers: provider.bearer)
            #expect(first.status == 200 && first.json["grace_seconds"] == 600 && first.json["revoke_old"] == false)
            let newKey = try #require(first.json["api_key"]?.stringValue)
            #expect(try await hub.get("/v1/providers/me", headers: provider.bearer).status == 200)
            #expect(try await hub.get("/v1/providers/me", headers: ["Authorization": "Bearer \(newKey)"]).status == 200)

            let second = try await hub.post("/v1/providers/me/rotate-key", json: ["revoke_old": true], headers: ["Authorization": "Bearer \(newKey)"])
            #expect(second.status == 200 && second.json["grace_seconds"] == 0)
            let newest = try #require(second.json["api_key"]?.stringValue)
            #expect(try await hub.get("/v1/providers/me", headers: ["Authorization": "Bearer \(newKey)"]).errorCode == "INVALID_API_KEY")

            let bad = try await hub.post("/v1/providers/me/rotate-key", json: ["grace_seconds": 86_401], headers: ["Authorization": "Bearer \(newest)"])
            #expect(bad.status == 400 && bad.errorCode == "VALIDATION_FAILED")
            let third = try await hub.post("/v1/providers/me/rotate-key", json: [:], headers: ["Authorization": "Bearer \(newest)"])
            let latest = try #require(third.json["api_key"]?.stringValue)
            let capped = try await hub.post("/v1/providers/me/rotate-key", json: [:], headers: ["Authorization": "Bearer \(latest)"])
            #expect(capped.status == 429 && capped.errorCode == "ROTATION_24H_CAP" && capped.header("Retry-After") != nil)
            #expect(capped.details["rotations_in_last_24h"] == 3)
            #expect(try await hub.get("/v1/providers/me", headers: ["Authorization": "Bearer \(latest)"]).status == 200)
        }
    }

    @Test("the operator lists providers, suspends one and marks DNS verified by hand")
    func operatorRoutes() async throws {
        try await Self.withHub { hub, dns in
            let provider = try await hub.registerProvider("acme", host: "api.acme.test", dns: dns)
            #expect(try await hub.get("/admin/v1/providers").errorCode == "ADMIN_AUTH_REQUIRED")
            let list = try await hub.get("/admin/v1/providers", headers: hub.admin)
            #expect(list.json["providers"]?.arrayValue?.map { $0["namespace"] } == ["acme"])
            #expect(list.json["providers"]?[0]?["owner_email"] == "ops@api.acme.test")

            func patch(_ body: String, id: String = provider.id) async throws -> HubResponse {
                try await hub.request(.patch, "/admin/v1/providers/\(id)", body: Array(body.utf8),
                                      headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
            }
            let verified = try await patch(#"{"dns_verified": true}"#)
            #expect(verified.status == 200 && verified.json["dns_verified"] == true && verified.json["status"] == "verified")
            let suspended = try await patch(#"{"status": "suspended"}"#)
            #expect(suspended.json["status"] == "suspended")
            #expect(try await patch(#"{"status": "gone"}"#).errorCode == "VALIDATION_FAILED")
            #expect(try await patch(#"{"dns_verified": false}"#).errorCode == "VALIDATION_FAILED")
            #expect(try await patch(#"{"status": "active"}"#, id: "jecp_pr_missing").status == 404)
        }
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
