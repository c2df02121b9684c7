import JECPOutbound
import Synchronization

/// The server's records and counters, shared by the actor (which changes them) and the channel
/// handlers (which answer from them on the event loop).
final class TestZone: Sendable {
    enum Answer {
        case fixed([TestDNSServer.Record])
        /// `next`: position per query type.
        case sequence([[TestDNSServer.Record]], next: [UInt16: Int])
    }

    struct State {
        var answers: [String: Answer] = [:]
        var truncated: Set<String> = []
        var silenced: Set<String> = []
        var spoofed: Set<String> = []
        var failing: [String: UInt8] = [:]
        var queries: [String: Int] = [:]
        var tcpQueries: [String: Int] = [:]

        /// The records for a query of `name`, advancing a sequence if `advance`.
        mutating func records(_ name: String, _ type: DNSRecordType, advance: Bool) -> [TestDNSServer.Record]? {
            switch self.answers[name] {
            case nil:
                return nil
            case .fixed(let records):
                return records
            case .sequence(let list, var next):
                let position = next[type.rawValue, default: 0]
                if advance {
                    next[type.rawValue] = position + 1
                    self.answers[name] = .sequence(list, next: next)
                }
                return list[min(position, list.count - 1)]
            }
        }
    }

    private let state = Mutex(State())

    func update(_ body: (inout State) -> Void) {
        self.state.withLock { body(&$0) }
    }

    func read<T: Sendable>(_ body: (State) -> T) -> T {
        self.state.withLock { body($0) }
    }

    /// The messages to send back for one query (none: stay silent).
    func respond(to bytes: [UInt8], overTCP: Bool) -> [[UInt8]] {
        guard let query = try? DNSMessage(decoding: bytes), !query.isResponse, let question = query.questions.first
        else { return [] }
        let name = TestDNSServer.key(question.name)
        return self.state.withLock { state -> [[UInt8]] in
            state.queries[name, default: 0] += 1
            if overTCP { state.tcpQueries[name, default: 0] += 1 }
            if state.silenced.contains(name) { return [] }

            var response = DNSMessage(id: query.id)
            response.isResponse = true
            response.isAuthoritative = true
            response.recursionDesired = query.recursionDesired
            response.recursionAvailable = true
            response.questions = [question]
            if let rcode = state.failing[name] {
                response.rcode = rcode
                return [(try? response.encode()) ?? []]
            }
            if !overTCP && state.truncated.contains(name) {
                response.isTruncated = true
                return [(try? response.encode()) ?? []]
            }
            guard var records = state.records(name, question.type, advance: true) else {
                response.rcode = DNSMessage.rcodeNXDomain
                return [(try? response.encode()) ?? []]
            }
            // Chase CNAMEs inside the zone, as a recursive resolver would.
            var owner = name
            for _ in 0..<8 {
                let direct = records.compactMap { Self.wire($0, owner: owner, type: question.type) }
                if !direct.isEmpty {
                    response.answers += direct
                    break
                }
                guard question.type != .cname,
                    let target = records.lazy.compactMap({ record -> String? in
                        if case .cname(let target) = record { return target }
                        return nil
                    }).first
                else { break }
                response.answers.append(DNSRecord(name: owner, type: .cname, ttl: 1, data: .cname(target)))
                owner = TestDNSServer.key(target)
                guard let next = state.records(owner, question.type, advance: false) else { break }
                records = next
            }

            var replies: [[UInt8]] = []
            if !overTCP && state.spoofed.contains(name) {
                var forged = response
                forged.id = query.id &+ 1
                forged.answers = [DNSRecord(name: name, type: .a, ttl: 1, data: .address(IPAddress("192.0.2.66")!))]
                replies.append((try? forged.encode()) ?? [])
            }
            replies.append((try? response.encode()) ?? [])
            return replies
        }
    }

    /// The wire record for `record` if it answers a query of `type`.
    private static func wire(_ record: TestDNSServer.Record, owner: String, type: DNSRecordType) -> DNSRecord? {
        switch (record, type) {
        case (.a(let text), .a):
            guard let address = IPAddress(text), address.isIPv4 else { preconditionFailure("bad A record \(text)") }
            return DNSRecord(name: owner, type: .a, ttl: 1, data: .address(address))
        case (.aaaa(let text), .aaaa):
            guard let address = IPAddress(text), !address.isIPv4 else { preconditionFailure("bad AAAA record \(text)") }
            return DNSRecord(name: owner, type: .aaaa, ttl: 1, data: .address(address))
        case (.txt(let strings), .txt):
            return DNSRecord(name: owner, type: .txt, ttl: 1, data: .txt(strings.map { Array($0.utf8) }))
        case (.cname(let target), .cname):
            return DNSRecord(name: owner, type: .cname, ttl: 1, data: .cname(target))
        default:
            return nil
        }
    }
}
