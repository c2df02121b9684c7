import Foundation
import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels

/// The wallet pages for the person behind an agent (`GET /wallet`, the `ui` of the `topup`
/// next action): sign in with the agent id and key, see the balance and history, start a
/// top-up. Every form carries a CSRF token; every failure is a page, not a JSON envelope.
struct WalletController<Store: HubStore>: Sendable {
    let services: HubServices<Store>
    var sessions: WalletSessions { services.walletSessions }
    var hubName: String { services.settings.hubName }

    func register(with router: Router<HubRequestContext>) {
        router.get("/wallet") { request, _ in await page { try await showWallet(request) } }
        router.post("/wallet/login") { request, context in await page { try await login(request, clientAddress: context.clientAddress) } }
        router.post("/wallet/logout") { request, _ in await page { try await logout(request) } }
        router.post("/wallet/topup") { request, _ in await page { try await startTopup(request) } }
        // Arriving from checkout.stripe.com is a cross-site navigation, so the SameSite=Strict session
        // cookie is not sent: the page then thanks without details, and its link back (same-site) is signed in.
        router.get("/wallet/topup/success") { request, _ in
            await page {
                let signedIn = try await signedIn(request)
                var topup: TopupRecord?
                if let agent = signedIn?.agent, let id = request.uri.queryParameters["session_id"].map(String.init) {
                    // Only the agent's own sessions: a session id in a URL reveals nothing about others.
                    topup = try await services.topups.topup(sessionID: id).flatMap { $0.agentID == agent.id ? $0 : nil }
                }
                return html(WalletPages.topupSuccess(hubName: hubName, topup: topup))
            }
        }
        router.get("/wallet/topup/cancel") { _, _ in html(WalletPages.topupCancelled(hubName: hubName)) }
    }

    // MARK: Routes

    func showWallet(_ request: Request) async throws -> Response {
        guard let (agent, cookie) = try await signedIn(request) else { return loginPage(request) }
        let id = agent.id
        let store = services.store
        let entries = try await storeCall { try await store.walletTransactions(agentID: id, before: nil, limit: 10) }
        let topups = try await services.topups.history(agentID: id, limit: 10)
        let refunds = try await storeCall { try await store.refunds(agentID: id, status: nil, before: nil, limit: 10) }
        let view = WalletPages.Wallet(hubName: hubName, agent: agent, entries: entries, topups: topups, refunds: refunds,
                                      amounts: services.topups.allowedAmounts, topupEnabled: services.topups.isEnabled,
                                      csrf: sessions.csrfToken(for: cookie), notice: agent.suspended ? "This agent is suspended by the Hub operator." : nil)
        return html(WalletPages.wallet(view))
    }

    /// The sign-in form, bound to a pre-session cookie so its token cannot be forged cross-site.
    func loginPage(_ request: Request, message: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let existing = request.cookies[WalletSessions.loginCookieName]?.value
        let nonce = existing.flatMap { WalletSessions.bytes(base64URL: $0)?.count == 18 ? $0 : nil } ?? WalletSessions.loginNonce()
        var response = html(WalletPages.login(hubName: hubName, csrf: sessions.csrfToken(for: "login:" + nonce), message: message), status: status)
        response.setCookie(cookie(WalletSessions.loginCookieName, nonce, maxAge: 3_600))
        return response
    }

    func login(_ request: Request, clientAddress: String) async throws -> Response {
        let settings = services.settings
        let decision = try await storeCall {
            try await services.store.checkRate(key: "wallet-login|\(clientAddress)", limit: settings.walletLoginPerMinute, windowSeconds: 60,
                                               now: Date().timeIntervalSince1970)
        }
        guard decision.allowed else {
            return html(WalletPages.problem(hubName: hubName, title: "Too many sign-in attempts",
                                            message: "At most \(settings.walletLoginPerMinute) sign-in attempts per minute; try again in \(decision.retryAfterSeconds) s."),
                        status: .tooManyRequests, headers: [("Retry-After", String(decision.retryAfterSeconds))])
        }
        var request = request
        let form = try await formFields(&request)
        let nonce = request.cookies[WalletSessions.loginCookieName]?.value
        guard sessions.checkCSRF(form["csrf"], cookie: nonce.map { "login:" + $0 }) else { return csrfRefused() }
        let agent: AgentRecord
        do {
            agent = try await services.agents.authenticate(agentID: form["agent_id"]?.trimmingCharacters(in: .whitespaces),
                                                           apiKey: form["api_key"]?.trimmingCharacters(in: .whitespaces), now: Timestamps.now())
        } catch {
            switch error.code {
            case .agentSuspended: return loginPage(request, message: error.message, status: .forbidden)
            case .serviceDegraded: return loginPage(request, message: error.message, status: .serviceUnavailable)
            default: return loginPage(request, message: "The agent id and API key do not match a registered agent.", status: .unauthorized)
            }
        }
        var response = redirect("/wallet")
        response.setCookie(cookie(WalletSessions.cookieName, sessions.issue(agent: agent, now: Timestamps.now()), maxAge: Int(WalletSessions.lifetimeSeconds)))
        response.setCookie(cookie(WalletSessions.loginCookieName, "", maxAge: 0))
        return response
    }

