import Foundation
import JECPManifest
import JECPModels
import Testing

/// Reference files and manifests shared by the tests.
enum Fixtures {
    /// `../shared` beside the repository root (this file is `<root>/Tests/JECPManifestTests/Fixtures.swift`).
    static let shared: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared")

    static func sharedFile(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: shared.appendingPathComponent(relativePath)))
    }

    static func minimalJSON() throws -> [UInt8] { try sharedFile("spec/fixtures/manifest-minimal-valid.json") }

    /// `manifest-minimal-valid.json`, written as YAML by hand.
    static let minimalYAML = """
        namespace: example
        display_name: Example Translator
        capability: translate
        version: 1.0.0
        description: Translate text between supported languages.
        endpoint: https://example.com/jecp
        actions:
          - id: translate
            name: Translate text
            description: Translate input text to the target language.
            pricing:
              base: $0.005
              currency: USDC
              model: per_call
            input_schema:
              type: object
              required: [text, target_lang]
              properties:
                text:        { type: string, maxLength: 5000 }
                target_lang: { type: string, pattern: "^[a-z]{2}$" }
            output_schema:
              type: object
              properties:
                translation:   { type: string }
                detected_lang: { type: string }
            examples:
              - input:  { text: Hello, target_lang: ja }
                output: { translation: こんにちは, detected_lang: en }
        """

    /// Every optional field of the schema, in YAML.
    static let fullYAML = """
        # A manifest using every field the schema allows.
        namespace: acme-docs
        display_name: ACME Documents
        website: https://acme.example/
        support_email: support@acme.example
        documentation: https://acme.example/docs
        logo_url: https://acme.example/logo.svg
        capability: document-pipeline
        version: 2.10.3
        description: Invoices, emails and streamed summaries.
        tags: [documents, billing, pdf]
        endpoint: https://api.acme.example/jecp/v1
        streaming: true
        authentication:
          type: api_key
          header_name: X-Acme-Signature
        actions:
          - id: summarize
            name: Summarize
            description: Streams a summary of a document.
            pricing:
              base: $0.0125
              currency: USDC
              model: per_token
              input_per_token_usdc: 0.000001
              output_per_token_usdc: 0.000004
            trust_tier_required: silver
            rate_limit_rpm: 60
            input_schema:
              type: object
              required: [text]
              properties:
                text: { type: string, maxLength: 20000 }
                due: { type: string, format: date }
            output_schema:
              type: object
              properties:
                summary: { type: string }
            examples:
              - input: { text: "Long text" }
                output: { summary: "Short" }
            side_effects:
              external_api_call: true
              stores_data: false
              modifies_state: false
              sends_email: false
            sla:
              latency_p95_ms: 800
              timeout_ms: 120000
          - id: send-invoice
            description: Generates an invoice and emails it.
            pricing:
              base: "$0.05"
              currency: USD
              model: flat
            trust_tier_required: gold
            rate_limit_rpm: 0
            input_schema: { type: object }
            output_schema:
              type: object
              required: [invoice, send]
              properties:
                invoice: { type: object }
                send: { type: object }
            composes:
              max_depth: 1
              on_step_failure: continue
              timeout_total_ms: 90000
              steps:
                - id: invoice
                  call: acme-docs/document-pipeline
                  action: generate-invoice
                  input:
                    client_name: "${input.client_name}"
                    items: "${input.items}"
                - id: send
                  call: communication/send-email
                  action: send
                  input:
                    to: "${input.client_email}"
                    attachments: ["${invoice.pdf_url}"]
          - id: ping
            description: Answers pong, free of charge.
            streaming: false
            pricing: { base: $0, currency: USDC, model: per_call }
            input_schema: {}
            output_schema: {}
        compliance:
          pii_handling: process_only_no_store
          gdpr_compliant: true
          data_residency: [EU, US]
        billing:
          payout_currency: USD
          stripe_connect_required: true
        deprecation:
          status: deprecated
          sunset_at: 2027-01-31T00:00:00Z
          successor_version: 3.0.0
        metadata:
          benchmark: https://acme.example/quality
          nested: { ratio: 0.75, count: 3, flags: [true, false, null] }
        extensions:
          x402: { payout_address: "0xabc" }
        """

    /// ``fullYAML`` as JSON, written independently, to compare `raw` against.
    static let fullJSON = #"""
        {
          "namespace": "acme-docs", "display_name": "ACME Documents",
          "website": "https://acme.example/", "support_email": "support@acme.example",
          "documentation": "https://acme.example/docs", "logo_url": "https://acme.example/logo.svg",
          "capability": "document-pipeline", "version": "2.10.3",
          "description": "Invoices, emails and streamed summaries.",
          "tags": ["documents", "billing", "pdf"],
          "endpoint": "https://api.acme.example/jecp/v1", "streaming": true,
          "authentication": { "type": "api_key", "header_name": "X-Acme-Signature" },
          "actions": [
            {
              "id": "summarize", "name": "Summarize", "description": "Streams a summary of a document.",
              "pricing": { "base": "$0.0125", "currency": "USDC", "model": "per_token",
                           "input_per_token_usdc": 0.000001, "output_per_token_usdc": 0.000004 },
              "trust_tier_required": "silver", "rate_limit_rpm": 60,
              "input_schema": { "type": "object", "required": ["text"],
                                "properties": { "text": { "type": "string", "maxLength": 20000 },
                                                "due": { "type": "string", "format": "date" } } },
              "output_schema": { "type": "object", "properties": { "summary": { "type": "string" } } },
              "examples": [ { "input": { "text": "Long text" }, "output": { "summary": "Short" } } ],
              "side_effects": { "external_api_call": true, "stores_data": false, "modifies_state": false, "sends_email": false },
              "sla": { "latency_p95_ms": 800, "timeout_ms": 120000 }
            },
            {
              "id": "send-invoice", "description": "Generates an invoice and emails it.",
              "pricing": { "base": "$0.05", "currency": "USD", "model": "flat" },
              "trust_tier_required": "gold", "rate_limit_rpm": 0,
              "input_schema": { "type": "object" },
              "output_schema": { "type": "object", "required": ["invoice", "send"],
                                 "properties": { "invoice": { "type": "object" }, "send": { "type": "object" } } },
              "composes": {
                "max_depth": 1, "on_step_failure": "continue", "timeout_total_ms": 90000,
                "steps": [
                  { "id": "invoice", "call": "acme-docs/document-pipeline", "action": "generate-invoice",
                    "input": { "client_name": "${input.client_name}", "items": "${input.items}" } },
                  { "id": "send", "call": "communication/send-email", "action": "send",
                    "input": { "to": "${input.client_email}", "attachments": ["${invoice.pdf_url}"] } }
                ]
              }
            },
            {
              "id": "ping", "description": "Answers pong, free of charge.", "streaming": false,
              "pricing": { "base": "$0", "currency": "USDC", "model": "per_call" },
              "input_schema": {}, "output_schema": {}
            }
          ],
          "compliance": { "pii_handling": "process_only_no_store", "gdpr_compliant": true, "data_residency": ["EU", "US"] },
          "billing": { "payout_currency": "USD", "stripe_connect_required": true },
          "deprecation": { "status": "deprecated", "sunset_at": "2027-01-31T00:00:00Z", "successor_version": "3.0.0" },
          "metadata": { "benchmark": "https://acme.example/quality",
                        "nested": { "ratio": 0.75, "count": 3, "flags": [true, false, null] } },
          "extensions": { "x402": { "payout_address": "0xabc" } }
        }
        """#

    /// The minimal manifest as a JSON value, for tests that edit one field.
    static func minimal() throws -> JSONValue { try JSONValue(parsing: minimalJSON()) }

    /// Validates `manifest` and returns its problems (failing the test if it was accepted).
    static func problems(
        _ manifest: JSONValue, parser: ManifestParser = ManifestParser(), sourceLocation: SourceLocation = #_sourceLocation
    ) -> [ManifestProblem] {
        do {
            _ = try parser.validate(manifest)
            Issue.record("manifest was accepted", sourceLocation: sourceLocation)
            return []
        } catch {
            guard case .invalid(let problems) = error else {
                Issue.record("expected .invalid, got \(error)", sourceLocation: sourceLocation)
                return []
            }
            return problems
        }
    }

    /// Parses a YAML body and returns the syntax message (failing the test otherwise).
    static func syntaxError(
        _ body: String, contentType: String? = "application/x-yaml", sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        do {
            _ = try ManifestParser().parse(Array(body.utf8), contentType: contentType)
            Issue.record("body was accepted", sourceLocation: sourceLocation)
            return ""
        } catch {
            guard case .syntax(let message) = error else {
                Issue.record("expected .syntax, got \(error)", sourceLocation: sourceLocation)
                return ""
            }
            return message
        }
    }
}

extension JSONValue {
    /// A copy with the value at `path` (object keys and array indices) replaced, or removed when nil.
    func setting(_ path: [String], to value: JSONValue?) -> JSONValue {
        guard let first = path.first else { return value ?? .null }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var object):
            if rest.isEmpty, value == nil {
                object[first] = nil
            } else {
                object[first] = (object[first] ?? .object([:])).setting(rest, to: value)
            }
            return .object(object)
        case .array(var array):
            guard let index = Int(first), array.indices.contains(index) else { return self }
            array[index] = array[index].setting(rest, to: value)
            return .array(array)
        default:
            return self
        }
    }
}
