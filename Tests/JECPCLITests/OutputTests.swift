import JECPModels
import Testing

@testable import jecp

@Suite struct OutputTests {
    @Test func tablesAlignColumns() {
        var table = Table(["ID", "PRICE", "TAGS"], rightAligned: [1])
        table.append(["hub/document-pipeline", "0.005", "pdf"])
        table.append(["hub/x", "12.5", ""])
        #expect(table.render() == """
            ID                     PRICE  TAGS
            hub/document-pipeline  0.005  pdf
            hub/x                   12.5
            """)
    }

    @Test func colorOnlyOnATerminalWithoutNoColorOrJSON() {
        #expect(Console.colorEnabled(isTTY: true, json: false, environment: [:]))
        #expect(!Console.colorEnabled(isTTY: false, json: false, environment: [:]))
        #expect(!Console.colorEnabled(isTTY: true, json: true, environment: [:]))
        #expect(!Console.colorEnabled(isTTY: true, json: false, environment: ["NO_COLOR": "1"]))
        #expect(Console.colorEnabled(isTTY: true, json: false, environment: ["NO_COLOR": ""]))
        #expect(!Console.colorEnabled(isTTY: true, json: false, environment: ["TERM": "dumb"]))
    }

    @Test func prettyJSONIsSortedAndExact() throws {
        let value: JSONValue = ["b": [1, ["c": 0.005]], "a": "x", "e": [], "d": .object([:])]
        let text = value.prettyPrinted()
        #expect(text == """
            {
              "a": "x",
              "b": [
                1,
                {
                  "c": 0.005
                }
              ],
              "d": {},
              "e": []
            }
            """)
        #expect(try JSONValue(parsing: text) == value)
    }

    @Test func errorEnvelopeShape() {
        let failure = CLIFailure(code: "PAYMENT_REQUIRED", status: 402, message: "Top up.", documentationURL: "https://hub/errors/payment_required",
                                 nextAction: ["type": "topup", "ui": "https://hub/wallet"])
        let envelope = failure.envelope
        #expect(envelope["jecp"] == "1.0")
        #expect(envelope["status"] == "failed")
        #expect(envelope["error"]?["code"] == "PAYMENT_REQUIRED")
        #expect(envelope["error"]?["message"] == "Top up.")
        #expect(envelope["error"]?["details"] == .object([:]))
        #expect(envelope["error"]?["documentation_url"] == "https://hub/errors/payment_required")
        #expect(envelope["next_action"]?["type"] == "topup")
        #expect(failure.exitCode == .payment)
        #expect(CLIFailure.usage("x").envelope["next_action"] == nil)
        #expect(CLIFailure.usage("x").envelope["error"]?["documentation_url"] == .null)
    }

    @Test func nextActionsBecomeCommands() {
        func suggestions(_ code: String, _ action: JSONValue?, retryAfter: Int? = nil, capability: String? = nil) -> [String] {
            ErrorReport.suggestions(for: CLIFailure(code: code, message: "m", nextAction: action, retryAfterSeconds: retryAfter),
                                    context: .init(capability: capability))
        }
        #expect(suggestions("AUTH_REQUIRED", ["type": "register"]).first == "jecp register --name <agent-name>")
        #expect(suggestions("PAYMENT_REQUIRED", ["type": "topup", "ui": "https://hub/wallet", "body_example": ["amount": 5]])
            == ["jecp topup 5", "or top up at https://hub/wallet"])
        #expect(suggestions("RATE_LIMITED", ["type": "wait", "retry_after_seconds": 12]) == ["retry in 12 s"])
        #expect(suggestions("RATE_LIMITED", nil, retryAfter: 7) == ["retry in 7 s"])
        #expect(suggestions("INSUFFICIENT_TRUST", ["type": "earn_trust", "required_tier": "silver", "calls_needed": 90,
                                                   "fallback": ["alternative_capabilities": ["hub/a", "hub/b"]]])
            == ["reach the silver tier (90 more successful calls)", "meanwhile use: hub/a, hub/b"])
        #expect(suggestions("MANDATE_EXPIRED", ["type": "renew_mandate"]).first?.contains("--expires-in") == true)
        #expect(suggestions("INPUT_SCHEMA_VIOLATION", ["type": "lookup_schema", "schema_url": "u"], capability: "hub/x") == ["jecp describe hub/x", "schema: u"])
        #expect(suggestions("INSUFFICIENT_BUDGET", nil).first == "raise --budget")
    }

    @Test func humanErrorListsViolationsAndNextStep() {
        let failure = CLIFailure(code: "INPUT_SCHEMA_VIOLATION", status: 400, message: "Bad input.",
                                 details: ["errors": [["instance_path": "/items", "reason": "is required"]]],
                                 documentationURL: "https://hub/errors/input_schema_violation", nextAction: ["type": "lookup_schema"])
        let text = ErrorReport.render(failure, context: .init(capability: "hub/document-pipeline"))
        #expect(text == """
            error: Bad input. [INPUT_SCHEMA_VIOLATION]
              /items: is required
            next: jecp describe hub/document-pipeline
            docs: https://hub/errors/input_schema_violation
            """)
    }
}
