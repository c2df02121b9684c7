/// A `MAJOR.MINOR.PATCH` version (04 §7.1).
///
/// Compared numerically, so `1.10.0 > 1.9.0`; the Hub resolves "latest" with this order, and a
/// string comparison would pick the wrong version. Pre-release and build suffixes are not part of
/// the manifest grammar, and leading zeros (`01.0.0`) are rejected as semver 2.0 requires, so each
/// version has exactly one spelling and `(namespace, capability, version)` stays unique.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(major: Int, minor: Int, patch: Int) {
        precondition(major >= 0 && minor >= 0 && patch >= 0, "version components are non-negative")
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `1.2.3`; nil for anything else (`1.0`, `v1.0.0`, `01.0.0`, `1.0.0-beta`, overflow).
    public init?(_ text: String) {
        var components: [Int] = []
        for part in text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count == 1 || part.first != UInt8(ascii: "0") else { return nil }
            var value = 0
            for byte in part {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = shifted.addingReportingOverflow(Int(byte - 0x30))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
            }
            components.append(value)
        }
        guard components.count == 3 else { return nil }
        self.init(major: components[0], minor: components[1], patch: components[2])
    }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }
}
