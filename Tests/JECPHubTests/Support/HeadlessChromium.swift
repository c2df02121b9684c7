import Foundation
import JECPModels
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven through the Chrome DevTools Protocol over `--remote-debugging-pipe`:
/// the browser reads commands on fd 3 and writes replies and events on fd 4, each message JSON
/// terminated by a NUL byte. Just enough of the protocol for page tests: open a tab, navigate,
/// evaluate, type, click and capture a screenshot.
final class HeadlessChromium: Sendable {
    /// `JECP_CHROMIUM`, else the Debian package's binary or a usual name on the PATH.
    static let executable: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["JECP_CHROMIUM"] { candidates.append(configured) }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            candidates.append(contentsOf: ["/usr/bin/\(name)"] + path.map { "\($0)/\(name)" })
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Whether the browser tests run: skipped, loudly, only when Chromium is missing outside CI
    /// (`CI` set); CI installs it and must never skip.
    static let isEnabled: Bool = {
        if executable != nil || ProcessInfo.processInfo.environment["CI"] != nil { return true }
        FileHandle.standardError.write(Data("""

            ************************************************************************
            * Chromium not found: the headless browser tests are SKIPPED.          *
            * Install it (Debian: apt-get install -y chromium) or set JECP_CHROMIUM. *
            ************************************************************************

            """.utf8))
        return false
    }()

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private struct State {
        var nextID = 0
        var pending: [Int: CheckedContinuation<JSONValue, any Error>] = [:]
        var closed = false
    }

    private let pid: pid_t
    private let commands: Int32
    private let replies: Int32
    private let profile: String
    private let state = Mutex(State())

    private init(pid: pid_t, commands: Int32, replies: Int32, profile: String) {
        self.pid = pid
        self.commands = commands
        self.replies = replies
        self.profile = profile
    }

    static func launch() throws -> HeadlessChromium {
        guard let executable else { throw Failure(description: "Chromium is not installed (apt-get install -y chromium, or set JECP_CHROMIUM)") }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-chromium-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw Failure(description: "pipe: errno \(errno)") }
        // The parent's ends must not leak into the browser (it would never see end of file).
        _ = fcntl(toBrowser[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fromBrowser[0], F_SETFD, FD_CLOEXEC)
        // Above 4, so placing the child's ends on 3 and 4 cannot clobber one another.
        let childIn = fcntl(toBrowser[0], F_DUPFD_CLOEXEC, 10)
        let childOut = fcntl(fromBrowser[1], F_DUPFD_CLOEXEC, 10)
        Glibc.close(toBrowser[0])
        Glibc.close(fromBrowser[1])
        defer {
            Glibc.close(childIn)
            Glibc.close(childOut)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, profile + "/chromium.log", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_adddup2(&actions, childIn, 3)
        posix_spawn_file_actions_adddup2(&actions, childOut, 4)
        let argv = [executable, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--user-data-dir=\(profile)",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
                    "--window-size=1000,1000", "about:blank"]
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw Failure(description: "cannot start \(executable): errno \(spawned)") }
        let browser = HeadlessChromium(pid: pid, commands: toBrowser[1], replies: fromBrowser[0], profile: profile)
        // A plain thread blocks on the pipe, so no task of the cooperative pool ever does.
        Thread { browser.readReplies() }.start()
        return browser
    }

