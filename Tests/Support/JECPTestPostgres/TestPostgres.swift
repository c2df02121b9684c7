import Foundation

/// A throwaway PostgreSQL cluster for the tests, started once per test process from the
/// installed server binaries (initdb into a temporary directory, listening on a Unix socket
/// and a loopback port) and removed when the process exits.
///
/// PostgreSQL refuses to run as root, so as root the server runs as `nobody`. Durability is off
/// (`fsync=off`): these tests prove behaviour, not crash safety. Each test gets its own database.
public actor TestPostgres {
    public static let shared = TestPostgres()

    public struct Server: Sendable {
        /// The directory holding the server's Unix socket.
        public let socketDirectory: String
        public let port: Int
        public let user: String
        public let binaries: String
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    private var started: Result<Server, Unavailable>?

    /// The directory with `initdb`, `pg_ctl` and `createdb`, if PostgreSQL's server is installed.
    public static let binaries: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["JECP_PG_BIN"] { candidates.append(configured) }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) { candidates.append("/usr/lib/postgresql/\(version)/bin") }
        candidates.append(contentsOf: ["/usr/local/pgsql/bin", "/usr/local/bin", "/usr/bin", "/opt/homebrew/bin"])
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") && FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl") }
    }()

    /// Whether the PostgreSQL tests run. They are skipped, loudly, only when the server binaries
    /// are missing and this is not CI (`CI` set): CI installs them and must never skip.
    public static let isEnabled: Bool = {
        if binaries != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        FileHandle.standardError.write(Data("""

            ************************************************************************
            * PostgreSQL server binaries not found: the PostgreSQL tests are SKIPPED. *
            * Install them (Debian: apt-get install -y postgresql) or set JECP_PG_BIN. *
            ************************************************************************

            """.utf8))
        return false
    }()

    /// Starts the cluster on first use.
    public func server() throws(Unavailable) -> Server {
        if started == nil { started = Result { () throws(Unavailable) in try Self.start() } }
        return try started!.get()
    }

    /// A new empty database on the shared cluster.
    public func createDatabase() throws(Unavailable) -> (server: Server, database: String) {
        let server = try server()
        let name = "jecp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try Self.run(server.binaries + "/createdb", ["-h", server.socketDirectory, "-p", String(server.port), "-U", server.user, String(name)],
                     what: "createdb")
        return (server, String(name))
    }

    /// Runs SQL with `psql` on `database` in the background (for holding locks while a test
    /// watches the Hub); returns the process id to wait for with ``waitForExit(_:)``.
    public func psqlInBackground(database: String, _ sql: String) throws(Unavailable) -> pid_t {
        let server = try server()
        return try Self.spawn([server.binaries + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.socketDirectory, "-p", String(server.port),
                               "-U", server.user, "-d", database, "-c", sql], output: "/dev/null", what: "psql")
    }

    /// Runs one SQL statement with `psql` on `database` and returns its unaligned, tuples-only output.
    public func psql(database: String, _ sql: String) throws(Unavailable) -> String {
        let server = try server()
        return try Self.run(server.binaries + "/psql", ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.socketDirectory,
                                                         "-p", String(server.port), "-U", server.user, "-d", database, "-c", sql], what: "psql")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public nonisolated static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }

    // MARK: Cluster lifecycle

    nonisolated(unsafe) private static var clusterDirectory: String?

    private static func start() throws(Unavailable) -> Server {
        guard let binaries else {
            throw Unavailable(description: "PostgreSQL server binaries not found (apt-get install -y postgresql, or set JECP_PG_BIN)")
        }
        removeStaleClusters()
        let base = "/tmp/jecp-pg-\(getpid())-\(UUID().uuidString.prefix(8))"
        let data = base + "/data"
        do {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            try String(getpid()).write(toFile: base + "/owner.pid", atomically: true, encoding: .utf8)
        } catch {
            throw Unavailable(description: "cannot create \(base): \(error)")
        }
        let asRoot = getuid() == 0
        if asRoot { try run("/bin/chown", ["nobody:nogroup", base], what: "chown") }
        let user = "jecp"
        try run(binaries + "/initdb", ["-D", data, "-U", user, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], what: "initdb",
                asNobody: asRoot)
        clusterDirectory = base
        atexit { TestPostgres.stopCluster() }
        var lastError: Unavailable?
        for attempt in 0..<5 {
            let port = 20_000 + Int((UInt32(getpid()) &+ UInt32(attempt) &* 7_919) % 30_000)
            let options = "-k \(base) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                + "-c full_page_writes=off -c max_connections=500 -c shared_buffers=64MB"
            do {
                try run(binaries + "/pg_ctl", ["-D", data, "-l", base + "/server.log", "-w", "-t", "30", "-o", options, "start"],
                        what: "pg_ctl start", asNobody: asRoot)
                return Server(socketDirectory: base, port: port, user: user, binaries: binaries)
            } catch {
                lastError = error
            }
        }
        let log = (try? String(contentsOfFile: base + "/server.log", encoding: .utf8)) ?? ""
        throw Unavailable(description: "\(lastError?.description ?? "pg_ctl start failed")\n\(log.suffix(2_000))")
    }

    /// At exit: no child processes (Foundation's `Process` cannot be waited on while the
    /// process exits), just SIGQUIT to the postmaster, PostgreSQL's immediate shutdown.
    private static func stopCluster() {
        guard let base = clusterDirectory else { return }
        stopPostmaster(in: base)
        try? FileManager.default.removeItem(atPath: base)
    }

    private static func stopPostmaster(in base: String) {
        guard let pidFile = try? String(contentsOfFile: base + "/data/postmaster.pid", encoding: .utf8),
            let pid = pidFile.split(separator: "\n").first.flatMap({ Int32($0) })
        else { return }
        kill(pid, SIGQUIT)
        // Its children exit within milliseconds; wait so the directory can be removed whole.
        for _ in 0..<200 where kill(pid, 0) == 0 { usleep(10_000) }
    }

    /// Clusters left by test processes that died without their exit handler.
    private static func removeStaleClusters() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") else { return }
        for entry in entries where entry.hasPrefix("jecp-pg-") {
            let base = "/tmp/" + entry
            guard let owner = (try? String(contentsOfFile: base + "/owner.pid", encoding: .utf8)).flatMap({ Int32($0) }),
                kill(owner, 0) != 0
            else { continue }
            stopPostmaster(in: base)
            try? FileManager.default.removeItem(atPath: base)
        }
    }

    /// Runs a program to completion with posix_spawn and waitpid; its output goes to a file (a
    /// pipe would stay open in the server that `pg_ctl start` leaves running).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], what: String, asNobody: Bool = false) throws(Unavailable) -> String {
        let argv = asNobody ? ["/usr/sbin/runuser", "-u", "nobody", "--", executable] + arguments : [executable] + arguments
        let outputPath = "/tmp/jecp-pg-output-\(getpid())-\(UUID().uuidString.prefix(8)).log"
        defer { unlink(outputPath) }
        let status = waitForExit(try spawn(argv, output: outputPath, what: what))
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw Unavailable(description: "\(what) failed (status \(status)): \(text.suffix(2_000))")
        }
        return text
    }

    static func spawn(_ argv: [String], output: String, what: String) throws(Unavailable) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw Unavailable(description: "\(what): cannot start \(argv[0]): errno \(spawned)") }
        return pid
    }
}

/// The stores the tests run against: every contract and money test runs on both.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    /// Both where PostgreSQL can run here; SQLite alone (after a loud warning) where it cannot.
    public static var available: [StoreBackend] { TestPostgres.isEnabled ? allCases : [.sqlite] }

    public var description: String { rawValue }
}
