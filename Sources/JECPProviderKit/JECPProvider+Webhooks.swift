import Foundation
import JECPModels

extension JECPProvider {
    /// Verifies a webhook the Hub posted to your receiver (a subscription made with your provider
    /// key) and decodes it: `X-JECP-Webhook-Signature` over the exact body bytes, compared in
    /// constant time, and `X-JECP-Webhook-Timestamp` within `tolerance` seconds of `now`. The secret
    /// is the subscription's (from `POST /v1/subscriptions`), not the provider's HMAC secret.
    public static func verifyWebhook(body: [UInt8], signature: String?, timestamp: String?, secret: String,
                                     now: Date = Date(), tolerance: Int64 = 300) throws(WebhookEvent.VerificationError) -> WebhookEvent {
        try WebhookEvent.verify(body: body, signature: signature, timestamp: timestamp, secret: secret,
                                now: Int64(now.timeIntervalSince1970), tolerance: tolerance)
    }
}
