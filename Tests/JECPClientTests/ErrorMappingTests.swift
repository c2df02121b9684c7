import Foundation
@testable import JECPClient
import JECPModels
import Testing

/// Hub error envelopes → `JECPError`: code, status, message, details, documentation, next action.
@Suite struct ErrorMappingTests {
    /// A `next_action` of each standard type, shaped as the Hub sends it.
    static func nextAction(_ type: String?) -> JSONValue? {
        switch type {
        case "register": ["type": "register", "ui": "https://hub.test/.well-known/agent-guide.json", "api": "https://hub.test/api/agent/register",
                          "body_example": ["name": "my-agent"]]
        case "topup": ["type": "topup", "ui": "https://hub.test/wallet", "api": "https://hub.test/api/agent/topup",
                       "body_example": ["amount": 5], "allowed_amounts_usd": [5, 20, 100]]
        case "wait": ["type": "wait", "retry_after_seconds": 12]
        case "renew_mandate": ["type": "renew_mandate", "description": "renew"]
        case "earn_trust": ["type": "earn_trust", "current_tier": "bronze", "required_tier": "gold",
                            "fallback": ["alternative_capabilities": ["content-factory", "data-insight"]]]
        case "lookup_schema": ["type": "lookup_schema", "schema_url": "https://hub.test/v1/capabilities/x"]
        case nil: nil
        default: ["type": .string(type!)]
        }
    }

    @Test(arguments: ErrorCode.allCases)
    func everyCatalogCodeMaps(_ code: ErrorCode) async throws {
        let next = Self.nextAction(code.entry.nextActionType)
        let transport = FakeTransport([Fixtures.json(code.httpStatus, Fixtures.errorEnvelope(code.rawValue, message: "msg \(code.rawValue)",
                                                                                             details: ["field": "x"], next: next, id: "req_abcd"))])
        let client = Fixtures.client(transport, retry: .none)
        let error = try #require(await failure { try await client.me() })
        #expect(error.code == JECPError.Code(code))
        #expect(error.code.rawValue == code.rawValue)
        #expect(error.code.catalogCode == code)
        #expect(error.status == code.httpStatus)
        #expect(error.message == "msg \(code.rawValue)")
        #expect(error.details["field"] == "x")
        #expect(error.documentationURL == "https://hub.test/errors/\(code.slug)")
        #expect(error.requestID == "req_abcd")
        #expect(error.nextAction?.type == code.entry.nextActionType)
        #expect(error.rawNextAction == next)
        #expect(!error.isClientSide)
        #expect(transport.requests.count == 1)
    }

    @Test func typedNextActionsCarryTheirFields() {
        guard case .topup(let url, let amount) = NextAction(json: Self.nextAction("topup")!) else { Issue.record("not topup"); return }
        #expect(url == "https://hub.test/api/agent/topup")
        #expect(amount == Money(units: 5))
        guard case .earnTrust(let tier, let fallback) = NextAction(json: Self.nextAction("earn_trust")!) else { Issue.record("not earn_trust"); return }
        #expect(tier == .gold)
        #expect(fallback == ["content-factory", "data-insight"])
        guard case .wait(let seconds) = NextAction(json: Self.nextAction("wait")!) else { Issue.record("not wait"); return }
        #expect(seconds == 12)
        guard case .lookupSchema(let schema) = NextAction(json: Self.nextAction("lookup_schema")!) else { Issue.record("not lookup"); return }
        #expect(schema == "https://hub.test/v1/capabilities/x")
        guard case .register(let register) = NextAction(json: Self.nextAction("register")!) else { Issue.record("not register"); return }
        #expect(register == "https://hub.test/api/agent/register")
        let x402: JSONValue = ["type": "x402_settle", "hint": "sign again"]
        guard case .unknown(let raw) = NextAction(json: x402) else { Issue.record("not unknown"); return }
        #expect(raw == x402)
        #expect(NextAction(json: x402).type == "x402_settle")
        #expect(NextAction(json: ["no_type": 1]).type == "unknown")
    }

