import NIOCore
import NIOPosix

/// A stub resolver that asks the configured recursive nameservers directly, so the SSRF guard
/// sees every address a name has (getaddrinfo would hide some and consult /etc/hosts).
public struct DNSResolver: Sendable {
    public let servers: [DNSServer]
    public let timeout: Duration
    public let attempts: Int
    private let group: any EventLoopGroup

    /// Each query tries the servers in order, each for `timeout`, for up to `attempts` rounds.
    public init(servers: [DNSServer], timeout: Duration = .seconds(2), attempts: Int = 2) {
        self.servers = servers
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// The A and AAAA addresses of `host` (asked concurrently; IPv4 first), following CNAME chains
    /// in the answers. An IP literal is returned as is, without a query.
    public func addresses(of host: String) async throws(DNSError) -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        let name = try Self.queryName(host)
        async let v4 = self.lookup(name, .a)
        async let v6 = self.lookup(name, .aaaa)
        let results = [await v4, await v6]
        let addresses = results.flatMap { (try? $0.get()) ?? [] }.compactMap { record -> IPAddress? in
            if case .address(let address) = record.data { return address }
            return nil
        }
        if !addresses.isEmpty { return addresses }
        // Nothing usable: report the most telling failure. NXDOMAIN is about the name, whatever the
        // type; "no records" only if both types truly came back empty.
        let errors = results.compactMap { result -> DNSError? in
            if case .failure(let error) = result { return error }
            return nil
        }
        if errors.contains(.nameNotFound) { throw .nameNotFound }
        throw errors.first(where: { $0 != .noRecords }) ?? .noRecords
    }

    /// The TXT records of `name`, each record's character-strings concatenated (RFC 7208 §3.3).
    /// No TXT record → `.noRecords`.
    public func txt(_ name: String) async throws(DNSError) -> [String] {
        let name = try Self.queryName(name)
        let records = try await self.lookup(name, .txt).get()
        return records.compactMap { record in
            guard case .txt(let strings) = record.data else { return nil }
            return String(decoding: strings.joined(), as: UTF8.self)
        }
    }

    /// Lowercase, no trailing dot, sendable as a DNS name, and not the root.
    private static func queryName(_ text: String) throws(DNSError) -> String {
        let name = DNSName.normalize(text)
        guard !(try DNSName.labels(of: name)).isEmpty else { throw .malformed("an empty name cannot be looked up") }
        return name
    }

    /// The records of `type` for `name` or for the end of its CNAME chain; never empty on success.
    private func lookup(_ name: String, _ type: DNSRecordType) async -> Result<[DNSRecord], DNSError> {
        do throws(DNSError) {
            let answer = try await self.query(name, type)
            if answer.rcode == DNSMessage.rcodeNXDomain { throw .nameNotFound }
            var owner = name
            var seen: Set<String> = [name]
            while true {
                let records = answer.answers.filter { $0.name == owner && $0.type == type }
                if !records.isEmpty { return .success(records) }
                guard
                    let alias = answer.answers.first(where: { $0.name == owner && $0.type == .cname }),
                    case .cname(let target) = alias.data,
                    seen.insert(target).inserted
                else { throw .noRecords }
                owner = target
            }
        } catch {
            return .failure(error)
        }
    }

    /// One question, asked of each server in turn until one gives a definitive answer
    /// (NOERROR or NXDOMAIN). Timeouts, socket errors and error rcodes move on to the next server.
    private func query(_ name: String, _ type: DNSRecordType) async throws(DNSError) -> DNSMessage {
        guard !self.servers.isEmpty else { throw .noServers }
        let transport = DNSTransport(group: self.group, timeout: self.timeout)
        var lastError = DNSError.timeout
        for _ in 0..<self.attempts {
            for server in self.servers {
                if Task.isCancelled { throw lastError }
                var query = DNSMessage(id: UInt16.random(in: .min ... .max))
                query.questions = [DNSQuestion(name: name, type: type)]
                do {
                    let answer = try await transport.exchange(query, with: server)
                    if answer.rcode == 0 || answer.rcode == DNSMessage.rcodeNXDomain { return answer }
                    lastError = .serverFailure(rcode: Int(answer.rcode))
                } catch let error as DNSError {
                    lastError = error
                } catch {
                    // Refused, unreachable, closed: to the caller this server simply did not answer.
                    lastError = .timeout
                }
            }
        }
        throw lastError
    }
}
