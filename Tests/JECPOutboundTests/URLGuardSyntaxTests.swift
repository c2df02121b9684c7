import JECPOutbound
import Testing

/// The pipeline up to the deny check, with no DNS involved (IP literals and syntax errors). The
/// resolver points at a closed port: any query would fail the test with `unresolvable`.
@Suite struct URLGuardSyntaxTests {
    static let noDNS = DNSResolver(servers: [DNSServer(host: "127.0.0.1", port: 9)], timeout: .milliseconds(50), attempts: 1)
    let production = URLGuard(policy: .production, resolver: Self.noDNS)
    let testMode = URLGuard(policy: .testMode, resolver: Self.noDNS)

    func rejection(_ urlGuard: URLGuard, _ url: String) async -> SSRFRejection? {
        do {
            _ = try await urlGuard.check(url, field: "endpoint_url")
            return nil
        } catch {
            return error
        }
    }

    /// One literal per range of spec 02 §9.7.1.2, plus the extras every Hub denies.
    @Test(arguments: [
        ("https://0.0.0.1/", "0.0.0.0/8"),
        ("https://0.0.0.0/", "0.0.0.0/8"),
        ("https://10.1.2.3/", "10.0.0.0/8"),
        ("https://127.0.0.1/", "127.0.0.0/8"),
        ("https://127.255.255.254:8443/x", "127.0.0.0/8"),
        ("https://169.254.169.254/latest/meta-data/", "169.254.0.0/16"),
        ("https://172.16.0.1/", "172.16.0.0/12"),
        ("https://172.31.255.255/", "172.16.0.0/12"),
        ("https://192.168.1.1/", "192.168.0.0/16"),
        ("https://[::1]/", "::1/128"),
        ("https://[fe80::1]/", "fe80::/10"),
        ("https://[fc00::1]/", "fc00::/7"),
        ("https://[fd12::1]/", "fc00::/7"),
        ("https://[::ffff:127.0.0.1]/", "::ffff:0.0.0.0/96"),
        ("https://[::ffff:7f00:1]/", "::ffff:0.0.0.0/96"),
        ("https://[::ffff:10.0.0.1]/", "::ffff:0.0.0.0/96"),
        ("https://[::ffff:93.184.216.34]/", "::ffff:0.0.0.0/96"),
        ("https://255.255.255.255/", "255.255.255.255/32"),
        ("https://224.0.0.1/", "224.0.0.0/4"),
        ("https://239.255.255.250/", "224.0.0.0/4"),
        ("https://[ff02::1]/", "ff00::/8"),
        ("https://[::]/", "::/128"),
        ("https://[::127.0.0.1]/", "::/96"),  // IPv4-compatible
        ("https://[64:ff9b::a00:1]/", "10.0.0.0/8"),  // NAT64 carrying 10.0.0.1
        ("https://[2002:a9fe:a9fe::1]/", "169.254.0.0/16"),  // 6to4 carrying 169.254.169.254
    ])
    func deniesLiteral(url: String, range: String) async throws {
        let rejection = try #require(await self.rejection(self.production, url))
        #expect(rejection.reason == .resolvedToDenyCIDR)
        #expect(rejection.field == "endpoint_url")
        #expect(rejection.blockedURL == url)
        #expect(rejection.message.contains("denied range \(range)"), "\(rejection.message)")
        // The registration-time check (no DNS) catches literals too.
        #expect(throws: rejection) { try self.production.checkSyntax(url, field: "endpoint_url") }
    }

    @Test func allowsPublicLiteralsWithoutConnecting() async throws {
        let checked = try await self.production.check("https://93.184.216.34/a/b?c=d#frag", field: "endpoint_url")
        #expect(checked.address == IPAddress("93.184.216.34"))
        #expect(checked.url == "https://93.184.216.34/a/b?c=d")
        #expect(checked.host == "93.184.216.34")
        #expect(checked.port == 443)
        #expect(checked.path == "/a/b?c=d")

        let v6 = try await self.production.check("https://[2606:2800:220:1:248:1893:25C8:1946]:8443", field: "f")
        #expect(v6.address == IPAddress("2606:2800:220:1:248:1893:25c8:1946"))
        #expect(v6.url == "https://[2606:2800:220:1:248:1893:25c8:1946]:8443/")
        #expect(v6.host == "2606:2800:220:1:248:1893:25c8:1946")
        #expect(v6.path == "/")

        // 100.64.0.0/10 (carrier-grade NAT) is deliberately not denied by default...
        _ = try await self.production.check("https://100.64.0.1/", field: "f")
        // ...but an operator can add it.
        var policy = SSRFPolicy.production
        policy.extraDeny = [CIDR("100.64.0.0/10")!]
        let strict = URLGuard(policy: policy, resolver: Self.noDNS)
        let rejection = try #require(await self.rejection(strict, "https://100.64.0.1/"))
        #expect(rejection.reason == .resolvedToDenyCIDR)
        #expect(rejection.message.contains("100.64.0.0/10"))
        // NAT64 of a public address is fine.
        _ = try await self.production.check("https://[64:ff9b::5db8:d822]/", field: "f")
    }

