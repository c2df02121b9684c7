import ArgumentParser
import Foundation

/// `jecp`: a person's terminal client for a JECP Hub.
struct JECPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jecp",
        abstract: "Use a JECP Hub from the terminal: register an agent, discover and invoke paid capabilities, manage the wallet; "
            + "as a provider, publish capabilities (jecp provider).",
        discussion: """
            Every command takes --hub URL and --json. With --json, stdout carries exactly one JSON document \
            (errors as the JECP error envelope) and nothing else is printed.

            CONFIGURATION:
              $XDG_CONFIG_HOME/jecp/config.json (default ~/.config/jecp/), mode 0600.
              Overrides: JECP_BASE_URL, JECP_AGENT_ID, JECP_API_KEY, JECP_PROVIDER_KEY; --hub wins.
              NO_COLOR=1 disables color. JECP_LOG_LEVEL=debug shows SDK logs.

            \(CLIExitCode.helpText)
            """,
        version: "0.1.0",
        subcommands: commands
    )
}

/// The entry point: argument-parser's own `main()` would exit with 64 on usage errors and could
/// not print a JSON envelope for them, so parsing errors are mapped here.
@main
enum JECPMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try JECPCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            // Commands report their own failures before throwing the status.
            Foundation.exit(exit.rawValue)
        } catch {
            let status = JECPCommand.exitCode(for: error)
            guard status != .success else { JECPCommand.exit(withError: error) }  // --help, --version
            let usage = status == .validationFailure
            let message = JECPCommand.message(for: error)
            if arguments.contains("--json") {
                let failure = usage ? CLIFailure.usage(message) : CLIFailure(code: "CLI_ERROR", message: message, exitCode: .other)
                ErrorReport.print(failure, console: Console(json: true))
                Foundation.exit((usage ? CLIExitCode.usage : CLIExitCode.other).rawValue)
            }
            FileHandle.standardError.write(Data((JECPCommand.fullMessage(for: error) + "\n").utf8))
            Foundation.exit((usage ? CLIExitCode.usage : CLIExitCode.other).rawValue)
        }
    }
}
