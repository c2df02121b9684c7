import Foundation
import JECPProviderKit
import Testing

/// `JECPProvider.verifyWebhook`: the receiver side of a provider's webhook subscription.
@Suite struct WebhookVerificationTests {
    static let body = Array(#"{"created_at":"2030-03-17T17:46:40Z","data":{"capability":"acme/tools"},"id":"jecp_ev_7","type":"invocation.completed"}"#.utf8)
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func acceptsTheHubsSignatureAndDecodesTheEvent() throws {
        // HMAC-SHA256("key", "1900000000." + body), base64, as the Hub sends it.
        let signature = HubSignature.sign(secret: "key", timestamp: 1_900_000_000, body: Self.body)
        let event = try JECPProvider.verifyWebhook(body: Self.body, signature: "v1=bogus, " + signature, timestamp: "1900000000", secret: "key",
                                                   now: Self.now)
        #expect(event == WebhookEvent(id: "jecp_ev_7", type: "invocation.completed", createdAt: 1_900_000_000, data: ["capability": "acme/tools"]))
    }

    @Test func refusesTamperingAnotherSecretAndOldTimestamps() {
        let signature = HubSignature.sign(secret: "key", timestamp: 1_900_000_000, body: Self.body)
        var tampered = Self.body
        tampered[tampered.count - 3] ^= 1
        #expect(throws: WebhookEvent.VerificationError.badSignature) {
            try JECPProvider.verifyWebhook(body: tampered, signature: signature, timestamp: "1900000000", secret: "key", now: Self.now)
        }
        #expect(throws: WebhookEvent.VerificationError.badSignature) {
            try JECPProvider.verifyWebhook(body: Self.body, signature: signature, timestamp: "1900000000", secret: "other", now: Self.now)
        }
        #expect(throws: WebhookEvent.VerificationError.staleOrMalformedTimestamp) {
            try JECPProvider.verifyWebhook(body: Self.body, signature: signature, timestamp: "1900000000", secret: "key",
                                           now: Self.now.addingTimeInterval(-301))
        }
        #expect(throws: WebhookEvent.VerificationError.staleOrMalformedTimestamp) {
            try JECPProvider.verifyWebhook(body: Self.body, signature: signature, timestamp: "soon", secret: "key", now: Self.now)
        }
        #expect(throws: WebhookEvent.VerificationError.missingHeaders) {
            try JECPProvider.verifyWebhook(body: Self.body, signature: signature, timestamp: nil, secret: "key", now: Self.now)
        }
    }
}
