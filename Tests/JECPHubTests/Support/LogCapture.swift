import Foundation
import Logging
import Testing

/// Every line a test Hub logs, at trace level, so each test proves that no secret reached the
/// logs (DESIGN.md: never an API key, a secret, a mandate's key or a full provenance tag).
final class LogCapture: @unchecked Sendable {
    // Guarded by `lock`; appended from any task that logs.
    private let lock = NSLock()
    private var lines: [String] = []

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func logger(label: String) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    func append(_ line: String) {
        lock.withLock { lines.append(line) }
    }

    /// Secrets of the formats the Hub issues, whoever they belong to, plus the ones named.
    static let patterns = [#"jecp_ak_[A-Za-z0-9]{16,}"#, #"jecp_pk_[A-Za-z0-9]{16,}"#, #"v2:\d+:[0-9a-fA-F]{16,}:[0-9a-fA-F]{64}"#]

    /// Records an issue for every secret found in the captured lines.
    func expectNoSecrets(_ named: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let text = self.text
        for secret in named where !secret.isEmpty && text.contains(secret) {
            Issue.record("a secret reached the logs: \(secret.prefix(6))…", sourceLocation: sourceLocation)
        }
        for pattern in Self.patterns {
            if let range = text.range(of: pattern, options: .regularExpression) {
                Issue.record("a key or provenance tag reached the logs: \(text[range].prefix(12))…", sourceLocation: sourceLocation)
            }
        }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(merged) \(event.source)")
        }
    }
}
