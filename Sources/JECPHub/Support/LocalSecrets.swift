import Foundation

/// Secrets the Hub generates on first start and keeps next to its database, readable only by
/// the Hub's user (0600), so a restart keeps the same admin token and key-hashing secret.
enum LocalSecrets {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads `directory/name`, creating it with a fresh random value when absent.
    static func loadOrCreate(_ name: String, in directory: String) throws -> (value: String, path: String, created: Bool) {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard let data = manager.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw Failure(description: "cannot read \(path)")
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard value.count >= 32 else { throw Failure(description: "\(path) is too short to be a secret; delete it to regenerate") }
            return (value, path, false)
        }
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let value = String((0..<48).map { _ in alphabet.randomElement(using: &generator)! })
        guard manager.createFile(atPath: path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "cannot create \(path)")
        }
        return (value, path, true)
    }
}
