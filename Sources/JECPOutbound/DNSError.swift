/// Why a DNS lookup produced no usable answer.
public enum DNSError: Error, Sendable, Equatable {
    /// No server answered in time (or none could be reached at all).
    case timeout
    /// NXDOMAIN: the name does not exist.
    case nameNotFound
    /// The name exists but has no records of the asked type.
    case noRecords
    /// Every server answered with an error code (SERVFAIL = 2, REFUSED = 5, ...).
    case serverFailure(rcode: Int)
    /// An answer could not be decoded, or a name to look up is not a valid DNS name.
    case malformed(String)
    /// No nameserver is configured.
    case noServers

    /// snake_case, for API error details.
    public var reason: String {
        switch self {
        case .timeout: "timeout"
        case .nameNotFound: "nxdomain"
        case .noRecords: "no_records"
        case .serverFailure: "server_failure"
        case .malformed: "malformed_response"
        case .noServers: "no_servers"
        }
    }
}

extension DNSError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .timeout: "no DNS server answered in time"
        case .nameNotFound: "the name does not exist (NXDOMAIN)"
        case .noRecords: "the name has no records of the requested type"
        case .serverFailure(let rcode): "the DNS server failed (rcode \(rcode))"
        case .malformed(let detail): "malformed DNS data: \(detail)"
        case .noServers: "no DNS servers are configured"
        }
    }
}
