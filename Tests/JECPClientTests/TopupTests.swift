import Configuration
import Foundation
import Hummingbird
import JECPClient
import JECPModels
import Testing

/// `JECPClient.topup(amount:)` against the real Hub, with a minimal Stripe stand-in that answers
/// the Checkout Session request (the Hub's Stripe wire format is tested in JECPHubTests).
@Suite struct TopupTests {
    static func withStripe(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/v1/checkout/sessions") { _, _ in
            #"{"id":"cs_test_sdk","object":"checkout.session","url":"https://checkout.example/cs_test_sdk"}"#
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            defer { group.cancelAll() }
            try await body(port)
        }
    }

    @Test func topupReturnsTheCheckoutURLAndRefusesAmountsNotOffered() async throws {
        try await Self.withStripe { port in
            let stripe: [AbsoluteConfigKey: ConfigValue] = [
                "stripe.secretKey": .init(.string("sk_test_sdk0123456789"), isSecret: true),
                "stripe.webhookSecret": .init(.string("whsec_sdk0123456789"), isSecret: true),
                "stripe.apiBase": .init(.string("http://127.0.0.1:\(port)"), isSecret: false),
            ]
            try await LiveHub.run(settings: stripe) { base in
                let registration = try await JECPClient.register(hub: base, name: "sdk-topup-\(UUID().uuidString.prefix(8))")
                try await EndToEndTests.withClient(base, registration) { client in
                    let session = try await client.topup(amount: 20)
                    #expect(session.url == "https://checkout.example/cs_test_sdk")
                    #expect(session.sessionID == "cs_test_sdk")
                    let refused = try #require(await failure { try await client.topup(amount: 7) })
                    #expect(refused.code == .validationFailed)
                    #expect(refused.status == 400)
                }
            }
        }
    }

    @Test func aHubWithoutStripeSaysTopupIsNotEnabled() async throws {
        try await LiveHub.run { base in
            let registration = try await JECPClient.register(hub: base, name: "sdk-topup-\(UUID().uuidString.prefix(8))")
            try await EndToEndTests.withClient(base, registration) { client in
                let error = try #require(await failure { try await client.topup(amount: 5) })
                #expect(error.code.rawValue == "TOPUP_NOT_ENABLED")
                #expect(error.status == 503)
                #expect(error.message.contains("STRIPE_SECRET_KEY"))
            }
        }
    }
}
