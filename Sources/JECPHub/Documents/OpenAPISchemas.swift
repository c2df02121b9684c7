import JECPHubCore
import JECPModels

/// Component schemas of the OpenAPI document.
enum OpenAPISchemas {
    static let money: JSONValue = ["type": "number", "description": "USDC, exact decimal with at most 6 places"]
    static func object(_ properties: JSONValue, required: [JSONValue] = []) -> JSONValue {
        ["type": "object", "properties": properties, "required": .array(required)]
    }

    static let all: JSONValue = [
        "Document": ["type": "object", "additionalProperties": true],
        "ProviderRegisterRequest": [
            "type": "object", "additionalProperties": false, "required": ["namespace", "display_name", "owner_email", "endpoint_url", "country"],
            "properties": [
                "namespace": ["type": "string", "pattern": "^[a-z][a-z0-9-]{2,31}$"], "display_name": ["type": "string", "minLength": 2, "maxLength": 100],
                "owner_email": ["type": "string"], "endpoint_url": ["type": "string"], "country": ["type": "string", "pattern": "^[A-Z]{2}$"],
                "website": ["type": "string"],
            ],
        ],
        "InvokeRequest": [
            "type": "object", "additionalProperties": false, "required": ["jecp", "id", "capability", "action", "input"],
            "properties": [
                "jecp": ["type": "string", "const": "1.0"],
                "id": ["type": "string", "pattern": "^[A-Za-z0-9_-]{4,64}$"],
                "capability": ["type": "string", "pattern": "^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*(@[0-9]+\\.[0-9]+\\.[0-9]+)?)?$"],
                "action": ["type": "string", "pattern": "^[a-z][a-z0-9-]*$"],
                "input": ["type": "object"],
                "mandate": [
                    "type": "object", "required": ["agent_id", "api_key"],
                    "properties": ["agent_id": ["type": "string"], "api_key": ["type": "string"], "budget_usdc": ["type": "number", "minimum": 0, "maximum": 1000],
                                   "expires_at": ["type": "string", "format": "date-time"], "provenance_hash": ["type": "string"]],
                ],
                "delivery": ["type": "object", "properties": ["mode": ["enum": ["sync", "stream", "async"]], "format": ["enum": ["base64", "url", "inline"]],
                                                              "callback_url": ["type": "string"]]],
                "metadata": ["type": "object"],
                "extensions": ["type": "object"],
            ],
        ],
        "InvokeSuccess": object([
            "jecp": ["type": "string"], "id": ["type": "string"], "status": ["const": "completed"],
            "result": object(["capability": ["type": "string"], "action": ["type": "string"], "output": ["type": "object"], "metadata": ["type": "object"]]),
            "billing": object(["cost_usdc": money, "method": ["enum": ["free_call", "wallet", "mandate"]], "balance_after": money,
                               "transaction_id": ["type": ["string", "null"]], "free_calls_remaining": ["type": "integer"]]),
            "execution": object(["duration_ms": ["type": "integer"], "engine": ["type": "string"], "provider": ["type": "string"],
                                 "trust_tier": ["enum": ["bronze", "silver", "gold", "platinum"]]]),
        ], required: ["jecp", "id", "status", "result", "billing", "execution"]),
        "ErrorEnvelope": object([
            "jecp": ["type": "string"], "id": ["type": "string"], "status": ["const": "failed"],
            "error": object(["code": ["type": "string", "enum": .array(ErrorCode.allCases.map { .string($0.rawValue) })], "message": ["type": "string"],
                             "details": ["type": "object"], "documentation_url": ["type": "string", "format": "uri"]], required: ["code", "message"]),
            "next_action": ["type": "object", "properties": ["type": ["type": "string"]]],
        ], required: ["jecp", "status", "error"]),
        "RegisterRequest": object(["name": ["type": "string", "minLength": 1, "maxLength": 100], "agent_type": ["type": "string"],
                                   "description": ["type": "string", "maxLength": 500], "referred_by": ["type": "string"]], required: ["name"]),
        "RegisterResponse": object(["agent_id": ["type": "string"], "api_key": ["type": "string"], "free_calls_remaining": ["type": "integer"],
                                    "tier": ["type": "string"], "warning": ["type": "string"]], required: ["agent_id", "api_key"]),
        "AgentProfile": object(["agent_id": ["type": "string"], "name": ["type": "string"], "tier": ["type": "string"], "total_calls": ["type": "integer"],
                                "free_calls_remaining": ["type": "integer"], "balance_usdc": money, "rate_limit_rpm": ["type": "integer"],
                                "created_at": ["type": "string", "format": "date-time"]]),
        "TransactionPage": object(["transactions": ["type": "array", "items": ["type": "object"]], "next_cursor": ["type": ["string", "null"]]]),
        "RotateKeyRequest": object(["grace_seconds": ["type": "integer", "minimum": 60, "maximum": 604_800], "revoke_old": ["type": "boolean"]]),
        "RotateKeyResponse": object(["api_key": ["type": "string"], "previous_key_valid_until": ["type": "string", "format": "date-time"]]),
        "CapabilityList": object(["capabilities": ["type": "array", "items": ["$ref": "#/components/schemas/Capability"]], "total": ["type": "integer"],
                                  "next_cursor": ["type": ["string", "null"]]]),
        "Capability": object(["id": ["type": "string"], "provider": ["type": "string"], "actions": ["type": "array", "items": ["type": "object"]],
                              "trust_tier_required": ["type": "string"]]),
        "Health": object(["status": ["type": "string"], "checks": ["type": "object"], "pools": ["type": "object"]]),
        "TopupRequest": object(["amount": ["type": "integer", "description": "Whole US dollars, one of next_action.allowed_amounts_usd (default 5, 20, 100)"]],
                               required: ["amount"]),
        "TopupResponse": object(["url": ["type": "string"], "session_id": ["type": "string"], "amount_usd": ["type": "integer"], "status": ["type": "string"]],
                                required: ["url", "session_id"]),
        "CreditRequest": object(["amount_usdc": money, "reason": ["type": "string"], "idempotency_key": ["type": "string"]],
                                required: ["amount_usdc", "reason", "idempotency_key"]),
        "CreditResponse": object(["transaction_id": ["type": "string"], "amount_usdc": money, "balance_after": money, "replayed": ["type": "boolean"]]),
        "LedgerSummary": object(["balances_usdc": ["type": "object"], "global_sum_usdc": money, "transaction_count": ["type": "integer"]]),
        "AdminAgent": object(["agent_id": ["type": "string"], "tier": ["type": "string"], "tier_floor": ["type": ["string", "null"]], "suspended": ["type": "boolean"]]),
        "AdminAgentUpdate": object(["tier_floor": ["type": ["string", "null"], "enum": ["bronze", "silver", "gold", "platinum", nil]], "suspended": ["type": "boolean"]]),
    ]
}
