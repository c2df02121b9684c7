import JECPHubCore
import JECPModels

/// The well-known discovery documents, generated from the live catalog and settings.
struct DiscoveryDocuments: Sendable {
    let settings: HubSettings
    let catalog: CapabilityCatalog
    let lastUpdated = Timestamps.rfc3339(Timestamps.now())

    var supportContact: String { "support@" + (settings.publicURL.split(separator: "/").dropFirst(1).first.map(String.init) ?? "localhost") }

    /// `/.well-known/agent.json`: an A2A-style agent card (spec 05 §3).
    func agentCard() -> JSONValue {
        [
            "name": .string(settings.hubName),
            "description": "A JECP Hub: discover, pay per call from a prepaid USDC wallet, recover from errors by next_action.",
            "url": .string(settings.publicURL),
            "version": .string(HubVersion.current),
            "provider": ["organization": .string(settings.hubName), "url": .string(settings.publicURL)],
            "jecp": [
                "endpoint": .string(settings.url("/v1/invoke")),
                "version": "1.0",
                "engine": "jecp-swift",
                "capabilities_url": .string(settings.url("/v1/capabilities")),
                "streaming": false,
                "mandate_required": false,
            ],
            "authentication": [
                "schemes": ["api_key", "mandate"],
                "api_key_header": "X-API-Key",
                "agent_id_header": "X-Agent-ID",
                "registration_url": .string(settings.url("/api/agent/register")),
            ],
        ]
    }

    /// `/.well-known/agent-guide.json` (spec 05 §4, schema `agent-guide.json`).
    func agentGuide() -> JSONValue {
        let capabilities = catalog.allEntries
        return [
            "$schema": "https://jecp.dev/schemas/v1/agent-guide.json",
            "version": .string(HubVersion.spec),
            "spec_version_pinned": .string(HubVersion.spec),
            "last_updated": .string(lastUpdated),
            "audience": "AI agents",
            "vendor_prefix": .string(settings.vendorPrefix),
            "hub_name": .string(settings.hubName),
            "hub_url": .string(settings.publicURL),
            "supported_capabilities": .array(capabilities.flatMap { entry -> [JSONValue] in
                entry.namespace == settings.operatorNamespace ? [.string(entry.descriptor.name), .string(entry.id)] : [.string(entry.id)]
            }),
            "conformance_levels": ["Hub-Core"],
            "replay_cache_mode": "local",
            "provenance_versions_supported": ["v2"],
            "register_endpoint": .string(settings.url("/api/agent/register")),
            "endpoints": [
                "invoke": .string(settings.url("/v1/invoke")),
                "invoke_legacy_alias": .string(settings.url("/v1/jecp")),
                "capabilities": .string(settings.url("/v1/capabilities")),
                "openapi": .string(settings.url("/openapi.json")),
                "health": .string(settings.url("/health")),
            ],
            "contact": ["support": .string(supportContact)],
            "documentation": ["errors": .string(settings.url("/errors"))],
            "rate_limits_default_rpm": .object(Dictionary(uniqueKeysWithValues: TrustTier.allCases.map { ($0.rawValue, JSONValue.number(JSONNumber($0.rateLimitPerMinute))) })),
            "currencies_accepted": ["USD", "USDC"],
            "payment_methods_supported": ["stripe"],
            "trust_policy": [
                "tiers": .object(Dictionary(uniqueKeysWithValues: TrustTier.allCases.map { tier in
                    (tier.rawValue, JSONValue.object(["min_successful_calls": .number(JSONNumber(tier.threshold)),
                                                      "rate_limit_rpm": .number(JSONNumber(tier.rateLimitPerMinute))]))
                })),
                "provenance": "Optional at every tier; when sent it must be v2 and each nonce is accepted once within 600 s.",
                "free_calls": .number(JSONNumber(settings.freeCalls)),
            ],
            "identity": [
                "protocol": "JECP 1.0 (Joint Execution & Commerce Protocol)",
                "operator": .string(settings.hubName),
                "engine": .string("jecp-swift \(HubVersion.current)"),
            ],
            "quickstart": [
                "step_1_register": .string("POST \(settings.url("/api/agent/register")) {\"name\": \"my-agent\"} -> agent_id, api_key (shown once)"),
                "step_2_invoke": .string("POST \(settings.url("/v1/invoke")) with X-Agent-ID and X-API-Key and {\"jecp\":\"1.0\",\"id\":\"req-0001\",\"capability\":\"...\",\"action\":\"...\",\"input\":{}}"),
                "step_3_topup": .string("On 402 follow next_action (type topup): \(settings.url("/api/agent/topup"))"),
            ],
            "capabilities": .object(Dictionary(uniqueKeysWithValues: capabilities.map { entry in
                (entry.descriptor.name, JSONValue.object([
                    "id": .string(entry.id),
                    "description": .string(entry.descriptor.description),
                    "actions": .array(entry.descriptor.actions.map { action in
                        ["id": .string(action.name), "price_usdc": action.price.json, "trust_tier_required": .string(action.trustTierRequired.rawValue)]
                    }),
                    "details_url": .string(settings.url("/v1/capabilities/\(entry.id)")),
                ]))
            })),
            "error_recovery": .object(Dictionary(uniqueKeysWithValues: ErrorCode.allCases.map { code in
                (code.rawValue, JSONValue.object([
                    "http_status": .number(JSONNumber(code.httpStatus)),
                    "recovery": .string(code.entry.recovery),
                    "next_action_type": code.entry.nextActionType.map { .string($0) } ?? .null,
                    "documentation_url": .string(settings.url("/errors/\(code.slug)")),
                ]))
            })),
            "best_practices": [
                "Use a fresh id per logical request and resend the same id to retry safely for 24 h.",
                "Send mandate.budget_usdc to cap what one call may cost.",
                "Compute a fresh provenance v2 hash (new nonce) for every request that carries one.",
                "Honor Retry-After on 429.",
            ],
            "related_resources": [
                "capabilities_url": .string(settings.url("/v1/capabilities")),
                "agent_card_url": .string(settings.url("/.well-known/agent.json")),
                "llms_txt_url": .string(settings.url("/llms.txt")),
                "openapi_url": .string(settings.url("/openapi.json")),
            ],
        ]
    }

