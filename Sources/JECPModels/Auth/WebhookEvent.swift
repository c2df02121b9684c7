import Foundation

/// A webhook the Hub posted: `{"id", "type", "created_at", "data"}`. The same event may arrive
/// more than once (delivery is at-least-once): deduplicate on ``id``.
public struct WebhookEvent: Sendable, Equatable {
    /// `jecp_ev_…`, also in the `X-JECP-Webhook-Id` header.
    public let id: String
    /// `invocation.completed`, `wallet.topped_up`, … (also `X-JECP-Webhook-Event`).
    public let type: String
    /// Unix seconds when the Hub recorded the event (not when this attempt was sent).
    public let createdAt: Int64?
    public let data: JSONValue

    public init(id: String, type: String, createdAt: Int64?, data: JSONValue) {
        self.id = id
        self.type = type
        self.createdAt = createdAt
        self.data = data
    }

    /// Why a webhook was refused.
    public enum VerificationError: Error, Sendable, Equatable {
        /// `X-JECP-Webhook-Signature` or `X-JECP-Webhook-Timestamp` is absent or empty.
        case missingHeaders
        /// The timestamp is not a number, or further than the tolerance from our clock.
        case staleOrMalformedTimestamp
        /// No `v1=` value matches the body under this secret.
        case badSignature
        /// Signed correctly, but not the event shape (a Hub bug, or an incompatible version).
        case malformedBody
    }

    /// Checks `X-JECP-Webhook-Signature` (`v1=<base64 HMAC-SHA256(secret, "<ts>.<body>")>`, constant
    /// time, any of several `v1=` values) and that `X-JECP-Webhook-Timestamp` is within `tolerance`
    /// seconds of `now`, over the exact body bytes, then decodes the event.
    public static func verify(body: [UInt8], signature: String?, timestamp: String?, secret: String,
                              now: Int64 = Int64(Date().timeIntervalSince1970), tolerance: Int64 = 300) throws(VerificationError) -> WebhookEvent {
        guard let signature, let timestamp, !signature.isEmpty, !timestamp.isEmpty else { throw .missingHeaders }
        guard let sentAt = Int64(timestamp.trimmingCharacters(in: .whitespaces)), abs(now - sentAt) <= tolerance else {
            throw .staleOrMalformedTimestamp
        }
        guard HubSignature.verify(secret: secret, signatureHeader: signature, timestampHeader: timestamp, body: body, now: now, tolerance: tolerance)
        else { throw .badSignature }
        guard let json = try? JSONValue(parsing: body), let id = json["id"]?.stringValue, let type = json["type"]?.stringValue else {
            throw .malformedBody
        }
        return WebhookEvent(id: id, type: type, createdAt: json["created_at"]?.stringValue.flatMap(Timestamps.parseRFC3339),
                            data: json["data"] ?? .null)
    }
}
