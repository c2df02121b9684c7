import JECPOutbound
import Testing

/// The wire format against hand-written bytes, including what a hostile server could send.
@Suite struct DNSMessageTests {
    @Test func roundTripsWithNameCompression() throws {
        var message = DNSMessage(id: 0xbeef)
        message.isResponse = true
        message.isTruncated = true
        message.rcode = 3
        message.questions = [DNSQuestion(name: "www.example.test", type: .a)]
        message.answers = [
            DNSRecord(name: "www.example.test", type: .cname, ttl: 60, data: .cname("edge.example.test")),
            DNSRecord(name: "edge.example.test", type: .a, ttl: 60, data: .address(IPAddress("192.0.2.1")!)),
            DNSRecord(name: "edge.example.test", type: .txt, ttl: 60, data: .txt([Array("a b".utf8), []])),
        ]
        let wire = try message.encode()
        // "example.test" is written once; later names point back to it.
        #expect(wire.count < 100)
        #expect(try DNSMessage(decoding: wire) == message)
    }

    @Test func queriesLookLikeRFC1035() throws {
        var query = DNSMessage(id: 0x1234)
        query.questions = [DNSQuestion(name: "a.test", type: .aaaa)]
        #expect(
            try query.encode() == [
                0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                1, UInt8(ascii: "a"), 4, UInt8(ascii: "t"), UInt8(ascii: "e"), UInt8(ascii: "s"), UInt8(ascii: "t"), 0,
                0, 28, 0, 1,
            ]
        )
    }

    @Test func refusesHostileMessages() {
        let header: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]
        let hostile: [(String, [UInt8])] = [
            ("short header", [0, 1, 0x81]),
            ("pointer to itself", header + [0xc0, 12, 0, 1, 0, 1]),
            ("pointer forwards", header + [0xc0, 20, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]),
            ("label past the end", header + [10, 1, 2]),
            ("extended label type", header + [0x40, 0, 0, 1, 0, 1]),
            ("question cut short", header + [0, 0]),
            ("A record of 5 bytes", [0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0] + [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5]),
            ("rdata past the end", [0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0] + [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 9, 1]),
            ("TXT string past its record", [0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0] + [0, 0, 16, 0, 1, 0, 0, 0, 0, 0, 2, 5, 1, 0, 0, 0]),
        ]
        for (what, bytes) in hostile {
            #expect(throws: DNSError.self, "\(what)") { try DNSMessage(decoding: bytes) }
        }
        // A name that is too long (over 255 bytes on the wire).
        var long = header
        for _ in 0..<5 { long += [63] + Array(repeating: UInt8(ascii: "a"), count: 63) }
        long += [0, 0, 1, 0, 1]
        #expect(throws: DNSError.self) { try DNSMessage(decoding: long) }
    }

    @Test func escapesOddLabelBytes() throws {
        let bytes: [UInt8] =
            [0, 1, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0] + [
                3, UInt8(ascii: "a"), UInt8(ascii: "."), 0x07, 2, UInt8(ascii: "C"), UInt8(ascii: "d"), 0, 0, 1, 0, 1,
            ]
        let message = try DNSMessage(decoding: bytes)
        // A label holding a dot must not read as two labels.
        #expect(message.questions.first?.name == "a\\046\\007.cd")
    }

    @Test func refusesNamesThatCannotBeSent() throws {
        for name in ["a..b", String(repeating: "a", count: 64) + ".test", "white space.test", "tab\t.test", "é.test"] {
            #expect(throws: DNSError.self, "\(name)") { try DNSName.labels(of: name) }
        }
        #expect(try DNSName.labels(of: "_jecp.example.test.") == ["_jecp", "example", "test"])
    }
}