    /// Sends one command and waits for its reply (`result`), at most `timeout`.
    @discardableResult
    func send(_ method: String, _ params: JSONValue = [:], session: String? = nil, timeout: Duration = .seconds(30)) async throws -> JSONValue {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        var message: [String: JSONValue] = ["id": .number(JSONNumber(id)), "method": .string(method), "params": params]
        if let session { message["sessionId"] = .string(session) }
        let bytes = JSONValue.object(message).serialized() + [0]
        return try await withThrowingTaskGroup(of: JSONValue.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    let closed = self.state.withLock { state in
                        if !state.closed { state.pending[id] = continuation }
                        return state.closed
                    }
                    if closed { continuation.resume(throwing: Failure(description: "the browser is gone")) } else { self.write(bytes) }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                self.state.withLock { $0.pending.removeValue(forKey: id) }?.resume(throwing: Failure(description: "\(method): no reply within \(timeout)"))
                throw Failure(description: "\(method): no reply within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(commands, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    private func readReplies() {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(replies, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            buffer.append(contentsOf: chunk[0..<count])
            while let end = buffer.firstIndex(of: 0) {
                let message = (try? JSONValue(parsing: Array(buffer[..<end]))) ?? .null
                buffer.removeSubrange(...end)
                // Events carry no id; only replies are awaited.
                guard let id = message["id"]?.numberValue?.integerValue else { continue }
                let continuation = state.withLock { $0.pending.removeValue(forKey: Int(id)) }
                if let error = message["error"] {
                    continuation?.resume(throwing: Failure(description: "DevTools error: \(String(decoding: error.serialized(), as: UTF8.self))"))
                } else {
                    continuation?.resume(returning: message["result"] ?? [:])
                }
            }
        }
        // Closed here, not by `close()`: the number must not be reused while this thread may still read it.
        Glibc.close(replies)
        let orphans = state.withLock { state in
            state.closed = true
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        for continuation in orphans { continuation.resume(throwing: Failure(description: "the browser closed its pipe")) }
    }

    /// Stops the browser (closing its command pipe is its signal to quit) and removes its profile.
    func close() {
        Glibc.close(commands)
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) == pid { break }
            usleep(50_000)
        }
        if kill(pid, 0) == 0 {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: profile)
    }

    // MARK: Pages

    /// A new tab, attached with a flat session.
    func newPage() async throws -> Page {
        let target = try await send("Target.createTarget", ["url": "about:blank"])
        let targetID = try target["targetId"]?.stringValue ?? { throw Failure(description: "no targetId") }()
        let attached = try await send("Target.attachToTarget", ["targetId": .string(targetID), "flatten": true])
        let session = try attached["sessionId"]?.stringValue ?? { throw Failure(description: "no sessionId") }()
        return Page(browser: self, session: session)
    }

    struct Page: Sendable {
        let browser: HeadlessChromium
        let session: String

        @discardableResult
        func send(_ method: String, _ params: JSONValue = [:]) async throws -> JSONValue {
            try await browser.send(method, params, session: session)
        }

        func navigate(_ url: String) async throws {
            try await send("Page.navigate", ["url": .string(url)])
            try await waitFor("document.readyState === 'complete' && location.href !== 'about:blank'")
        }

        /// The value of a JavaScript expression in the page.
        func evaluate(_ expression: String) async throws -> JSONValue {
            let reply = try await send("Runtime.evaluate", ["expression": .string(expression), "returnByValue": true])
            if let exception = reply["exceptionDetails"] { throw Failure(description: "\(expression): \(String(decoding: exception.serialized(), as: UTF8.self))") }
            return reply["result"]?["value"] ?? .null
        }

        /// Polls until `condition` is true in the page (navigations included).
        func waitFor(_ condition: String, timeout: Duration = .seconds(15)) async throws {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                // Mid-navigation the context may be gone; that is not an answer yet.
                if (try? await evaluate("Boolean(\(condition))")) == true { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            let url = (try? await evaluate("location.href"))?.stringValue ?? "?"
            throw Failure(description: "timed out waiting for \(condition) (at \(url))")
        }

        /// Focuses the element and types `text` as keyboard input.
        func type(_ selector: String, _ text: String) async throws {
            _ = try await evaluate("document.querySelector(\(Self.quoted(selector))).focus()")
            try await send("Input.insertText", ["text": .string(text)])
        }

        func click(_ selector: String) async throws {
            _ = try await evaluate("document.querySelector(\(Self.quoted(selector))).click()")
        }

        func text(_ selector: String) async throws -> String? {
            try await evaluate("document.querySelector(\(Self.quoted(selector)))?.innerText ?? null").stringValue
        }

        /// Saves a PNG of the viewport to `path`.
        func screenshot(to path: String) async throws {
            let reply = try await send("Page.captureScreenshot", ["format": "png"])
            guard let data = reply["data"]?.stringValue.flatMap({ Data(base64Encoded: $0) }) else { throw Failure(description: "no screenshot data") }
            try data.write(to: URL(fileURLWithPath: path))
        }

        static func quoted(_ text: String) -> String {
            String(decoding: JSONValue.string(text).serialized(), as: UTF8.self)
        }
    }
}
