import JECPHubCore
import JECPModels

/// The OpenAPI 3.1 description of every route of this Hub (`GET /openapi.json`).
enum OpenAPIDocument {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func jsonContent(_ schema: JSONValue) -> JSONValue { ["application/json": ["schema": schema]] }

    static func response(_ description: String, _ schema: String) -> JSONValue {
        ["description": .string(description), "content": jsonContent(ref(schema))]
    }

    static let errorResponse: JSONValue = ["description": "JECP error envelope (spec 03 §2)", "content": jsonContent(ref("ErrorEnvelope"))]

    static func operation(_ id: String, _ summary: String, tag: String, security: [String]?, body: String? = nil,
                          success: (code: String, description: String, schema: String), parameters: [JSONValue] = []) -> JSONValue {
        var object: [String: JSONValue] = [
            "operationId": .string(id), "summary": .string(summary), "tags": [.string(tag)],
            "responses": .object([success.code: response(success.description, success.schema), "default": errorResponse]),
        ]
        if let security { object["security"] = .array(security.map { [$0: []] }) }
        if let body { object["requestBody"] = ["required": true, "content": jsonContent(ref(body))] }
        if !parameters.isEmpty { object["parameters"] = .array(parameters) }
        return .object(object)
    }

    static func pathParameter(_ name: String) -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]]
    }

    static func queryParameter(_ name: String, _ schema: JSONValue) -> JSONValue {
        ["name": .string(name), "in": "query", "required": false, "schema": schema]
    }

    static func build(settings: HubSettings) -> JSONValue {
        let agent = ["agentId", "apiKey"]
        let provider = ["providerKey"]
        let invoke = operation("invoke", "Invoke a capability action (charged only on success)", tag: "invoke", security: nil,
                               body: "InvokeRequest", success: ("200", "Completed (or the stored response of an idempotent replay)", "InvokeSuccess"))
        var streamed = invoke.objectValue!
        // delivery.mode = stream with Accept: text/event-stream answers with Server-Sent Events.
        if case .object(var responses)? = streamed["responses"], case .object(var ok)? = responses["200"], case .object(var content)? = ok["content"] {
            content["text/event-stream"] = ["schema": ["type": "string", "description": "status, progress, result, done or error events (spec 01 §4.2)"]]
            ok["content"] = .object(content)
            responses["200"] = .object(ok)
            streamed["responses"] = .object(responses)
        }
        let invokeOperation = JSONValue.object(streamed)
        var legacy = streamed
        legacy["operationId"] = "invokeLegacy"
        legacy["deprecated"] = true
        legacy["summary"] = "Legacy alias of /v1/invoke (sunset 2028-01-01)"
        let paths: JSONValue = [
            "/v1/invoke": ["post": invokeOperation],
            "/v1/artifacts/{id}": ["get": ["operationId": "getArtifact", "summary": "An artifact of delivery.format url (the signed URL is the credential)",
                                           "tags": ["invoke"],
                                           "parameters": [pathParameter("id"),
                                                          ["name": "expires", "in": "query", "required": true, "schema": ["type": "integer"]],
                                                          ["name": "sig", "in": "query", "required": true, "schema": ["type": "string"]]],
                                           "responses": ["200": ["description": "The artifact bytes", "content": ["application/octet-stream": ["schema": ["type": "string", "format": "binary"]]]],
                                                         "304": ["description": "Not modified (If-None-Match)"],
                                                         "default": errorResponse]]],
            "/v1/jecp": ["post": .object(legacy)],
            "/api/agent/register": ["post": operation("registerAgent", "Register an agent", tag: "agents", security: nil, body: "RegisterRequest",
                                                      success: ("201", "Registered; api_key is shown once", "RegisterResponse"))],
            "/api/agents/register": ["post": operation("registerAgentAlias", "Register an agent (alias)", tag: "agents", security: nil,
                                                       body: "RegisterRequest", success: ("201", "Registered", "RegisterResponse"))],
            "/v1/agents/me": ["get": operation("getAgent", "The authenticated agent", tag: "agents", security: agent,
                                               success: ("200", "Agent profile", "AgentProfile"))],
            "/v1/agents/me/transactions": ["get": operation("listTransactions", "Wallet history, newest first", tag: "agents", security: agent,
                                                            success: ("200", "One page", "TransactionPage"),
                                                            parameters: [queryParameter("limit", ["type": "integer", "minimum": 1, "maximum": 200]),
                                                                         queryParameter("cursor", ["type": "string"])])],
            "/v1/agents/me/rotate-key": ["post": operation("rotateKey", "Rotate the API key", tag: "agents", security: agent, body: "RotateKeyRequest",
                                                           success: ("200", "New key, shown once", "RotateKeyResponse"))],
            // Top-up. The wallet's HTML pages (/wallet, /wallet/login, /wallet/logout, /wallet/topup,
            // /wallet/topup/success|cancel) are for people in a browser and are not listed here.
            "/api/agent/topup": ["post": operation("startTopup", "Open a Stripe Checkout for a wallet top-up (never retried automatically)", tag: "agents",
                                                   security: agent, body: "TopupRequest", success: ("201", "Checkout opened: pay at url", "TopupResponse"))],
            "/api/agents/topup": ["post": operation("startTopupAlias", "Open a Stripe Checkout (alias)", tag: "agents", security: agent,
                                                    body: "TopupRequest", success: ("201", "Checkout opened", "TopupResponse"))],
            "/webhooks/stripe": ["post": operation("stripeWebhook", "Stripe's signed events (checkout.session.*): credits paid top-ups once", tag: "payments",
                                                   security: nil, body: "Document", success: ("200", "Received (credited, already credited or ignored)", "Document"),
                                                   parameters: [["name": "Stripe-Signature", "in": "header", "required": true, "schema": ["type": "string"]]])],
            "/v1/capabilities": ["get": operation("listCapabilities", "Capability catalog", tag: "discovery", security: nil,
                                                  success: ("200", "One page of the catalog", "CapabilityList"),
                                                  parameters: [queryParameter("limit", ["type": "integer", "minimum": 1, "maximum": 200]),
                                                               queryParameter("cursor", ["type": "string"]), queryParameter("provider", ["type": "string"]),
                                                               queryParameter("tier", ["type": "string", "enum": ["bronze", "silver", "gold", "platinum"]]),
                                                               queryParameter("tag", ["type": "string"])])],
            "/v1/capabilities/{id}": ["get": operation("getCapability", "One capability with full schemas and examples", tag: "discovery", security: nil,
                                                       success: ("200", "Capability", "Capability"), parameters: [pathParameter("id")])],
            "/v1/capabilities/{namespace}/{name}": ["get": operation("getQualifiedCapability", "One capability by namespace/name", tag: "discovery",
                                                                     security: nil, success: ("200", "Capability", "Capability"),
                                                                     parameters: [pathParameter("namespace"), pathParameter("name")])],
            "/.well-known/agent.json": ["get": operation("agentCard", "A2A agent card", tag: "discovery", security: nil, success: ("200", "Agent card", "Document"))],
            "/.well-known/agent-guide.json": ["get": operation("agentGuide", "Agent guide", tag: "discovery", security: nil, success: ("200", "Agent guide", "Document"))],
            "/llms.txt": ["get": ["operationId": "llmsText", "summary": "LLM-readable summary", "tags": ["discovery"],
                                  "responses": ["200": ["description": "Plain text", "content": ["text/plain": ["schema": ["type": "string"]]]]]]],
            "/health": ["get": operation("health", "Health, pools and database check", tag: "operations", security: nil, success: ("200", "Healthy", "Health"))],
            "/health/live": ["get": ["operationId": "live", "summary": "Liveness", "tags": ["operations"],
                                     "responses": ["200": ["description": "ok", "content": ["text/plain": ["schema": ["type": "string"]]]]]]],
            "/metrics": ["get": ["operationId": "metrics", "summary": "Prometheus metrics", "tags": ["operations"],
                                 "responses": ["200": ["description": "Prometheus text format", "content": ["text/plain": ["schema": ["type": "string"]]]]]]],
            "/openapi.json": ["get": operation("openapi", "This document", tag: "operations", security: nil, success: ("200", "OpenAPI 3.1", "Document"))],
            "/errors": ["get": ["operationId": "errorIndex", "summary": "Error catalog", "tags": ["operations"],
                                "responses": ["200": ["description": "HTML", "content": ["text/html": ["schema": ["type": "string"]]]]]]],
            "/errors/{code}": ["get": ["operationId": "errorPage", "summary": "One error code's page", "tags": ["operations"], "parameters": [pathParameter("code")],
                                       "responses": ["200": ["description": "HTML", "content": ["text/html": ["schema": ["type": "string"]]]], "default": errorResponse]]],
            "/admin/v1/agents/{agent_id}/credit": ["post": operation("creditAgent", "Credit a wallet from operator funds (idempotent)", tag: "admin",
                                                                     security: ["adminToken"], body: "CreditRequest", success: ("201", "Credited", "CreditResponse"),
                                                                     parameters: [pathParameter("agent_id")])],
            "/admin/v1/ledger/summary": ["get": operation("ledgerSummary", "Balances per account class", tag: "admin", security: ["adminToken"],
                                                          success: ("200", "Summary", "LedgerSummary"))],
            "/v1/providers/register": ["post": operation("registerProvider", "Register a provider namespace", tag: "providers", security: nil,
                                                          body: "ProviderRegisterRequest",
                                                          success: ("201", "Registered; provider_api_key and hmac_secret are shown once", "Document"))],
            "/v1/providers/me": ["get": operation("getProvider", "The authenticated provider", tag: "providers", security: provider,
                                                  success: ("200", "Provider", "Document"))],
            "/v1/providers/verify-dns": ["post": operation("verifyProviderDNS", "Check the TXT record _jecp.<host of endpoint_url>", tag: "providers",
                                                           security: provider, body: "Document", success: ("200", "Verified", "Document"))],
            "/v1/providers/me/rotate-key": ["post": operation("rotateProviderKey", "Rotate the provider key", tag: "providers", security: provider,
                                                              body: "RotateKeyRequest", success: ("200", "New key, shown once", "Document"))],
            "/v1/providers/me/earnings": ["get": operation("providerEarnings", "Earnings per capability, action and day; payable balance", tag: "providers",
                                                           security: provider, success: ("200", "Earnings", "Document"),
                                                           parameters: [queryParameter("days", ["type": "integer", "minimum": 1, "maximum": 366])])],
            "/v1/manifests": [
                "post": ["operationId": "publishManifest", "summary": "Publish a manifest (YAML or JSON, at most 10 KB)", "tags": ["providers"],
                         "security": [["providerKey": []]],
                         "requestBody": ["required": true, "content": ["application/json": ["schema": ref("Document")],
                                                                       "application/x-yaml": ["schema": ["type": "string"]]]],
                         "responses": ["201": response("Stored: active, or submitted until the domain is proven", "Document"), "default": errorResponse]],
                "get": operation("listManifests", "Every manifest of the caller's namespace", tag: "providers", security: provider,
                                 success: ("200", "Manifests", "Document")),
            ],
            "/v1/manifests/{namespace}/{capability}/{version}": [
                "get": operation("getManifest", "A published manifest as published", tag: "providers", security: nil, success: ("200", "Manifest", "Document"),
                                 parameters: [pathParameter("namespace"), pathParameter("capability"), pathParameter("version")]),
                "delete": operation("sunsetManifest", "Sunset a version: calls answer 410 from now on", tag: "providers", security: provider,
                                    success: ("200", "Sunset", "Document"),
                                    parameters: [pathParameter("namespace"), pathParameter("capability"), pathParameter("version")]),
            ],
            "/admin/v1/providers": ["get": operation("adminListProviders", "Every provider", tag: "admin", security: ["adminToken"],
                                                     success: ("200", "Providers", "Document"))],
            "/admin/v1/providers/{provider_id}": ["patch": operation("adminUpdateProvider", "Suspend or reactivate a provider, or mark its DNS verified",
                                                                      tag: "admin", security: ["adminToken"], body: "Document",
                                                                      success: ("200", "Provider", "Document"), parameters: [pathParameter("provider_id")])],
            "/admin/v1/agents/{agent_id}": [
                "get": operation("adminGetAgent", "An agent, as the operator sees it", tag: "admin", security: ["adminToken"],
                                 success: ("200", "Agent", "AdminAgent"), parameters: [pathParameter("agent_id")]),
                "patch": operation("adminUpdateAgent", "Set tier floor or suspension", tag: "admin", security: ["adminToken"], body: "AdminAgentUpdate",
                                   success: ("200", "Agent", "AdminAgent"), parameters: [pathParameter("agent_id")]),
            ],
        ]
        return [
            "openapi": "3.1.0",
            "info": ["title": .string(settings.hubName), "version": .string(HubVersion.current),
                     "description": "JECP 1.0 Hub API. Every error is the JECP envelope with a machine-readable next_action where a recovery exists."],
            "servers": [["url": .string(settings.publicURL)]],
            "paths": .object(paths.objectValue!.merging(refundPaths) { $1 }.merging(subscriptionPaths) { $1 }),
            "components": ["securitySchemes": securitySchemes, "schemas": OpenAPISchemas.all],
        ]
    }

    static let securitySchemes: JSONValue = [
        "agentId": ["type": "apiKey", "in": "header", "name": "X-Agent-ID"],
        "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
        "adminToken": ["type": "http", "scheme": "bearer"],
        "providerKey": ["type": "http", "scheme": "bearer", "description": "provider_api_key"],
    ]
}
