/// What the SSRF guard lets through (spec 02 §9.7.1). Configuration only: never settable through the API.
public struct SSRFPolicy: Sendable {
    /// Allow `http://` as well as `https://`. Production: false.
    public var allowHTTP: Bool
    /// Test mode: allow loopback (127.0.0.0/8, ::1 and the names `localhost` / `*.localhost`).
    /// Nothing else is relaxed: private, link-local and IPv4-mapped loopback stay denied.
    public var allowLoopback: Bool
    /// Operator-specific ranges denied on top of the built-in ones (e.g. the Hub's own VPC).
    public var extraDeny: [CIDR]

    public init(allowHTTP: Bool = false, allowLoopback: Bool = false, extraDeny: [CIDR] = []) {
        self.allowHTTP = allowHTTP
        self.allowLoopback = allowLoopback
        self.extraDeny = extraDeny
    }

    public static let production = SSRFPolicy()
    public static let testMode = SSRFPolicy(allowHTTP: true, allowLoopback: true)

    /// The minimum deny set of spec 02 §9.7.1.2, in the spec's order.
    public static let requiredDenyRanges: [CIDR] = [
        "0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16",
        "::1/128", "fe80::/10", "fc00::/7", "::ffff:0.0.0.0/96",
    ].map { CIDR($0)! }

    /// Ranges no Hub should ever connect to either: limited broadcast, multicast, the unspecified
    /// IPv6 address, and the deprecated IPv4-compatible IPv6 block `::/96` (`::a.b.c.d`, which
    /// some stacks still route to the embedded IPv4 address; it also holds `::` and `::1`).
    public static let additionalDenyRanges: [CIDR] = [
        "255.255.255.255/32", "224.0.0.0/4", "ff00::/8", "::/128", "::/96",
    ].map { CIDR($0)! }

    /// IPv6 prefixes that carry an IPv4 address a gateway will forward to (NAT64 `64:ff9b::/96`,
    /// RFC 6052; 6to4 `2002::/16`, RFC 3056): the embedded IPv4 address is checked too.
    static let embeddingIPv4: [(range: CIDR, offset: Int)] = [
        (CIDR("64:ff9b::/96")!, 12), (CIDR("2002::/16")!, 2),
    ]

    static let loopback: [CIDR] = [CIDR("127.0.0.0/8")!, CIDR("::1/128")!]
    private static let builtInDenyRanges = requiredDenyRanges + additionalDenyRanges

    /// The denied range `address` falls in, or nil if the policy allows connecting to it.
    public func deniedRange(for address: IPAddress) -> CIDR? {
        if self.allowLoopback, Self.loopback.contains(where: { $0.contains(address) }) {
            return nil
        }
        if let range = self.directlyDeniedRange(for: address) {
            return range
        }
        for (range, offset) in Self.embeddingIPv4 where range.contains(address) {
            let embedded = IPAddress(bytes: Array(address.bytes[offset..<(offset + 4)]))!
            // Loopback carried inside another address is never "local test traffic": no relaxation.
            if let inner = self.directlyDeniedRange(for: embedded) {
                return inner
            }
        }
        return nil
    }

    private func directlyDeniedRange(for address: IPAddress) -> CIDR? {
        Self.builtInDenyRanges.first(where: { $0.contains(address) }) ?? self.extraDeny.first(where: { $0.contains(address) })
    }
}
