#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A nameserver to query: an IP literal (canonical text, no brackets) and a port.
public struct DNSServer: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 53) {
        self.host = host
        self.port = port
    }

    /// `1.2.3.4:53`, `[::1]:5353`.
    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

public enum DNSServers {
    /// Why a server list could not be read.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { self.message }
    }

    /// Reads `JECP_DNS_SERVERS`: comma-separated `host[:port]`, where host is an IP literal
    /// (IPv6 as `[::1]:5353` or bare `::1`) and port defaults to 53.
    public static func parse(_ text: String) throws -> [DNSServer] {
        var servers: [DNSServer] = []
        for rawEntry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = trimmed(rawEntry)
            guard !entry.isEmpty else {
                throw ParseError(message: "DNS server list \"\(text)\" has an empty entry")
            }
            servers.append(try self.parseEntry(entry))
        }
        return servers
    }

    private static func parseEntry(_ entry: String) throws -> DNSServer {
        let hostText: Substring
        var portText: Substring?
        if entry.hasPrefix("[") {
            guard let close = entry.firstIndex(of: "]") else {
                throw ParseError(message: "DNS server \"\(entry)\": missing \"]\" after the IPv6 address")
            }
            hostText = entry[entry.index(after: entry.startIndex)..<close]
            let rest = entry[entry.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else {
                    throw ParseError(message: "DNS server \"\(entry)\": expected \":port\" after \"]\"")
                }
                portText = rest.dropFirst()
            }
        } else if entry.filter({ $0 == ":" }).count > 1 {
            hostText = entry[...]  // a bare IPv6 address takes no port
        } else if let colon = entry.firstIndex(of: ":") {
            hostText = entry[..<colon]
            portText = entry[entry.index(after: colon)...]
        } else {
            hostText = entry[...]
        }
        guard let address = IPAddress(String(hostText)) else {
            throw ParseError(message: "DNS server \"\(entry)\": \"\(hostText)\" is not an IP address")
        }
        if entry.hasPrefix("["), address.isIPv4 {
            throw ParseError(message: "DNS server \"\(entry)\": brackets are only for IPv6 addresses")
        }
        var port = 53
        if let portText {
            guard let value = Int(portText), portText.allSatisfy({ $0.isASCII && $0.isNumber }), (1...65535).contains(value) else {
                throw ParseError(message: "DNS server \"\(entry)\": port \"\(portText)\" is not in 1...65535")
            }
            port = value
        }
        return DNSServer(host: address.description, port: port)
    }

    /// The `nameserver` lines of resolv.conf (entries with a zone, such as `fe80::1%eth0`, are
    /// skipped); 127.0.0.1:53 when there are none or the file cannot be read.
    public static func system(resolvConf path: String = "/etc/resolv.conf") -> [DNSServer] {
        let fallback = [DNSServer(host: "127.0.0.1")]
        guard let data = FileManager.default.contents(atPath: path) else { return fallback }
        var servers: [DNSServer] = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver", let address = IPAddress(String(fields[1])) else {
                continue
            }
            servers.append(DNSServer(host: address.description))
        }
        return servers.isEmpty ? fallback : servers
    }
}

private func trimmed(_ text: Substring) -> String {
    guard let first = text.firstIndex(where: { !$0.isWhitespace }),
        let last = text.lastIndex(where: { !$0.isWhitespace })
    else { return "" }
    return String(text[first...last])
}
