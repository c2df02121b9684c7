import Foundation
import JECPClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An agent's credentials as saved by `register`, `login` and `rotate-key`.
struct AgentCredentials: Equatable, Sendable {
    var id: String
    var apiKey: String
}

/// `config.json`. Agent and provider credentials live in separate objects so that each
/// `logout` variant removes exactly the part it names; keys this version does not know
/// (written by a newer `jecp`) are kept as they are.
struct CLIConfig: Equatable, Sendable {
    var baseURL: String?
    var agent: AgentCredentials?
    /// Provider credentials, read by provider commands only (``providerCredentials()``), so a
    /// malformed section never breaks agent commands; never dropped.
    var provider: JSONValue?
    var unknown: [String: JSONValue] = [:]

    init(baseURL: String? = nil, agent: AgentCredentials? = nil, provider: JSONValue? = nil) {
        self.baseURL = baseURL
        self.agent = agent
        self.provider = provider
    }

    init(json: JSONValue) throws(CLIFailure) {
        guard case .object(var fields) = json else { throw CLIFailure.config("the config file is not a JSON object") }
        if let value = fields.removeValue(forKey: "base_url"), !value.isNull {
            guard let text = value.stringValue else { throw CLIFailure.config("base_url must be a string") }
            baseURL = text
        }
        if let value = fields.removeValue(forKey: "agent"), !value.isNull {
            guard let id = value["id"]?.stringValue, let key = value["api_key"]?.stringValue else {
                throw CLIFailure.config("agent must be an object with id and api_key strings")
            }
            agent = AgentCredentials(id: id, apiKey: key)
        }
        if let value = fields.removeValue(forKey: "provider"), !value.isNull { provider = value }
        unknown = fields
    }

    var json: JSONValue {
        var fields = unknown
        if let baseURL { fields["base_url"] = .string(baseURL) }
        if let agent { fields["agent"] = ["id": .string(agent.id), "api_key": .string(agent.apiKey)] }
        if let provider { fields["provider"] = provider }
        return .object(fields)
    }

    var isEmpty: Bool { baseURL == nil && agent == nil && provider == nil && unknown.isEmpty }
}

/// Reads and writes `$XDG_CONFIG_HOME/jecp/config.json` (default `~/.config/jecp/config.json`).
/// The directory is 0700 and the file 0600; every write goes to a temporary file in the same
/// directory and is renamed over the old one, so a crash never leaves half a file with keys in it.
struct ConfigStore: Sendable {
    let path: String
    var directory: String { (path as NSString).deletingLastPathComponent }

    init(path: String) { self.path = path }

    init(environment: [String: String]) {
        self.init(path: Self.defaultPath(environment: environment))
    }

    static func defaultPath(environment: [String: String]) -> String {
        // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
        let base: String
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = home + "/.config"
        }
        return base + "/jecp/config.json"
    }

    func load() throws(CLIFailure) -> CLIConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw CLIFailure.config("cannot read \(path)") }
            return CLIConfig()
        }
        do {
            return try CLIConfig(json: try JSONValue(parsing: data))
        } catch let error as JSONParseError {
            throw CLIFailure.config("\(path) is not valid JSON (\(error)); fix or delete it")
        } catch let error as CLIFailure {
            throw CLIFailure.config("\(path): \(error.message)")
        } catch {
            throw CLIFailure.config("\(path): \(error)")
        }
    }

    func save(_ config: CLIConfig) throws(CLIFailure) {
        try ensureDirectory()
        let bytes = Array(config.json.prettyPrinted().utf8) + [0x0A]
        let temporary = directory + "/.config.json.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        // O_EXCL + 0600 at creation: the keys are never readable by others, not even for a moment.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw CLIFailure.config("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                written += result
            }
        }
        if failure == nil, fchmod(descriptor, 0o600) != 0 || fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw CLIFailure.config("cannot write \(path): \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw CLIFailure.config("cannot replace \(path): \(message)")
        }
    }

    /// Removes the file (`logout --all`); a missing file is not an error.
    func delete() throws(CLIFailure) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw CLIFailure.config("cannot delete \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func ensureDirectory() throws(CLIFailure) {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIFailure.config("cannot create \(directory): \(error.localizedDescription)")
            }
        } else if !isDirectory.boolValue {
            throw CLIFailure.config("\(directory) exists and is not a directory")
        }
        // Tighten a directory created by someone else (or an older version) with looser permissions.
        guard chmod(directory, 0o700) == 0 else {
            throw CLIFailure.config("cannot set permissions of \(directory): \(String(cString: strerror(errno)))")
        }
    }
}
