/// An address range: a network address and a prefix length (`10.0.0.0/8`, `fc00::/7`).
///
/// A bare address is accepted as a single-host range (`/32` or `/128`). Host bits set in the text
/// (`10.1.2.3/8`) are cleared, so the range is the one an operator evidently meant.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(pieces[0])) else { return nil }
        let maximum = address.bytes.count * 8
        var prefix = maximum
        if pieces.count == 2 {
            let digits = pieces[1]
            guard (1...3).contains(digits.count), digits.utf8.allSatisfy(isDigit), let value = Int(digits),
                value <= maximum
            else { return nil }
            prefix = value
        }
        self.init(network: address, prefixLength: prefix)
    }

    /// `prefixLength` must be within 0...32 (IPv4) or 0...128 (IPv6).
    public init?(network: IPAddress, prefixLength: Int) {
        guard prefixLength >= 0, prefixLength <= network.bytes.count * 8 else { return nil }
        self.network = IPAddress(bytes: Self.masked(network.bytes, prefixLength))!
        self.prefixLength = prefixLength
    }

    /// Whether `address` lies in this range. Families never mix: an IPv4 address is not in an
    /// IPv6 range (IPv4-mapped IPv6 addresses are covered by the `::ffff:0:0/96` range instead).
    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == self.network.bytes.count else { return false }
        return Self.masked(address.bytes, self.prefixLength) == self.network.bytes
    }

    public var description: String { "\(self.network)/\(self.prefixLength)" }

    private static func masked(_ bytes: [UInt8], _ prefix: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let bitsKept = min(max(prefix - index * 8, 0), 8)
            result[index] &= bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsKept))
        }
        return result
    }
}