    @Test(arguments: ["X402_NOT_ACCEPTED", "MANDATE_INSUFFICIENT_BUDGET", "STREAM_TIMEOUT", "SOMETHING_FROM_THE_FUTURE"])
    func specOnlyAndUnknownCodesArePreserved(_ raw: String) async throws {
        let next: JSONValue = ["type": "brand_new_action", "extra": [1, 2]]
        let client = Fixtures.client(FakeTransport([Fixtures.error(418, raw, next: next)]), retry: .none)
        let error = try #require(await failure { try await client.me() })
        #expect(error.code.rawValue == raw)
        #expect(error.status == 418)
        guard case .unknown(let kept) = error.nextAction else { Issue.record("expected unknown next action"); return }
        #expect(kept == next)
    }

    @Test func specOnlyCodesHaveConstants() {
        #expect(JECPError.Code(rawValue: "X402_NOT_ACCEPTED") == .x402NotAccepted)
        #expect(JECPError.Code(rawValue: "WALLET_INSUFFICIENT_BALANCE") == .walletInsufficientBalance)
        #expect(JECPError.Code(rawValue: "PAYMENT_REQUIRED") == .paymentRequired)
        #expect(Set([JECPError.Code.timeout, .network, .invalidResponse, .cancelled, .agentGuideUnavailable]).count == 5)
    }

    @Test func okStatusWithFailedEnvelopeIsAnError() async throws {
        let client = Fixtures.client(FakeTransport([Fixtures.json(200, Fixtures.errorEnvelope("EXECUTION_FAILED", id: "req_x"))]))
        let error = try #require(await failure { try await client.invoke("a", "b", input: [:]) })
        #expect(error.code == .executionFailed)
        #expect(error.status == 200)
    }

    @Test func nonJSONBodiesAreInvalidResponses() async throws {
        let html = FakeTransport.Reply.response(TransportResponse(status: 502, headers: [("Content-Type", "text/html")], body: Array("<html>bad gateway</html>".utf8)))
        let client = Fixtures.client(FakeTransport([html]), retry: .none)
        let error = try #require(await failure { try await client.me() })
        #expect(error.code == .invalidResponse)
        #expect(error.status == 502)

        let garbage = FakeTransport.Reply.response(TransportResponse(status: 200, body: Array("not json".utf8)))
        let second = Fixtures.client(FakeTransport([garbage]), retry: .none)
        let invalid = try #require(await failure { try await second.invoke("a", "b", input: [:]) })
        #expect(invalid.code == .invalidResponse)

        let noError = Fixtures.client(FakeTransport([Fixtures.json(500, ["message": "no error object"])]), retry: .none)
        #expect(try #require(await failure { try await noError.me() }).code == .invalidResponse)
    }

    @Test func networkAndTimeoutFailuresAreClientSide() async throws {
        let client = Fixtures.client(FakeTransport([.failure(TransportError(.timeout, "slow")), .failure(TransportError(.network, "refused"))]),
                                     retry: .none)
        let timeout = try #require(await failure { try await client.me() })
        #expect(timeout.code == .timeout)
        #expect(timeout.status == nil)
        #expect(timeout.isClientSide)
        let network = try #require(await failure { try await client.me() })
        #expect(network.code == .network)
    }

    @Test func recoveryHelpersExposeTopupURLAndFallbacks() async throws {
        let client = Fixtures.client(FakeTransport([
            Fixtures.error(402, "PAYMENT_REQUIRED", next: Self.nextAction("topup")),
            Fixtures.error(403, "INSUFFICIENT_TRUST", next: Self.nextAction("earn_trust")),
        ]))
        let payment = try #require(await failure { try await client.invoke("a", "b", input: [:]) })
        #expect(payment.topupURL == "https://hub.test/api/agent/topup")
        #expect(payment.rawNextAction?["allowed_amounts_usd"] == [5, 20, 100])
        let trust = try #require(await failure { try await client.invoke("a", "b", input: [:]) })
        #expect(trust.fallbackCapabilities == ["content-factory", "data-insight"])
        #expect(trust.topupURL == nil)
    }
}
