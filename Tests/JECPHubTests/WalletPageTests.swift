import Configuration
import Foundation
import JECPModels
import Testing

/// The wallet pages over HTTP: sign-in and its cookie, CSRF on every form, the login rate
/// limit, sign-out, key rotation ending sessions, escaping, and the top-up redirect.
@Suite struct WalletPageTests {
    /// A browser's view of one Hub: the cookies it holds, and the forms' CSRF token it last saw.
    struct Browser {
        let hub: TestHub
        var cookies: [String: String] = [:]
        var csrf: String?

        mutating func get(_ path: String) async throws -> HubResponse {
            let response = try await hub.get(path, headers: cookieHeader)
            absorb(response)
            return response
        }

        mutating func post(_ path: String, _ fields: [String: String], csrf token: String? = nil) async throws -> HubResponse {
            var fields = fields
            if let token = token ?? csrf { fields["csrf"] = token }
            let body = fields.sorted { $0.key < $1.key }.map { "\(Self.escape($0.key))=\(Self.escape($0.value))" }.joined(separator: "&")
            let response = try await hub.request(.post, path, body: Array(body.utf8),
                                                 headers: cookieHeader.merging(["Content-Type": "application/x-www-form-urlencoded"]) { $1 })
            absorb(response)
            return response
        }

        mutating func signIn(_ agent: TestAgent) async throws -> HubResponse {
            _ = try await get("/wallet")
            return try await post("/wallet/login", ["agent_id": agent.id, "api_key": agent.key])
        }

        var cookieHeader: [String: String] {
            cookies.isEmpty ? [:] : ["Cookie": cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
        }

        mutating func absorb(_ response: HubResponse) {
            for header in response.headerValues("Set-Cookie") {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = pair.count == 2 ? String(pair[1]) : ""
                cookies[String(pair[0])] = value.isEmpty || header.contains("Max-Age=0") ? nil : value
            }
            if let range = response.text.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) {
                csrf = String(response.text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
            }
        }

        static func escape(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
    }

    static func attributes(_ response: HubResponse, cookie name: String) -> Set<String>? {
        guard let header = response.headerValues("Set-Cookie").first(where: { $0.hasPrefix(name + "=") }) else { return nil }
        return Set(header.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
    }

    @Test func signingInSetsAStrictHttpOnlySecureSessionAndShowsTheWallet() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register("wallet-owner")
            try await hub.credit(agent, "5")
            var browser = Browser(hub: hub)
            let form = try await browser.get("/wallet")
            #expect(form.status == 200)
            #expect(form.header("Content-Type") == "text/html; charset=utf-8")
            #expect(form.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
            #expect(form.header("X-Frame-Options") == "DENY")
            #expect(form.text.contains(#"<form id="login" method="post" action="/wallet/login">"#))
            let login = try await browser.signIn(agent)
            #expect(login.status == 303)
            #expect(login.header("Location") == "/wallet")
            let attributes = try #require(Self.attributes(login, cookie: "jecp_wallet"))
            #expect(attributes.isSuperset(of: ["HttpOnly", "SameSite=Strict", "Secure", "Path=/wallet", "Max-Age=28800"]), "\(attributes)")
            let page = try await browser.get("/wallet")
            #expect(page.status == 200)
            #expect(page.text.contains(#"<div class="balance" id="balance">5.00 USDC</div>"#))
            #expect(page.text.contains("wallet-owner"))
            #expect(page.text.contains("<strong>bronze</strong>"))
            #expect(page.text.contains("<strong>100</strong>"))  // free calls
            #expect(page.text.contains("<td>credit</td><td>test funding</td>"))
            #expect(page.text.contains("No top-ups yet."))
            #expect(page.text.contains("No refund requests."))
            #expect(page.text.contains("Top-up is not enabled on this Hub"))
        }
    }

