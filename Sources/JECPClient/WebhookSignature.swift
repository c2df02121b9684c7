/// Verifies the Hub's webhook signatures (`X-JECP-Webhook-Signature`, `X-JECP-Webhook-Timestamp`).
public typealias WebhookSignature = HubSignature