    @Test(arguments: [
        "https://%31%32%37.0.0.1/",  // 127.0.0.1
        "https://%31%30.0.0.1/",  // 10.0.0.1
        "https://%31%36%39.254.169.254/",
        "https://2130706433/",  // 127.0.0.1 as one number
        "https://0x7f.0.0.1/",
        "https://0x7F000001/",
        "https://0177.0.0.1/",  // octal
        "https://127.1/",
        "https://127.0.1/",
        "https://127.000.000.001/",
        "https://0/",  // 0.0.0.0
        "https://0xa9fea9fe/",  // 169.254.169.254
        "https://167772161/",  // 10.0.0.1
        "https://%30%78%37%66.1/",  // "0x7f.1"
        "https://127.0.0.1./",  // trailing dot
        "https://LOCALHOST/",
        "https://localhost:8080/",
        "https://api.localhost/",
        "https://localhost./",
        "https://%6c%6f%63%61%6c%68%6f%73%74/",  // "localhost"
    ])
    func deniesDisguisedLoopbackAndPrivateHosts(url: String) async throws {
        let rejection = try #require(await self.rejection(self.production, url))
        #expect(rejection.reason == .resolvedToDenyCIDR, "\(rejection.message)")
    }

    @Test func testModeNeverConnectsToLegacyIPv4Spellings() async throws {
        for url in ["http://2130706433/", "http://0x7f.0.0.1/", "http://127.1/", "http://167772161/"] {
            let rejection = try #require(await self.rejection(self.testMode, url))
            #expect(rejection.reason == (url.contains("167772161") ? .resolvedToDenyCIDR : .hostSyntax), "\(url)")
        }
    }

    @Test func legacyIPv4FormsOfPublicAddressesAreRejectedAsHostSyntax() async throws {
        for url in ["https://1572395042/", "https://0x5d.184.216.34/", "https://93.184.55330/", "https://093.184.216.34/"] {
            let rejection = try #require(await self.rejection(self.production, url))
            #expect(rejection.reason == .hostSyntax, "\(url)")
        }
        let rejection = try #require(await self.rejection(self.production, "https://1572395042/"))
        #expect(rejection.message.contains("93.184.216.34"))
    }

    @Test(arguments: [
        ("http://example.com/", SSRFRejection.Reason.scheme),
        ("HTTP://93.184.216.34/", .scheme),
        ("gopher://example.com/", .scheme),
        ("file:///etc/passwd", .scheme),
        ("ftp://example.com/", .scheme),
        ("dict://example.com:11211/", .scheme),
        ("javascript:alert(1)", .scheme),
        ("", .parseError),
        ("example.com", .parseError),
        ("//example.com/", .parseError),
        ("https ://example.com/", .parseError),
        ("https://exa mple.com/", .parseError),
        (" https://example.com/", .parseError),
        ("https://example.com/a b", .parseError),
        ("https://example.com/\n", .parseError),
        ("https://example.com\\@127.0.0.1/", .parseError),
        ("https://a@b@example.com/", .parseError),
        ("https://example.com:99999/", .parseError),
        ("https://example.com:0/", .parseError),
        ("https://example.com:80a/", .parseError),
        ("https://example.com/%zz", .parseError),
        ("https://%zz.example.com/", .parseError),
        ("https://[::1/", .parseError),
        ("https://[::1]x/", .parseError),
        ("https://example.com/<script>", .parseError),
        ("https:example.com", .parseError),
        ("https:", .parseError),
        ("https:///path", .hostSyntax),
        ("https://:443/", .hostSyntax),
        ("https://exämple.com/", .hostSyntax),
        ("https://ex%C3%A4mple.com/", .hostSyntax),
        ("https://evil.com%2Fx/", .hostSyntax),
        ("https://exa_mple.com/", .hostSyntax),
        ("https://-example.com/", .hostSyntax),
        ("https://example..com/", .hostSyntax),
        ("https://[1.2.3.4]/", .hostSyntax),
        ("https://[fe80::1%25eth0]/", .hostSyntax),
        ("https://[v1.fe80::1]/", .hostSyntax),
        ("https://[::ffff:1.2.3]/", .hostSyntax),
        ("https://%5B%3A%3A1%5D/", .hostSyntax),
        ("https://%5B::1%5D/", .parseError),  // the first ":" starts the port
        ("https://1.2.3.4.5/", .hostSyntax),
        ("https://256.0.0.1/", .hostSyntax),
        ("https://example.123/", .hostSyntax),
        ("https://\(String(repeating: "a", count: 64)).com/", .hostSyntax),
    ])
    func rejectsWithReason(url: String, reason: SSRFRejection.Reason) async throws {
        let rejection = try #require(await self.rejection(self.production, url))
        #expect(rejection.reason == reason, "\(url): \(rejection.message)")
        #expect(!rejection.message.isEmpty)
    }

