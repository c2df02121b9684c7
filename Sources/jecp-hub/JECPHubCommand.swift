import Configuration
import Foundation
import Hummingbird
import JECPHub
import JECPHubCore
import JECPStorePostgres

/// `jecp-hub [options]` runs the Hub; `jecp-hub ledger verify` checks the ledger's invariants.
/// Options are the configuration keys as flags (`--http-port 9000`) or environment variables
/// (`HTTP_PORT=9000`); flags win.
@main
struct JECPHubCommand {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let subcommand = arguments.prefix { !$0.hasPrefix("-") }
        let reader = ConfigReader(providers: [
            CommandLineArgumentsProvider(arguments: [CommandLine.arguments[0]] + arguments.dropFirst(subcommand.count)),
            EnvironmentVariablesProvider(),
        ])
        do {
            switch Array(subcommand) {
            case []: try await serve(reader: reader)
            case ["ledger", "verify"]: exit(try await verify(reader: reader))
            case ["migrate"]:
                try await migrateDatabase(reader: reader)
                print("migrate: the database schema is up to date")
            case let command where command.count == 2 && command[0] == "import-sqlite":
                let violations = try await importSQLite(path: command[1], reader: reader) { print("import-sqlite: \($0)") }
                for violation in violations { print("VIOLATION \(violation)") }
                print(violations.isEmpty ? "import-sqlite: done; all ledger invariants hold" : "import-sqlite: \(violations.count) violation(s)")
                exit(violations.isEmpty ? 0 : 1)
            case ["help"]: print(usage)
            default:
                fail("unknown command '\(subcommand.joined(separator: " "))'\n\n\(usage)")
            }
        } catch let error as HubConfiguration.Invalid {
            fail("configuration: \(error.description)")
        } catch {
            fail("\(error)")
        }
    }

    static let usage = """
        usage: jecp-hub [--http-host H] [--http-port P] [--db-sqlite-path PATH] ...   run the Hub
               jecp-hub ledger verify [--db-sqlite-path PATH]                        check ledger invariants
               jecp-hub migrate                                                       update the database schema and stop
               jecp-hub import-sqlite PATH   (with DB_KIND=postgres)                  copy an embedded Hub's data into PostgreSQL
        Every option is also an environment variable: HTTP_PORT, DB_SQLITE_PATH, JECP_PUBLIC_URL, ... (see README).
        """

    static func serve(reader: ConfigReader) async throws {
        let (application, info) = try await buildApplication(reader: reader) { port in
            say("JECP Hub listening on http://\(hostForDisplay(reader)):\(port)")
        }
        let configuration = info.configuration
        say("""
            JECP Hub \(configuration.settings.hubName) starting
              public URL:  \(configuration.settings.publicURL)
              database:    \(configuration.postgres?.redactedDescription ?? configuration.sqlitePath)
              admin token: \(info.adminTokenSource)
              model:       \(configuration.languageModel.map { "\($0)" } ?? "none (translate, rewrite, generate-social unavailable)")
              try:         curl -s -X POST \(configuration.settings.publicURL)/api/agent/register -H 'Content-Type: application/json' -d '{"name":"my-first-agent"}'
            """)
        try await application.runService()
    }

    static func hostForDisplay(_ reader: ConfigReader) -> String {
        let host = reader.string(forKey: "http.host", default: "127.0.0.1")
        return host.contains(":") ? "[\(host)]" : host
    }

    static func verify(reader: ConfigReader) async throws -> Int32 {
        let violations = try await verifyLedger(reader: reader)
        if violations.isEmpty {
            print("ledger verify: all invariants hold")
            return 0
        }
        for violation in violations { print("VIOLATION \(violation)") }
        print("ledger verify: \(violations.count) violation(s)")
        return 1
    }

    /// Unbuffered, so the banner shows up immediately even when stdout is a pipe.
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("jecp-hub: \(message)\n".utf8))
        exit(2)
    }
}
