import ArgumentParser
import Foundation

/// `--hub` and `--json`, on every command.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Hub base URL. Default: $JECP_BASE_URL, then the config file, then \(Settings.defaultHub).",
                                            valueName: "url"))
    var hub: String?

    @Flag(name: .long, help: "Print one JSON document on stdout (errors as the JECP error envelope) and nothing else.")
    var json = false
}

/// What a command needs to run: resolved settings, the config store and the console.
struct CommandContext: Sendable {
    let console: Console
    let store: ConfigStore
    var config: CLIConfig
    let settings: Settings
    let environment: [String: String]

    /// `tolerateBrokenConfig` lets `logout --all` delete a config file that no longer parses.
    init(_ global: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment,
         tolerateBrokenConfig: Bool = false) throws(CLIFailure)
    {
        self.environment = environment
        console = Console(json: global.json, environment: environment)
        store = ConfigStore(environment: environment)
        do {
            config = try store.load()
        } catch where tolerateBrokenConfig {
            config = CLIConfig()
        }
        settings = try Settings.resolve(hubFlag: global.hub, environment: environment, config: config)
    }

    func requireCredentials() throws(CLIFailure) -> AgentCredentials {
        guard let credentials = settings.credentials else { throw CLIFailure.notLoggedIn(hub: settings.hub) }
        return credentials
    }
}

/// Runs a command body and turns every failure into its report and exit status.
enum CommandRunner {
    static func run(_ global: GlobalOptions, context errorContext: ErrorReport.Context = .init(), tolerateBrokenConfig: Bool = false,
                    _ body: (CommandContext) async throws(CLIFailure) -> Void) async throws
    {
        let console = Console(json: global.json)
        do {
            let context = try CommandContext(global, tolerateBrokenConfig: tolerateBrokenConfig)
            try await body(context)
        } catch {
            if !error.isReported { ErrorReport.print(error, console: console, context: errorContext) }
            throw ExitCode(error.exitCode.rawValue)
        }
    }
}
