import JECPClient

/// Turns a failure into what the user sees: the JECP error envelope with `--json`, otherwise the
/// message, the listed violations and the Hub's `next_action` as a command to run next.
enum ErrorReport {
    /// What the failing command was about, to make suggestions concrete.
    struct Context: Sendable {
        /// Whose credentials the command uses: the recovery from an auth error differs.
        enum Account: Sendable { case agent, provider }

        var capability: String?
        var account: Account

        init(capability: String? = nil, account: Account = .agent) {
            self.capability = capability
            self.account = account
        }

        static let provider = Context(account: .provider)
    }

    static func print(_ failure: CLIFailure, console: Console, context: Context = .init()) {
        if console.json {
            console.out(failure.envelope.prettyPrinted())
            return
        }
        console.err(render(failure, context: context, style: { text, styles in console.styled(text, styles, stderr: true) }))
    }

    static func render(_ failure: CLIFailure, context: Context = .init(),
                       style: (String, [Console.Style]) -> String = { text, _ in text }) -> String
    {
        var lines = [style("error:", [.bold, .red]) + " " + failure.message + " " + style("[\(failure.code)]", [.dim])]
        for violation in failure.details["errors"]?.arrayValue ?? [] {
            let path = violation["instance_path"]?.stringValue ?? violation["path"]?.stringValue ?? ""
            let reason = violation["reason"]?.stringValue ?? violation["message"]?.stringValue ?? violation.serializedString()
            lines.append("  " + (path.isEmpty ? "" : path + ": ") + reason)
        }
        let next = suggestions(for: failure, context: context)
        for (offset, suggestion) in next.enumerated() {
            lines.append((offset == 0 ? style("next:", [.bold, .cyan]) : "     ") + " " + suggestion)
        }
        if let url = failure.documentationURL { lines.append(style("docs:", [.dim]) + " " + url) }
        if let id = failure.requestID { lines.append(style("request id:", [.dim]) + " " + id) }
        return lines.joined(separator: "\n")
    }

    /// The recovery as commands and facts, from `next_action` (or the error code when the Hub
    /// sent none).
    static func suggestions(for failure: CLIFailure, context: Context = .init()) -> [String] {
        if context.account == .provider {
            switch failure.code {
            case "AUTH_REQUIRED", "INVALID_API_KEY":
                return ["jecp provider register --namespace <namespace> ...",
                        "or use an existing provider key: export JECP_PROVIDER_KEY=<provider_api_key>"]
            case "DNS_VERIFICATION_FAILED":
                let record = failure.details["dns_record"]
                let zoneLine = record?["zone_line"]?.stringValue
                    ?? failure.details["record_name"]?.stringValue.map { "\($0). 300 IN TXT \"jecp-verify=<token>\"" }
                return ["publish this TXT record, then run jecp provider verify-dns again:"] + (zoneLine.map { ["  " + $0] } ?? [])
            default:
                break
            }
        }
        let action = failure.nextAction
        switch action?["type"]?.stringValue {
        case "register":
            if failure.code == "INVALID_API_KEY" {
                return ["check the credentials (`jecp whoami`), or register a new agent: jecp register --name <agent-name>",
                        "or log in with other credentials: jecp login --agent-id <agent-id> --api-key <api-key>"]
            }
            return ["jecp register --name <agent-name>", "or, with existing credentials: jecp login --agent-id <agent-id> --api-key <api-key>"]
        case "topup":
            let amount = action?["body_example"]?["amount"]?.numberValue?.text
                ?? action?["allowed_amounts_usd"]?.arrayValue?.first?.numberValue?.text
                ?? action?["amount_hint"]?.numberValue?.text ?? "5"
            var lines = ["jecp topup \(amount)"]
            if let url = action?["ui"]?.stringValue ?? action?["url"]?.stringValue ?? action?["api"]?.stringValue {
                lines.append("or top up at \(url)")
            }
            return lines
        case "wait":
            let seconds = action?["retry_after_seconds"]?.numberValue?.integerValue.map(Int.init)
                ?? action?["seconds"]?.numberValue?.integerValue.map(Int.init) ?? failure.retryAfterSeconds
                ?? failure.details["retry_after_seconds"]?.numberValue?.integerValue.map(Int.init)
            return [seconds.map { "retry in \($0) s" } ?? "retry in a moment"]
        case "earn_trust":
            let fallback = action?["fallback"]?["alternative_capabilities"]?.arrayValue?.compactMap(\.stringValue)
                ?? action?["fallback"]?.arrayValue?.compactMap(\.stringValue) ?? []
            var lines: [String] = []
            if let tier = action?["required_tier"]?.stringValue {
                let calls = action?["calls_needed"]?.numberValue?.text
                lines.append("reach the \(tier) tier" + (calls.map { " (\($0) more successful calls)" } ?? ""))
            }
            if !fallback.isEmpty { lines.append("meanwhile use: " + fallback.joined(separator: ", ")) }
            return lines.isEmpty ? ["make more successful calls to raise the trust tier: jecp catalog"] : lines
        case "renew_mandate":
            return ["retry with a fresh mandate and a later expiry, e.g. --expires-in 5m"]
        case "lookup_schema":
            var lines = [context.capability.map { "jecp describe \($0)" } ?? "jecp catalog"]
            if let url = action?["schema_url"]?.stringValue { lines.append("schema: \(url)") }
            return lines
        default:
            switch failure.code {
            case "INSUFFICIENT_BUDGET":
                let required = failure.details["required_usdc"]?.numberValue?.text
                return ["raise --budget" + (required.map { " to at least \($0)" } ?? "")]
            case "RATE_LIMITED", "ROTATION_24H_CAP", "REFUND_DAILY_CAP":
                return [failure.retryAfterSeconds.map { "retry in \($0) s" } ?? "retry later"]
            case "AUTH_REQUIRED":
                return ["jecp register --name <agent-name>", "or, with existing credentials: jecp login --agent-id <agent-id> --api-key <api-key>"]
            case "TIMEOUT", "NETWORK", "NETWORK_ERROR":
                return ["check the Hub URL and that it is running: jecp doctor"]
            default:
                return []
            }
        }
    }
}
