import Foundation
import JECPOutbound
import Testing

@Suite struct DNSServersTests {
    @Test func parsesServerLists() throws {
        #expect(try DNSServers.parse("1.1.1.1") == [DNSServer(host: "1.1.1.1", port: 53)])
        #expect(
            try DNSServers.parse(" 8.8.8.8:5353 , [::1]:5353,::1, [2001:DB8::1] ,10.0.0.2:53")
                == [
                    DNSServer(host: "8.8.8.8", port: 5353), DNSServer(host: "::1", port: 5353),
                    DNSServer(host: "::1", port: 53), DNSServer(host: "2001:db8::1", port: 53),
                    DNSServer(host: "10.0.0.2", port: 53),
                ]
        )
        #expect(DNSServer(host: "::1", port: 5353).description == "[::1]:5353")
        #expect(DNSServer(host: "127.0.0.1").description == "127.0.0.1:53")
    }

    @Test(arguments: [
        "", "1.1.1.1,", ",1.1.1.1", "1.1.1.1,,8.8.8.8", "dns.google", "1.1.1.1:0", "1.1.1.1:65536", "1.1.1.1:x",
        "1.1.1.1:", "[::1", "[::1]x", "[1.1.1.1]:53", "::1:53:zz", "1.1.1", "1.1.1.1:+53", "[::1]:-1",
    ])
    func rejectsBadServerLists(text: String) {
        #expect(throws: DNSServers.ParseError.self) { try DNSServers.parse(text) }
    }

    @Test func errorsSayWhatIsWrong() {
        #expect {
            try DNSServers.parse("1.1.1.1,dns.google")
        } throws: { error in
            "\(error)".contains("dns.google") && "\(error)".contains("not an IP address")
        }
    }

    @Test func readsResolvConf() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("resolv-\(UUID().uuidString).conf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = """
            # generated
            search example.internal
            nameserver 10.0.0.2
            ; a comment
            nameserver\t2001:db8::53
              nameserver 192.0.2.53   # trailing comment
            nameserver fe80::1%eth0
            nameserver not-an-ip
            options ndots:2
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(
            DNSServers.system(resolvConf: path)
                == [DNSServer(host: "10.0.0.2"), DNSServer(host: "2001:db8::53"), DNSServer(host: "192.0.2.53")]
        )

        try "search example.internal\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(DNSServers.system(resolvConf: path) == [DNSServer(host: "127.0.0.1", port: 53)])
        #expect(DNSServers.system(resolvConf: path + ".missing") == [DNSServer(host: "127.0.0.1", port: 53)])
    }
}
