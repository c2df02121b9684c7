import JECPOutbound
import Testing

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("1.2.3.4", "1.2.3.4", true),
        ("0.0.0.0", "0.0.0.0", true),
        ("255.255.255.255", "255.255.255.255", true),
        ("::", "::", false),
        ("::1", "::1", false),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1", false),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", false),  // first of two equal runs
        ("2001:0db8:0000:0001:0001:0001:0001:0001", "2001:db8:0:1:1:1:1:1", false),  // one zero group stays
        ("fe80::", "fe80::", false),
        ("::ffff:1.2.3.4", "::ffff:1.2.3.4", false),
        ("::ffff:7f00:1", "::ffff:127.0.0.1", false),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221", false),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", false),
    ])
    func parsesAndPrintsCanonically(text: String, canonical: String, isIPv4: Bool) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(address.isIPv4 == isIPv4)
        #expect(address.bytes.count == (isIPv4 ? 4 : 16))
        #expect(IPAddress(canonical) == address)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1.2.3.-4", " 1.2.3.4", "1.2.3.4 ",
        "0x7f.0.0.1", "2130706433", "127.1", "[::1]", ":::", "1::2::3", ":1::", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", "12345::", "fe80::1%eth0", "::ffff:1.2.3", "::ffff:01.2.3.4", "1.2.3.4::",
        "g::1", "localhost", "１.2.3.4",
    ])
    func rejectsNonCanonicalText(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func bytesAreNetworkOrder() throws {
        #expect(try #require(IPAddress("10.1.2.3")).bytes == [10, 1, 2, 3])
        #expect(try #require(IPAddress("::ffff:10.1.2.3")).bytes == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3])
        #expect(try #require(IPAddress("::ffff:10.1.2.3")).ipv4Mapped == IPAddress("10.1.2.3"))
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }

    @Test func cidrContainment() throws {
        let private10 = try #require(CIDR("10.0.0.0/8"))
        #expect(private10.contains(IPAddress("10.255.255.255")!))
        #expect(!private10.contains(IPAddress("11.0.0.0")!))
        #expect(!private10.contains(IPAddress("::ffff:10.0.0.1")!))  // families never mix

        let twelve = try #require(CIDR("172.16.0.0/12"))
        #expect(twelve.contains(IPAddress("172.31.255.255")!))
        #expect(!twelve.contains(IPAddress("172.32.0.0")!))
        #expect(!twelve.contains(IPAddress("172.15.255.255")!))

        let ula = try #require(CIDR("fc00::/7"))
        #expect(ula.contains(IPAddress("fd12:3456::1")!))
        #expect(!ula.contains(IPAddress("fe00::1")!))

        let linkLocal = try #require(CIDR("fe80::/10"))
        #expect(linkLocal.contains(IPAddress("febf:ffff::1")!))
        #expect(!linkLocal.contains(IPAddress("fec0::1")!))

        #expect(try #require(CIDR("0.0.0.0/0")).contains(IPAddress("8.8.8.8")!))
        #expect(try #require(CIDR("::/0")).contains(IPAddress("2001:db8::1")!))
        #expect(try #require(CIDR("::ffff:0.0.0.0/96")).contains(IPAddress("::ffff:127.0.0.1")!))
    }

    @Test func cidrTextForms() throws {
        #expect(CIDR("10.1.2.3/8")?.description == "10.0.0.0/8")  // host bits cleared
        #expect(CIDR("192.0.2.7")?.description == "192.0.2.7/32")  // bare address: one host
        #expect(CIDR("2001:db8::1")?.description == "2001:db8::1/128")
        #expect(CIDR("2001:db8:ffff::/33")?.description == "2001:db8:8000::/33")
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0/8", "x/8", "10.0.0.0/ 8"] {
            #expect(CIDR(bad) == nil, "\(bad)")
        }
    }
}
