#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A bare HTTP/1.1 client socket on loopback that shows a response as it arrives, byte by byte,
/// which the test clients (they return whole responses) cannot.
final class RawHTTPConnection {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var descriptor: Int32
    private var received: [UInt8] = []

    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close()
            throw Failure(description: "connect() to 127.0.0.1:\(port) failed")
        }
        // Non-blocking, so reads poll and yield instead of holding a thread of the shared pool.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    func send(_ call: SignedCall, path: String = "/jecp") throws {
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(call.body.count)\r\n"
        for field in call.headers { head += "\(field.name.rawName): \(field.value)\r\n" }
        var bytes = Array((head + "\r\n").utf8)
        bytes += call.body
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                guard errno == EAGAIN else { throw Failure(description: "write() failed: \(errno)") }
                continue
            }
            offset += written
        }
    }

    /// Everything received so far, once `done` holds for it; fails after `timeout`.
    func read(until done: (String) -> Bool, timeout: Duration = .seconds(10)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if done(text) { return text }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
                continue
            }
            if count == 0 { throw Failure(description: "connection closed; received so far:\n\(text)") }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { throw Failure(description: "recv() failed: \(errno)") }
            guard ContinuousClock.now < deadline else { throw Failure(description: "timed out; received so far:\n\(text)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func close() {
        if descriptor >= 0 {
            #if canImport(Glibc)
            _ = Glibc.close(descriptor)
            #else
            _ = Darwin.close(descriptor)
            #endif
            descriptor = -1
        }
    }

    deinit { close() }
}
