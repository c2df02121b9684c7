import JECPOutbound
import JECPTestDNS
import NIOCore
import NIOPosix
import Testing

@Suite struct DNSResolverTests {
    @Test func resolvesAAndAAAA() async throws {
        try await withTestDNS { dns async throws in
            await dns.set("host.test", [.a("192.0.2.1"), .aaaa("2001:db8::1"), .a("192.0.2.2")])
            let resolver = DNSResolver.patient([await dns.server])
            let addresses = try await resolver.addresses(of: "host.test")
            #expect(addresses == ["192.0.2.1", "192.0.2.2", "2001:db8::1"].map { IPAddress($0)! })
            // Names are case-insensitive and may be written fully qualified.
            #expect(try await resolver.addresses(of: "HOST.Test.") == addresses)
            #expect(await dns.queryCount("host.test") == 4)
        }
    }

    @Test func onlyOneFamilyIsEnough() async throws {
        try await withTestDNS { dns async throws in
            await dns.set("v6only.test", [.aaaa("2001:db8::5")])
            await dns.set("v4only.test", [.a("192.0.2.5")])
            let resolver = DNSResolver.patient([await dns.server])
            #expect(try await resolver.addresses(of: "v6only.test") == [IPAddress("2001:db8::5")!])
            #expect(try await resolver.addresses(of: "v4only.test") == [IPAddress("192.0.2.5")!])
        }
    }

    @Test func followsCNAMEChains() async throws {
        try await withTestDNS { dns async throws in
            await dns.set("www.test", [.cname("edge.test")])
            await dns.set("edge.test", [.cname("origin.test")])
            await dns.set("origin.test", [.a("192.0.2.10"), .aaaa("2001:db8::10")])
            await dns.set("loop-a.test", [.cname("loop-b.test")])
            await dns.set("loop-b.test", [.cname("loop-a.test")])
            await dns.set("dangling.test", [.cname("nowhere.test")])
            let resolver = DNSResolver.patient([await dns.server])
            #expect(try await resolver.addresses(of: "www.test") == [IPAddress("192.0.2.10")!, IPAddress("2001:db8::10")!])
            #expect(await dnsError { () async throws(DNSError) in try await resolver.addresses(of: "loop-a.test") } == .noRecords)
            #expect(await dnsError { () async throws(DNSError) in try await resolver.addresses(of: "dangling.test") } == .noRecords)
        }
    }

    @Test func readsTXTRecords() async throws {
        try await withTestDNS { dns async throws in
            let long = String(repeating: "k", count: 255)
            await dns.set("_jecp.host.test", [.txt(["v=jecp1; ", "key=abc"]), .txt(["other"]), .txt([long, long])])
            await dns.set("alias-txt.test", [.cname("_jecp.host.test")])
            let resolver = DNSResolver.patient([await dns.server])
            let expected = ["v=jecp1; key=abc", "other", long + long]
            #expect(try await resolver.txt("_jecp.host.test") == expected)
            #expect(try await resolver.txt("alias-txt.test") == expected)
            await dns.set("no-txt.test", [.a("192.0.2.1")])
            #expect(await dnsError { () async throws(DNSError) in try await resolver.txt("no-txt.test") } == .noRecords)
        }
    }

    @Test func reportsMissingNamesAndRecords() async throws {
        try await withTestDNS { dns async throws in
            await dns.set("txt-only.test", [.txt(["x"])])
            let resolver = DNSResolver.patient([await dns.server])
            let missing = await dnsError { () async throws(DNSError) in try await resolver.addresses(of: "missing.test") }
            #expect(missing == .nameNotFound)
            #expect(missing?.reason == "nxdomain")
            let empty = await dnsError { () async throws(DNSError) in try await resolver.addresses(of: "txt-only.test") }
            #expect(empty == .noRecords)
            #expect(empty?.reason == "no_records")
            let bad = await dnsError { () async throws(DNSError) in try await resolver.addresses(of: "bad name.test") }
            #expect(bad?.reason == "malformed_response")
            #expect(await dns.queryCount("bad name.test") == 0)
            let root = await dnsError { () async throws(DNSError) in try await resolver.addresses(of: ".") }
            #expect(root?.reason == "malformed_response")
        }
    }

