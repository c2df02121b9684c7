import ArgumentParser
import Foundation
import JECPClient

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the setup: Hub reachable, agent guide valid, credentials working, clock in sync, config file private.")

    @OptionGroup var global: GlobalOptions

    /// Provenance timestamps more than this far from the Hub's clock are rejected (spec 02).
    static let maximumSkewSeconds = 300.0

    struct Check: Sendable {
        var name: String
        var ok: Bool
        var detail: String
        var hint: String?
        var failure: CLIFailure?

        var json: JSONValue {
            ["name": .string(name), "ok": .bool(ok), "detail": .string(detail), "hint": hint.map { .string($0) } ?? .null]
        }
    }

    func run() async throws {
        try await CommandRunner.run(global) { context throws(CLIFailure) in
            let checks = await Self.checks(context)
            let console = context.console
            let passed = checks.allSatisfy(\.ok)
            if console.json {
                context.emit(["jecp": "1.0", "status": passed ? "ok" : "failed", "hub": .string(context.settings.hub),
                              "checks": .array(checks.map(\.json))])
            } else {
                let width = checks.map(\.name.count).max() ?? 0
                for check in checks {
                    let mark = check.ok ? console.styled("✓", .green) : console.styled("✗", .red)
                    console.out("\(mark) \(check.name)\(String(repeating: " ", count: width - check.name.count))  \(check.detail)")
                    if let hint = check.hint { console.out("  \(String(repeating: " ", count: width))  " + console.styled("hint: ", .yellow) + hint) }
                }
            }
            if let failed = checks.first(where: { !$0.ok }) {
                throw CLIFailure.reported(exitCode: failed.failure?.exitCode ?? .other)
            }
        }
    }

    static func checks(_ context: CommandContext) async -> [Check] {
        let hub = context.settings.hub
        var checks: [Check] = []
        let source = context.settings.hubSource == .none ? "default" : context.settings.hubSource.rawValue
        // 1. Reachable, and the Hub's clock from its Date header.
        let started = ContinuousClock.now
        var hubDate: Date?
        var reachable = false
        do throws(CLIFailure) {
            // One short attempt: a doctor should answer quickly, also when nothing listens.
            hubDate = try await context.withClient(anonymous: true, timeout: .seconds(5), retryPolicy: .none) { client throws(CLIFailure) in
                try await context.call("Contacting \(hub)") { () async throws -> Date? in try await client.hubDate() }
            }
            let elapsed = ContinuousClock.now - started
            let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            reachable = true
            checks.append(Check(name: "hub reachable", ok: true, detail: "\(hub) answered in \(milliseconds) ms"))
        } catch {
            checks.append(Check(name: "hub reachable", ok: false, detail: "\(hub) (\(source)): \(error.message)",
                                hint: "start the Hub or point --hub / JECP_BASE_URL at a running one", failure: error))
        }
        // 2. The agent guide.
        if reachable {
            do throws(CLIFailure) {
                let guide = try await context.call("Reading the agent guide") { () async throws -> AgentGuide in try await JECPClient.discover(hub: hub) }
                let version = guide.raw["version"]?.stringValue
                if guide.raw["register_endpoint"]?.stringValue != nil || guide.registrationURL != nil, version != nil {
                    checks.append(Check(name: "agent guide", ok: true,
                                        detail: "\(guide.hubName ?? "unnamed Hub"), JECP \(version ?? "?"), \(guide.raw["supported_capabilities"]?.arrayValue.map { "\($0.count / 2) capabilities" } ?? "capabilities listed")"))
                } else {
                    checks.append(Check(name: "agent guide", ok: false, detail: "/.well-known/agent-guide.json lacks version or register_endpoint",
                                        hint: "this URL may not be a JECP Hub", failure: CLIFailure(code: "INVALID_RESPONSE", message: "invalid agent guide", exitCode: .server)))
                }
            } catch {
                checks.append(Check(name: "agent guide", ok: false, detail: error.message, hint: "this URL may not be a JECP Hub, or its guide is broken",
                                    failure: error))
            }
        } else {
            checks.append(Check(name: "agent guide", ok: false, detail: "skipped: the Hub is unreachable", failure: nil))
        }
        // 3. Credentials.
        if let credentials = context.settings.credentials {
            if reachable {
                do throws(CLIFailure) {
                    let profile = try await context.withClient { client throws(CLIFailure) in
                        try await context.call("Checking the credentials") { () async throws -> AgentProfile in try await client.me() }
                    }
                    checks.append(Check(name: "credentials", ok: true,
                                        detail: "\(profile.agentID)\(profile.name.map { " (\($0))" } ?? ""), tier \(profile.tier?.rawValue ?? "?"), balance \(profile.balance.decimalString) USDC"))
                } catch {
                    checks.append(Check(name: "credentials", ok: false, detail: "\(credentials.id): \(error.message)",
                                        hint: ErrorReport.suggestions(for: error).first ?? "jecp login --agent-id <id> --api-key <key>", failure: error))
                }
            } else {
                checks.append(Check(name: "credentials", ok: false, detail: "skipped: the Hub is unreachable"))
            }
        } else {
            checks.append(Check(name: "credentials", ok: false, detail: "none saved or in the environment",
                                hint: "jecp register --name <agent-name>, or jecp login --agent-id <id> --api-key <key>",
                                failure: CLIFailure.notLoggedIn(hub: hub)))
        }
        // 4. Clock skew against the Hub's Date header (1 s resolution).
        if let hubDate {
            let skew = Date().timeIntervalSince(hubDate)
            let text = String(format: "%+.0f s", skew)
            checks.append(abs(skew) <= maximumSkewSeconds + 1
                ? Check(name: "clock", ok: true, detail: "\(text) from the Hub (limit ±\(Int(maximumSkewSeconds)) s)")
                : Check(name: "clock", ok: false, detail: "\(text) from the Hub, beyond ±\(Int(maximumSkewSeconds)) s: signed mandates will be rejected",
                        hint: "synchronize the system clock (e.g. enable NTP)", failure: CLIFailure(code: "CLOCK_SKEW", message: "clock skew", exitCode: .other)))
        } else if reachable {
            checks.append(Check(name: "clock", ok: false, detail: "the Hub sent no Date header", hint: "check the proxy in front of the Hub",
                                failure: CLIFailure(code: "INVALID_RESPONSE", message: "no Date header", exitCode: .server)))
        } else {
            checks.append(Check(name: "clock", ok: false, detail: "skipped: the Hub is unreachable"))
        }
        // 5. The config file keeps keys private.
        let path = context.store.path
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path), let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue {
            let ok = mode & 0o077 == 0
            checks.append(Check(name: "config file", ok: ok, detail: "\(path) (\(String(mode, radix: 8)))",
                                hint: ok ? nil : "chmod 600 \(path)", failure: ok ? nil : CLIFailure.config("config file readable by others")))
        } else {
            checks.append(Check(name: "config file", ok: true, detail: "\(path) (not created yet)"))
        }
        return checks
    }
}

