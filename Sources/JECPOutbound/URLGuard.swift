/// The SSRF pipeline of spec 02 §9.7.1.1 for every URL someone else chose:
/// parse → scheme → host syntax → resolve → deny check → pin (the pin is `CheckedURL.address`,
/// which `PinnedHTTPClient` connects to; it never follows redirects).
///
/// Host spellings that browsers read as IPv4 (`2130706433`, `0x7f.0.0.1`, `0177.0.0.1`, `127.1`)
/// are never connected to: the address they stand for is computed, and the URL is rejected with
/// `resolved_to_deny_cidr` when that address is denied and with `host_syntax` otherwise (only
/// canonical dotted quads are accepted as IPv4 literals).
public struct URLGuard: Sendable {
    public let policy: SSRFPolicy
    public let resolver: DNSResolver

    public init(policy: SSRFPolicy, resolver: DNSResolver) {
        self.policy = policy
        self.resolver = resolver
    }

    /// Steps 1–3, plus the deny check when the host is an IP literal; no DNS. For validating a URL
    /// when it is registered (it must still go through `check` before every request).
    public func checkSyntax(_ url: String, field: String) throws(SSRFRejection) -> CheckedHost {
        func reject(_ reason: SSRFRejection.Reason, _ message: String) -> SSRFRejection {
            SSRFRejection(field: field, url: url, reason: reason, message: message)
        }

        // 1. Parse (RFC 3986).
        let parsed: ParsedURL
        do throws(ParsedURL.Failure) {
            parsed = try ParsedURL(url)
        } catch {
            throw reject(.parseError, "The URL is malformed: \(error.message).")
        }

        // 2. Scheme allowlist.
        let allowed = self.policy.allowHTTP ? ["https", "http"] : ["https"]
        guard allowed.contains(parsed.scheme) else {
            throw reject(
                .scheme,
                "The scheme \"\(parsed.scheme)\" is not allowed; use \(allowed.joined(separator: " or "))."
            )
        }
        guard let authority = parsed.authority else {
            throw reject(.parseError, "The URL has no \"//host\" part.")
        }

        // 3. Host syntax, after percent-decoding.
        let host: HostSyntax
        do throws(HostSyntax.Failure) {
            host = try HostSyntax.classify(authority.host, bracketed: authority.isBracketed)
        } catch {
            throw reject(.hostSyntax, "The host is not acceptable: \(error.message).")
        }
        let port = authority.port ?? (parsed.scheme == "https" ? 443 : 80)
        let path =
            parsed.pathAndQuery.isEmpty || parsed.pathAndQuery.first == "?"
            ? "/" + parsed.pathAndQuery : parsed.pathAndQuery

        switch host {
        case .legacyIPv4(let address):
            if let range = self.policy.deniedRange(for: address) {
                throw reject(
                    .resolvedToDenyCIDR,
                    "The host \"\(authority.host)\" is a non-standard spelling of \(address), which is in the denied range \(range)."
                )
            }
            throw reject(
                .hostSyntax,
                "The host \"\(authority.host)\" is a non-standard spelling of the IPv4 address \(address); write it as \(address)."
            )
        case .literal(let address):
            if let range = self.policy.deniedRange(for: address) {
                throw reject(.resolvedToDenyCIDR, Self.deniedMessage(address, range, host: nil))
            }
            return CheckedHost(
                scheme: parsed.scheme,
                host: address.description,
                port: port,
                path: path,
                literalAddress: address
            )
        case .name(let name):
            // RFC 6761 §6.3: localhost names always mean loopback, whatever DNS would say.
            if Self.isLocalhost(name), !self.policy.allowLoopback {
                throw reject(
                    .resolvedToDenyCIDR,
                    "The host \"\(name)\" always means the loopback address 127.0.0.1, which is in the denied range 127.0.0.0/8."
                )
            }
            return CheckedHost(scheme: parsed.scheme, host: name, port: port, path: path, literalAddress: nil)
        }
    }

    /// The whole pipeline: syntax, DNS, every resolved address against the deny ranges, and the
    /// address to pin (the first one). Run it right before each request, not only at registration.
    public func check(_ url: String, field: String) async throws(SSRFRejection) -> CheckedURL {
        let checked = try self.checkSyntax(url, field: field)
        if let literal = checked.literalAddress {
            return CheckedURL(checked, address: literal)
        }
        if Self.isLocalhost(checked.host) {
            // Only reachable when the policy allows loopback (checkSyntax refuses it otherwise).
            return CheckedURL(checked, address: IPAddress("127.0.0.1")!)
        }

        // 4. Resolve.
        let addresses: [IPAddress]
        do throws(DNSError) {
            addresses = try await self.resolver.addresses(of: checked.host)
        } catch {
            throw SSRFRejection(
                field: field,
                url: url,
                reason: .unresolvable,
                message: "The host \"\(checked.host)\" could not be resolved: \(error) (\(error.reason))."
            )
        }
        guard let first = addresses.first else {
            throw SSRFRejection(
                field: field,
                url: url,
                reason: .unresolvable,
                message: "The host \"\(checked.host)\" resolved to no address."
            )
        }

        // 5. Every address must pass, not just the one we would use.
        for address in addresses {
            if let range = self.policy.deniedRange(for: address) {
                throw SSRFRejection(
                    field: field,
                    url: url,
                    reason: .resolvedToDenyCIDR,
                    message: Self.deniedMessage(address, range, host: checked.host)
                )
            }
        }

        // 6. Pin.
        return CheckedURL(checked, address: first)
    }

    static func isLocalhost(_ name: String) -> Bool {
        name == "localhost" || name.hasSuffix(".localhost")
    }

    private static func deniedMessage(_ address: IPAddress, _ range: CIDR, host: String?) -> String {
        let subject = host.map { "The host \"\($0)\" resolved to \(address), which" } ?? "The address \(address)"
        // A range of the other family means the address carries it inside (NAT64, 6to4).
        let carried = range.network.isIPv4 != address.isIPv4 ? " carries an IPv4 address that" : ""
        return "\(subject)\(carried) is in the denied range \(range)."
    }
}