    /// `/llms.txt` (spec 05 §5).
    func llmsText() -> String {
        var text = """
            # \(settings.hubName)

            > A JECP 1.0 Hub: AI agents register, hold a prepaid USDC wallet, and pay per successful call.

            Agents discover capabilities, invoke them with POST /v1/invoke, are charged only on success (85% provider, 10% hub, 5% payment processing), and recover from every error by following its machine-readable next_action.

            ## For AI Agents

            - Register: POST \(settings.url("/api/agent/register")) with {"name": "..."}; you get agent_id and api_key (shown once) and \(settings.freeCalls) free calls.
            - Invoke: POST \(settings.url("/v1/invoke")) with headers X-Agent-ID, X-API-Key and body {"jecp":"1.0","id":"<4-64 chars>","capability":"...","action":"...","input":{...}}.
            - Retrying the same id within 24 h returns the stored response and never charges twice.
            - Guide: \(settings.url("/.well-known/agent-guide.json"))
            - Catalog: \(settings.url("/v1/capabilities"))

            ## Pricing

            """
        for entry in catalog.allEntries {
            for action in entry.descriptor.actions {
                text += "- \(entry.id) \(action.name): \(action.price) USDC per successful call (tier \(action.trustTierRequired.rawValue))\n"
            }
        }
        text += """

            ## Documentation

            - OpenAPI: \(settings.url("/openapi.json"))
            - Errors: \(settings.url("/errors"))

            """
        return text
    }
}
