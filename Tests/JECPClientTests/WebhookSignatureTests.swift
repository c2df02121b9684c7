import JECPClient
import Testing

/// `X-JECP-Webhook-Signature` verification.
@Suite struct WebhookSignatureTests {
    static let secret = "whsec_0123456789abcdef"
    static let body = Array(#"{"event":"invocation.completed","id":"req_1"}"#.utf8)
    static let timestamp: Int64 = 1_900_000_000

    @Test func validSignatureVerifies() {
        let header = WebhookSignature.sign(secret: Self.secret, timestamp: Self.timestamp, body: Self.body)
        #expect(header.hasPrefix("v1="))
        #expect(WebhookSignature.verify(secret: Self.secret, signatureHeader: header, timestampHeader: "1900000000", body: Self.body, now: Self.timestamp + 10))
    }

    @Test func knownAnswer() {
        // HMAC-SHA256("key", "1.body") computed independently (Python hmac), base64.
        #expect(WebhookSignature.sign(secret: "key", timestamp: 1, body: Array("body".utf8)) == "v1=kbU3SxU4Qq0FssTquTSbgyGxRwMWW9P7iwNN+4vpiuU=")
    }

    @Test func tamperedBodyOrTimestampOrSecretFails() {
        let header = WebhookSignature.sign(secret: Self.secret, timestamp: Self.timestamp, body: Self.body)
        var tampered = Self.body
        tampered[3] ^= 1
        #expect(!WebhookSignature.verify(secret: Self.secret, signatureHeader: header, timestampHeader: "1900000000", body: tampered, now: Self.timestamp))
        #expect(!WebhookSignature.verify(secret: Self.secret, signatureHeader: header, timestampHeader: "1900000001", body: Self.body, now: Self.timestamp))
        #expect(!WebhookSignature.verify(secret: "whsec_other", signatureHeader: header, timestampHeader: "1900000000", body: Self.body, now: Self.timestamp))
        #expect(!WebhookSignature.verify(secret: Self.secret, signatureHeader: "v1=not-base64!", timestampHeader: "1900000000", body: Self.body, now: Self.timestamp))
        #expect(!WebhookSignature.verify(secret: Self.secret, signatureHeader: header.replacingOccurrences(of: "v1=", with: "v0="),
                                         timestampHeader: "1900000000", body: Self.body, now: Self.timestamp))
        #expect(!WebhookSignature.verify(secret: Self.secret, signatureHeader: header, timestampHeader: "soon", body: Self.body, now: Self.timestamp))
    }

    @Test func outsideTheWindowFails() {
        let header = WebhookSignature.sign(secret: Self.secret, timestamp: Self.timestamp, body: Self.body)
        #expect(WebhookSignature.verify(secret: Self.secret, signatureHeader: header, timestampHeader: "1900000000", body: Self.body, now: Self.timestamp + 300))
        #expect(!WebhookSignature.verify(secret: Self.secret, signatureHeader: header, timestampHeader: "1900000000", body: Self.body, now: Self.timestamp + 301))
        #expect(!WebhookSignature.verify(secret: Self.secret, signatureHeader: header, timestampHeader: "1900000000", body: Self.body, now: Self.timestamp - 301))
        #expect(WebhookSignature.verify(secret: Self.secret, signatureHeader: header, timestampHeader: "1900000000", body: Self.body,
                                        now: Self.timestamp + 1000, tolerance: 1000))
    }

    @Test func anyOfSeveralSignaturesMatches() {
        let good = WebhookSignature.sign(secret: Self.secret, timestamp: Self.timestamp, body: Self.body)
        let old = WebhookSignature.sign(secret: "whsec_previous", timestamp: Self.timestamp, body: Self.body)
        for header in ["\(old),\(good)", "\(good), \(old)", "\(old) \(good)"] {
            #expect(WebhookSignature.verify(secret: Self.secret, signatureHeader: header, timestampHeader: "1900000000", body: Self.body, now: Self.timestamp))
        }
        #expect(!WebhookSignature.verify(secret: Self.secret, signatureHeader: "\(old),\(old)", timestampHeader: "1900000000", body: Self.body, now: Self.timestamp))
    }
}
