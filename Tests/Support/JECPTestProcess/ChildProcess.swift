import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process for tests, on posix_spawn, instead of Foundation's `Process`.
///
/// Why not `Process`: on Linux (Swift 6.3) `Process.run()` scans `/proc/self/fd` with a
/// `dirent.d_name` copy that reads past glibc's buffer and crashes the whole test run now and
/// then, more often the more descriptors the process has open (a parallel suite has many).
/// Here the child closes every inherited descriptor above stderr through glibc's
/// `posix_spawn_file_actions_addclosefrom_np`, and our own pipe ends are close-on-exec.
public final class ChildProcess: @unchecked Sendable {
    public enum Input: Sendable {
        case null
        case bytes([UInt8])
    }

    public enum Output: Sendable {
        case capture
        case null
        /// Truncated or created.
        case file(String)
    }

    public enum ErrorOutput: Sendable {
        case capture
        case null
        /// Into whatever standard output goes to.
        case toOutput
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    public let processIdentifier: pid_t
    // Everything below is guarded by `condition`: written by the reader and reaper threads.
    private let condition = NSCondition()
    private var stdoutBytes: [UInt8] = []
    private var stderrBytes: [UInt8] = []
    private var openStreams = 0
    private var status: Int32?

    /// Starts `executable` (a path) with `arguments`; `environment` nil inherits this process's.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Input = .null,
                output: Output = .capture, errors: ErrorOutput = .capture) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32] = []  // closed in the parent after the spawn
        var readers: [(fd: Int32, isError: Bool)] = []
        var stdinWriter: Int32?

        func makePipe() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard Self.pipe2(&fds, O_CLOEXEC) == 0 else { throw Failure(description: "pipe2: errno \(errno)") }
            return (fds[0], fds[1])
        }
        /// The child's `target` (1 or 2) writes into a pipe that a reader thread drains.
        func capture(_ target: Int32) throws {
            let pipe = try makePipe()
            posix_spawn_file_actions_adddup2(&actions, pipe.write, target)
            parentEnds.append(pipe.write)
            readers.append((pipe.read, target == 2))
        }
        switch input {
        case .null:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .bytes:
            let pipe = try makePipe()
            posix_spawn_file_actions_adddup2(&actions, pipe.read, 0)
            parentEnds.append(pipe.read)
            stdinWriter = pipe.write
        }
        switch output {
        case .capture:
            try capture(1)
        case .null:
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        switch errors {
        case .capture:
            try capture(2)
        case .null:
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        case .toOutput:
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let closeFrom = Self.addCloseFrom {
            _ = closeFrom(&actions, 3)
        }

        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned: Int32
        if let environment {
            var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { envp.forEach { free($0) } }
            spawned = posix_spawn(&pid, executable, &actions, nil, &argv, &envp)
        } else {
            spawned = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
        }
        for fd in parentEnds { close(fd) }
        guard spawned == 0 else {
            readers.forEach { close($0.fd) }
            stdinWriter.map { _ = close($0) }
            throw Failure(description: "cannot start \(executable): errno \(spawned)")
        }
        processIdentifier = pid
        let child = pid
        openStreams = readers.count

        if let stdinWriter, case .bytes(let bytes) = input {
            Thread.detachNewThread {
                bytes.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let written = write(stdinWriter, buffer.baseAddress! + offset, buffer.count - offset)
                        if written <= 0 { break }
                        offset += written
                    }
                }
                close(stdinWriter)
            }
        }
        for reader in readers {
            Thread.detachNewThread { [self] in self.drain(reader.fd, isError: reader.isError) }
        }
        Thread.detachNewThread { [self] in
            var raw: Int32 = 0
            while waitpid(child, &raw, 0) == -1 && errno == EINTR {}
            // As Foundation reports it: the exit code, or the signal that ended it.
            let code = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : raw & 0x7f
            condition.withLock {
                status = code
                condition.broadcast()
            }
        }
    }

    private func drain(_ fd: Int32, isError: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            condition.withLock {
                if isError { stderrBytes += buffer[..<count] } else { stdoutBytes += buffer[..<count] }
            }
        }
        close(fd)
        condition.withLock {
            openStreams -= 1
            condition.broadcast()
        }
    }

    /// Close-on-exec from the start, so no other child spawned meanwhile inherits our pipe ends
    /// (glibc has it; the Swift Glibc module does not declare it).
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private static let pipe2: Pipe2 = unsafeBitCast(dlsym(nil, "pipe2")!, to: Pipe2.self)

    /// glibc ≥ 2.34 has it, but the Swift Glibc module does not declare it.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }

    public var isRunning: Bool { condition.withLock { status == nil } }

    /// The exit code (or the terminating signal); only after the process ended.
    public var terminationStatus: Int32 {
        condition.withLock {
            precondition(status != nil, "the process is still running")
            return status!
        }
    }

    /// What it wrote to standard output so far (everything, after `waitUntilExit`).
    public var standardOutput: [UInt8] { condition.withLock { stdoutBytes } }
    public var standardError: [UInt8] { condition.withLock { stderrBytes } }
    public var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
    public var errorText: String { String(decoding: standardError, as: UTF8.self) }

    public func terminate() { kill(processIdentifier, SIGTERM) }
    public func signal(_ signal: Int32) { kill(processIdentifier, signal) }

    /// Blocks until the process ended and its captured output was read to the end.
    public func waitUntilExit() {
        condition.withLock {
            while status == nil || openStreams > 0 { condition.wait() }
        }
    }

    /// Waits without blocking a thread until it ended and its captured output was read; false if
    /// that has not happened after `seconds`.
    public func waitForExit(seconds: Double = 20) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !isFinished, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return isFinished
    }

    private var isFinished: Bool { condition.withLock { status != nil && openStreams == 0 } }

    /// Runs to completion: exit status and captured output.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Input = .null)
        throws -> (status: Int32, output: [UInt8], errors: [UInt8])
    {
        let child = try ChildProcess(executable, arguments, environment: environment, input: input)
        child.waitUntilExit()
        return (child.terminationStatus, child.standardOutput, child.standardError)
    }
}