    func logout(_ request: Request) async throws -> Response {
        var request = request
        let form = try await formFields(&request)
        guard sessions.checkCSRF(form["csrf"], cookie: request.cookies[WalletSessions.cookieName]?.value) else { return csrfRefused() }
        var response = redirect("/wallet")
        response.setCookie(cookie(WalletSessions.cookieName, "", maxAge: 0))
        return response
    }

    func startTopup(_ request: Request) async throws -> Response {
        var request = request
        let form = try await formFields(&request)
        guard let (agent, cookie) = try await signedIn(request) else { return redirect("/wallet") }
        guard sessions.checkCSRF(form["csrf"], cookie: cookie) else { return csrfRefused() }
        guard !agent.suspended else {
            return html(WalletPages.problem(hubName: hubName, title: "Agent suspended", message: "This agent is suspended by the Hub operator."),
                        status: .forbidden)
        }
        guard let amount = form["amount"].flatMap({ Int($0) }) else {
            return html(WalletPages.problem(hubName: hubName, title: "Choose an amount", message: "Pick one of the top-up buttons."), status: .badRequest)
        }
        let session = try await services.topups.start(agent: agent, amountUSD: amount, now: Timestamps.now())
        return redirect(session.url)
    }

    // MARK: Sessions

    /// The signed-in agent and its session cookie, when the cookie is valid for the agent's current key.
    func signedIn(_ request: Request) async throws(JECPError) -> (agent: AgentRecord, cookie: String)? {
        guard let cookie = request.cookies[WalletSessions.cookieName]?.value, let claims = sessions.claims(cookie, now: Timestamps.now()) else {
            return nil
        }
        let store = services.store
        guard let agent = try await storeCall({ try await store.agent(id: claims.agentID) }), sessions.matches(claims, agent: agent) else { return nil }
        return (agent, cookie)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/wallet", secure: sessions.secure, httpOnly: true, sameSite: .strict)
    }

    // MARK: Responses

    /// Runs a page handler; a JECP error becomes an HTML page with the error's status.
    func page(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as JECPError {
            var headers = error.headers
            headers.append(contentsOf: HTML.headers)
            return .text(WalletPages.problem(hubName: hubName, title: Self.title(for: error.code), message: error.message), contentType: "text/html; charset=utf-8",
                         status: error.httpStatus, headers: headers)
        } catch {
            return html(WalletPages.problem(hubName: hubName, title: "Something went wrong", message: "Nothing was charged. Try again."),
                        status: .internalServerError)
        }
    }

    static func title(for code: ErrorCode) -> String {
        switch code {
        case .topupNotEnabled: "Top-up is not enabled"
        case .paymentProcessorError, .paymentProcessorUnavailable: "Stripe is not available"
        case .validationFailed: "Choose an amount"
        case .inputTooLarge, .invalidRequest, .unsupportedMediaType: "This form could not be read"
        default: "Something went wrong"
        }
    }

    func csrfRefused() -> Response {
        html(WalletPages.problem(hubName: hubName, title: "Form expired", message: "This form's security token is missing or wrong. Reload the wallet page and try again."),
             status: .forbidden)
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok, headers: [(name: String, value: String)] = []) -> Response {
        .text(text, contentType: "text/html; charset=utf-8", status: Int(status.code), headers: HTML.headers + headers)
    }

    func redirect(_ location: String) -> Response {
        .bytes([], status: 303, contentType: "text/plain", headers: [("Location", location), ("Cache-Control", "no-store")])
    }

    /// The fields of an `application/x-www-form-urlencoded` body (first value of each name).
    func formFields(_ request: inout Request) async throws -> [String: String] {
        let bytes = try await request.collectBodyBytes(limit: 16 * 1024)
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw JECPError(.unsupportedMediaType, "The form must be sent as application/x-www-form-urlencoded.")
        }
        var fields: [String: String] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = parts.count == 2 ? decode(parts[1]) : "" else { continue }
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    /// A store call, its failure as the wire error (`SERVICE_DEGRADED`).
    func storeCall<T>(_ body: () async throws -> T) async throws(JECPError) -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw HubErrors.storeUnavailable(error)
        } catch {
            throw HubErrors.storeUnavailable(.unavailable(String(describing: type(of: error))))
        }
    }
}