    @Test func overPlainHTTPTheCookieIsNotSecure() async throws {
        try await TestHub.run(["jecp.publicURL": "http://127.0.0.1:8080"]) { hub in
            let agent = try await hub.register()
            var browser = Browser(hub: hub)
            let login = try await browser.signIn(agent)
            let attributes = try #require(Self.attributes(login, cookie: "jecp_wallet"))
            #expect(!attributes.contains("Secure"))
            #expect(attributes.isSuperset(of: ["HttpOnly", "SameSite=Strict"]))
        }
    }

    @Test func wrongCredentialsShowTheFormAgainWithoutASession() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            var browser = Browser(hub: hub)
            _ = try await browser.get("/wallet")
            let refused = try await browser.post("/wallet/login", ["agent_id": agent.id, "api_key": "jecp_ak_notthekey"])
            #expect(refused.status == 401)
            #expect(refused.text.contains("do not match a registered agent"))
            #expect(Self.attributes(refused, cookie: "jecp_wallet") == nil)
            let unknown = try await browser.post("/wallet/login", ["agent_id": "jecp_ag_nobodyAAAAAAAAAAAAAAAAAA", "api_key": agent.key])
            #expect(unknown.status == 401)
            #expect(unknown.text.contains("do not match a registered agent"))
        }
    }

    @Test func everyFormRefusesAMissingOrForeignCSRFToken() async throws {
        try await FakeStripe.run { stripe in
            try await TestHub.run(stripe.hubSettings) { hub in
                let agent = try await hub.register()
                var attacker = Browser(hub: hub)
                _ = try await attacker.get("/wallet")
                let foreignToken = try #require(attacker.csrf)
                var browser = Browser(hub: hub)
                _ = try await browser.get("/wallet")
                // Sign-in: no token, another browser's token.
                #expect(try await browser.post("/wallet/login", ["agent_id": agent.id, "api_key": agent.key], csrf: "").status == 403)
                #expect(try await browser.post("/wallet/login", ["agent_id": agent.id, "api_key": agent.key], csrf: foreignToken).status == 403)
                #expect(try await browser.signIn(agent).status == 303)
                _ = try await browser.get("/wallet")
                // Top-up and sign-out with the sign-in form's token, or none: refused, nothing sent to Stripe.
                let refused = try await browser.post("/wallet/topup", ["amount": "20"], csrf: foreignToken)
                #expect(refused.status == 403)
                #expect(refused.text.contains("security token"))
                #expect(try await browser.post("/wallet/topup", ["amount": "20"], csrf: "x").status == 403)
                #expect(try await browser.post("/wallet/logout", [:], csrf: foreignToken).status == 403)
                #expect(stripe.requestCount == 0)
                #expect(try await browser.get("/wallet").text.contains(#"id="balance""#))
                // With the page's own token, the top-up redirects to Stripe's checkout page.
                let topup = try await browser.post("/wallet/topup", ["amount": "20"])
                #expect(topup.status == 303)
                let location = try #require(topup.header("Location"))
                #expect(location.hasPrefix("\(stripe.baseURL)/checkout/cs_test_"))
                #expect(stripe.sessions.first?.agentID == agent.id)
                // An amount the Hub does not offer is a page, not a checkout.
                #expect(try await browser.post("/wallet/topup", ["amount": "7"]).status == 400)
                #expect(try await browser.get("/wallet").text.contains("<td>open</td>"))
            }
        }
    }

    @Test func signInIsRateLimitedPerAddress() async throws {
        try await TestHub.run(["jecp.walletLoginRpm": 3]) { hub in
            let agent = try await hub.register()
            var browser = Browser(hub: hub)
            _ = try await browser.get("/wallet")
            for _ in 0..<3 {
                #expect(try await browser.post("/wallet/login", ["agent_id": agent.id, "api_key": "jecp_ak_guess"]).status == 401)
            }
            let limited = try await browser.post("/wallet/login", ["agent_id": agent.id, "api_key": agent.key])
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After").flatMap(Int.init) ?? 0 > 0)
            #expect(limited.text.contains("Too many sign-in attempts"))
            #expect(Self.attributes(limited, cookie: "jecp_wallet") == nil)
        }
    }

    @Test func signingOutAndRotatingTheKeyEndTheSession() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            var browser = Browser(hub: hub)
            #expect(try await browser.signIn(agent).status == 303)
            _ = try await browser.get("/wallet")
            let logout = try await browser.post("/wallet/logout", [:])
            #expect(logout.status == 303)
            #expect(Self.attributes(logout, cookie: "jecp_wallet")?.contains("Max-Age=0") == true)
            #expect(try await browser.get("/wallet").text.contains(#"id="login""#))
            // A session cookie stops working when the agent's key rotates.
            #expect(try await browser.signIn(agent).status == 303)
            let saved = browser.cookies
            #expect(try await browser.get("/wallet").text.contains(#"id="balance""#))
            let rotated = try await hub.post("/v1/agents/me/rotate-key", json: ["grace_seconds": 3600], headers: agent.headers)
            #expect(rotated.status == 200)
            browser.cookies = saved
            #expect(try await browser.get("/wallet").text.contains(#"id="login""#))
            // A forged or tampered cookie is no session either.
            browser.cookies = ["jecp_wallet": "\(agent.id).99999999999.AAAA"]
            #expect(try await browser.get("/wallet").text.contains(#"id="login""#))
        }
    }

    @Test func aSuspendedAgentSeesItsWalletButCannotTopUpOrSignIn() async throws {
        try await FakeStripe.run { stripe in
            try await TestHub.run(stripe.hubSettings) { hub in
                let agent = try await hub.register()
                var browser = Browser(hub: hub)
                #expect(try await browser.signIn(agent).status == 303)
                let suspended = try await hub.request(.patch, "/admin/v1/agents/\(agent.id)", body: Array(#"{"suspended":true}"#.utf8),
                                                      headers: hub.admin.merging(["Content-Type": "application/json"]) { $1 })
                #expect(suspended.status == 200)
                #expect(try await browser.get("/wallet").text.contains("suspended by the Hub operator"))
                #expect(try await browser.post("/wallet/topup", ["amount": "5"]).status == 403)
                #expect(stripe.requestCount == 0)
                var fresh = Browser(hub: hub)
                let login = try await fresh.signIn(agent)
                #expect(login.status == 403)
                #expect(login.text.contains("suspended"))
            }
        }
    }

    @Test func whatTheAgentControlsIsEscaped() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(#"<script>alert("x")</script>"#)
            var browser = Browser(hub: hub)
            #expect(try await browser.signIn(agent).status == 303)
            let page = try await browser.get("/wallet")
            #expect(page.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
            #expect(!page.text.contains("<script>"))
        }
    }

    @Test func successAndCancelPagesShowOnlyTheAgentsOwnSession() async throws {
        try await FakeStripe.run { stripe in
            try await TestHub.run(stripe.hubSettings) { hub in
                let agent = try await hub.register()
                let other = try await hub.register()
                let started = try await hub.post("/api/agent/topup", json: ["amount": 5], headers: agent.headers)
                let session = try #require(started.json["session_id"]?.stringValue)
                var browser = Browser(hub: hub)
                #expect(try await browser.signIn(agent).status == 303)
                #expect(try await browser.get("/wallet/topup/success?session_id=\(session)").text.contains("has not confirmed the payment yet"))
                _ = try await hub.deliverStripeEvent(stripe.event("checkout.session.completed", sessionID: session))
                #expect(try await browser.get("/wallet/topup/success?session_id=\(session)").text.contains("Payment confirmed: 5.00 USDC"))
                var stranger = Browser(hub: hub)
                #expect(try await stranger.signIn(other).status == 303)
                let theirs = try await stranger.get("/wallet/topup/success?session_id=\(session)")
                #expect(!theirs.text.contains("5.00"))
                #expect(theirs.text.contains("as soon as Stripe confirms"))
                let cancel = try await browser.get("/wallet/topup/cancel")
                #expect(cancel.status == 200)
                #expect(cancel.text.contains("Nothing was charged"))
                #expect(try await browser.get("/wallet").text.contains("<td>paid</td>"))
            }
        }
    }
}
