import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where output goes and how it looks. With `--json` stdout carries exactly one JSON document and
/// stderr stays silent; otherwise results go to stdout and progress/diagnostics to stderr.
struct Console: Sendable {
    enum Style: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36"
    }

    let json: Bool
    let stdoutColor: Bool
    let stderrColor: Bool
    /// A spinner only makes sense for a person watching stderr.
    let showsProgress: Bool

    init(json: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.json = json
        let stdoutTTY = isatty(STDOUT_FILENO) == 1
        let stderrTTY = isatty(STDERR_FILENO) == 1
        stdoutColor = Self.colorEnabled(isTTY: stdoutTTY, json: json, environment: environment)
        stderrColor = Self.colorEnabled(isTTY: stderrTTY, json: json, environment: environment)
        showsProgress = stderrTTY && !json && environment["TERM"] != "dumb"
    }

    /// https://no-color.org: any non-empty NO_COLOR disables color; so do pipes, files, `--json`
    /// and dumb terminals.
    static func colorEnabled(isTTY: Bool, json: Bool, environment: [String: String]) -> Bool {
        guard isTTY, !json else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    // Unbuffered writes to the descriptors: stdout and stderr interleave in the order written.
    func out(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Human-only notes (hints, summaries): suppressed with `--json`.
    func note(_ text: String) {
        if !json { err(text) }
    }

    func styled(_ text: String, _ styles: Style..., stderr: Bool = false) -> String {
        styled(text, styles, stderr: stderr)
    }

    func styled(_ text: String, _ styles: [Style], stderr: Bool = false) -> String {
        guard stderr ? stderrColor : stdoutColor, !styles.isEmpty else { return text }
        return "\u{1B}[" + styles.map(\.rawValue).joined(separator: ";") + "m" + text + "\u{1B}[0m"
    }

    /// Runs `body`, showing a spinner and `label` on stderr while it takes longer than a blink.
    func withProgress<T: Sendable>(_ label: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard showsProgress else { return try await body() }
        return try await withThrowingTaskGroup(of: ProgressOutcome<T>.self) { group in
            group.addTask { .value(try await body()) }
            group.addTask {
                // Quick calls finish before the first frame, so nothing flickers.
                try? await Task.sleep(for: .milliseconds(300))
                let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
                var index = 0
                var drawn = false
                while !Task.isCancelled {
                    FileHandle.standardError.write(Data("\r\(frames[index % frames.count]) \(label)".utf8))
                    drawn = true
                    index += 1
                    try? await Task.sleep(for: .milliseconds(100))
                }
                if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
                return .spinnerStopped
            }
            defer { group.cancelAll() }
            while let outcome = try await group.next() {
                if case .value(let value) = outcome {
                    group.cancelAll()
                    // Wait for the spinner to erase its line before anything else is printed.
                    while (try? await group.next()) != nil {}
                    return value
                }
            }
            preconditionFailure("the body task always produces a value or throws")
        }
    }
}

private enum ProgressOutcome<T: Sendable>: Sendable {
    case value(T)
    case spinnerStopped
}