    @Test func credentialsAreRedacted() async throws {
        let cases = [
            ("https://user:secret@10.0.0.1/x?y=1", "https://***@10.0.0.1/x?y=1"),
            ("http://user:secret@example.com/", "http://***@example.com/"),
            ("gopher://admin:hunter2@internal/", "gopher://***@internal/"),
            ("https://user:se cret@example.com/", "https://***@example.com/"),  // unparseable, still redacted
            ("https://token@[::1]:8443/", "https://***@[::1]:8443/"),
        ]
        for (url, redacted) in cases {
            let rejection = try #require(await self.rejection(self.production, url))
            #expect(rejection.blockedURL == redacted)
            #expect(!rejection.blockedURL.contains("secret") && !rejection.message.contains("secret"))
        }
        #expect(SSRFRejection.redactingCredentials("https://a@b@c/d") == "https://***@c/d")
        #expect(SSRFRejection.redactingCredentials("https://example.com/x@y") == "https://example.com/x@y")
        #expect(SSRFRejection.redactingCredentials("not a url") == "not a url")
    }

    @Test func acceptedURLsAreNormalized() throws {
        let checked = try self.production.checkSyntax("HTTPS://user:pw@Ex%41mple.COM.:443?q=1#f", field: "f")
        #expect(checked.scheme == "https")
        #expect(checked.host == "example.com")
        #expect(checked.port == 443)
        #expect(checked.path == "/?q=1")
        #expect(checked.literalAddress == nil)
        #expect(checked.url == "https://example.com/?q=1")

        let other = try self.production.checkSyntax("https://xn--exmple-cua.com:8443/a/%20b", field: "f")
        #expect(other.url == "https://xn--exmple-cua.com:8443/a/%20b")
    }

    @Test func testModeAllowsHTTPAndLoopbackOnly() async throws {
        let loopback = try await self.testMode.check("http://127.0.0.1:8080/hook", field: "callback_url")
        #expect(loopback.address == IPAddress("127.0.0.1"))
        #expect(loopback.url == "http://127.0.0.1:8080/hook")
        let v6 = try await self.testMode.check("http://[::1]:8080/", field: "callback_url")
        #expect(v6.address == IPAddress("::1"))
        #expect(v6.url == "http://[::1]:8080/")
        let name = try await self.testMode.check("http://localhost:8080/", field: "callback_url")
        #expect(name.address == IPAddress("127.0.0.1"))
        #expect(name.host == "localhost")
        #expect(name.url == "http://localhost:8080/")

        for url in [
            "http://10.0.0.1/", "http://169.254.169.254/", "http://[::ffff:127.0.0.1]/", "http://192.168.0.1/",
            "http://[fe80::1]/", "http://[::]/", "http://0.0.0.0/",
        ] {
            let rejection = try #require(await self.rejection(self.testMode, url))
            #expect(rejection.reason == .resolvedToDenyCIDR, "\(url)")
        }
        let gopher = try #require(await self.rejection(self.testMode, "gopher://127.0.0.1/"))
        #expect(gopher.reason == .scheme)
    }

    @Test func productionRejectsHTTPBeforeLookingAtTheHost() async throws {
        let rejection = try #require(await self.rejection(self.production, "http://93.184.216.34/"))
        #expect(rejection.reason == .scheme)
        #expect(rejection.message.contains("https"))
    }
}
