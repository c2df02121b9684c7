import JECPModels

/// Builders for the `next_action` objects of spec 03 §4, pointing at this Hub's own URLs.
public struct NextActions: Sendable {
    let settings: HubSettings

    public init(settings: HubSettings) {
        self.settings = settings
    }

    public func register() -> JSONValue {
        [
            "type": "register",
            "ui": .string(settings.url("/.well-known/agent-guide.json")),
            "api": .string(settings.url("/api/agent/register")),
            "method": "POST",
            "headers": ["Content-Type"],
            "body_example": ["name": "my-agent", "agent_type": "automation"],
            "description": .string("Register an agent to receive agent_id and api_key (\(settings.freeCalls) free calls)."),
        ]
    }

    public func topup() -> JSONValue {
        [
            "type": "topup",
            "ui": .string(settings.url("/wallet")),
            "api": .string(settings.url("/api/agent/topup")),
            "method": "POST",
            "headers": ["X-Agent-ID", "X-API-Key"],
            "body_example": ["amount": .number(JSONNumber(settings.topupAmountsUSD.first ?? 5))],
            "allowed_amounts_usd": .array(settings.topupAmountsUSD.map { .number(JSONNumber($0)) }),
            "description": "Top up the wallet (USD 1:1 USDC), then retry the same request.",
        ]
    }

    public func renewMandate() -> JSONValue {
        [
            "type": "renew_mandate",
            "description": "Issue a new mandate with a future expires_at and a fresh provenance_hash, then retry.",
        ]
    }

    public func wait(seconds: Int) -> JSONValue {
        [
            "type": "wait",
            "retry_after_seconds": .number(JSONNumber(seconds)),
            "description": .string("Wait \(seconds) s, then retry the same request."),
        ]
    }

    public func lookupSchema(capability: String?) -> JSONValue {
        let url = capability.map { settings.url("/v1/capabilities/\($0)") } ?? settings.url("/v1/capabilities")
        return [
            "type": "lookup_schema",
            "schema_url": .string(url),
            "description": "Fetch the schema, fix the request, then retry with a new id.",
        ]
    }

    /// For envelope errors: the request schema in this Hub's OpenAPI document.
    public func lookupEnvelopeSchema() -> JSONValue {
        [
            "type": "lookup_schema",
            "schema_url": .string(settings.url("/openapi.json#/components/schemas/InvokeRequest")),
            "description": "Fix the listed fields of the request envelope, then retry.",
        ]
    }

    public func earnTrust(current: TrustTier, required: TrustTier, totalCalls: Int64, alternatives: [String]) -> JSONValue {
        [
            "type": "earn_trust",
            "current_tier": .string(current.rawValue),
            "required_tier": .string(required.rawValue),
            "calls_needed": .number(JSONNumber(max(required.threshold - totalCalls, 0))),
            "description": .string("Make \(required.threshold)+ successful calls to reach \(required.rawValue)."),
            "fallback": [
                "alternative_capabilities": .array(alternatives.map { .string($0) }),
                "build_count_strategy": "Use lower-tier actions to accumulate total_calls.",
            ],
        ]
    }
}