    @Test func fallsBackToTCPWhenTruncated() async throws {
        try await withTestDNS { dns async throws in
            await dns.set("big.test", [.a("192.0.2.20"), .aaaa("2001:db8::20")])
            await dns.truncateUDP("big.test")
            await dns.set("big-txt.test", [.txt(["over tcp"])])
            await dns.truncateUDP("big-txt.test")
            // A long timeout and one attempt: a busy machine must not add retries to the counts.
            let resolver = DNSResolver(servers: [await dns.server], timeout: .seconds(10), attempts: 1)
            #expect(try await resolver.addresses(of: "big.test") == [IPAddress("192.0.2.20")!, IPAddress("2001:db8::20")!])
            #expect(await dns.tcpQueryCount("big.test") == 2)
            #expect(await dns.queryCount("big.test") == 4)  // each type: UDP, then TCP
            #expect(try await resolver.txt("big-txt.test") == ["over tcp"])
            #expect(await dns.tcpQueryCount("big-txt.test") == 1)
        }
    }

    @Test func timesOutOnASilentServer() async throws {
        try await withTestDNS { dns async throws in
            await dns.silence("slow.test")
            let resolver = DNSResolver(servers: [await dns.server], timeout: .milliseconds(200), attempts: 2)
            let start = ContinuousClock.now
            let error = await dnsError { () async throws(DNSError) in try await resolver.addresses(of: "slow.test") }
            let elapsed = ContinuousClock.now - start
            #expect(error == .timeout)
            #expect(error?.reason == "timeout")
            #expect(elapsed >= .milliseconds(400))  // two rounds of 200 ms (A and AAAA in parallel)
            #expect(elapsed < .seconds(30))  // it gives up (generous: the full suite loads both cores)
            #expect(await dns.queryCount("slow.test") == 4)
        }
    }

    @Test func failsOverToTheNextServer() async throws {
        try await withTestDNS { first async throws in
            try await withTestDNS { second async throws in
                await first.silence("svc.test")
                await second.set("svc.test", [.a("192.0.2.30")])
                // One attempt with time to spare, so a loaded machine cannot turn the second server's answer into a retry.
                let resolver = DNSResolver(servers: [await first.server, await second.server], timeout: .seconds(8), attempts: 1)
                #expect(try await resolver.addresses(of: "svc.test") == [IPAddress("192.0.2.30")!])
                #expect(await first.queryCount("svc.test") == 2)
                #expect(await second.queryCount("svc.test") == 2)
            }
        }
    }

    @Test func reportsServerFailuresAndTriesTheNextServer() async throws {
        try await withTestDNS { first async throws in
            try await withTestDNS { second async throws in
                await first.fail("svc.test", rcode: 2)
                await second.set("svc.test", [.a("192.0.2.32")])
                let alone = DNSResolver.patient([await first.server])
                let error = await dnsError { () async throws(DNSError) in try await alone.addresses(of: "svc.test") }
                #expect(error == .serverFailure(rcode: 2))
                #expect(error?.reason == "server_failure")
                let both = DNSResolver.patient([await first.server, await second.server])
                #expect(try await both.addresses(of: "svc.test") == [IPAddress("192.0.2.32")!])
                await first.fail("refused.test", rcode: 5)
                let refused = await dnsError { () async throws(DNSError) in try await alone.txt("refused.test") }
                #expect(refused == .serverFailure(rcode: 5))
            }
        }
    }

    @Test func skipsAServerThatRefusesQuickly() async throws {
        try await withTestDNS { dns async throws in
            await dns.set("svc.test", [.a("192.0.2.31")])
            let dead = DNSServer(host: "127.0.0.1", port: try await closedUDPPort())
            // A very long timeout: only the ICMP "port unreachable" makes this finish early.
            let resolver = DNSResolver(servers: [dead, await dns.server], timeout: .seconds(60), attempts: 1)
            let start = ContinuousClock.now
            #expect(try await resolver.addresses(of: "svc.test") == [IPAddress("192.0.2.31")!])
            // Waiting on the dead server would take its whole 60 s; the margin is for a loaded machine.
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    @Test func ignoresAnswersWithTheWrongID() async throws {
        try await withTestDNS { dns async throws in
            await dns.set("spoofed.test", [.a("192.0.2.40")])
            await dns.spoofWrongIDFirst("spoofed.test")
            let resolver = DNSResolver.patient([await dns.server])
            #expect(try await resolver.addresses(of: "spoofed.test") == [IPAddress("192.0.2.40")!])
        }
    }

    @Test func literalsNeedNoServer() async throws {
        let resolver = DNSResolver(servers: [])
        #expect(try await resolver.addresses(of: "10.0.0.1") == [IPAddress("10.0.0.1")!])
        #expect(try await resolver.addresses(of: "::1") == [IPAddress("::1")!])
        let error = await dnsError { () async throws(DNSError) in try await resolver.addresses(of: "example.test") }
        #expect(error == .noServers)
        #expect(error?.reason == "no_servers")
        #expect(DNSError.serverFailure(rcode: 2).reason == "server_failure")
    }
}
