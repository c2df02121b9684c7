import JECPModels
import Testing

/// Server-Sent Events framing, byte by byte.
@Suite struct SSEParserTests {
    static func parse(_ chunks: [String]) -> [SSEParser.Event] {
        var parser = SSEParser()
        var events: [SSEParser.Event] = []
        for chunk in chunks { events += parser.feed(Array(chunk.utf8)) }
        parser.finish()
        return events
    }

    static let expected = [SSEParser.Event(name: "status", data: "{\"a\":1}", id: nil), SSEParser.Event(name: "done", data: "{}", id: nil)]

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEndings(_ end: String) {
        let text = "event: status\(end)data: {\"a\":1}\(end)\(end)event: done\(end)data: {}\(end)\(end)"
        #expect(Self.parse([text]) == Self.expected)
    }

    @Test func crlfSplitBetweenChunks() {
        #expect(Self.parse(["event: status\r", "\ndata: {\"a\":1}\r", "\n\r", "\nevent: done\r\ndata: {}\r\n\r\n"]) == Self.expected)
    }

    @Test func everySplitPointGivesTheSameEvents() {
        let text = "event: status\r\ndata: {\"a\":1}\r\n\r\n: keep-alive\r\nevent: done\r\ndata: {}\r\n\r\n"
        for split in 0...text.utf8.count {
            let bytes = Array(text.utf8)
            var parser = SSEParser()
            let events = parser.feed(bytes[..<split]) + parser.feed(bytes[split...])
            #expect(events == Self.expected, "split at \(split)")
        }
    }

    @Test func multiLineDataIsJoinedWithNewlines() {
        let events = Self.parse(["data: first\ndata:second\ndata:  third\ndata\n\n"])
        #expect(events == [SSEParser.Event(name: "message", data: "first\nsecond\n third\n", id: nil)])
    }

    @Test func commentsAndKeepAlivesAreIgnored() {
        let events = Self.parse([": hello\n\n:\n", "event: done\n: between\ndata: {}\n\n"])
        #expect(events == [SSEParser.Event(name: "done", data: "{}", id: nil)])
    }

    @Test func idAndRetryFieldsAreKept() {
        var parser = SSEParser()
        let events = parser.feed(Array("id: 7\nretry: 1500\nevent: chunk\ndata: {}\n\nretry: soon\ndata: x\n\n".utf8))
        #expect(events.map(\.id) == ["7", "7"])
        #expect(parser.lastEventID == "7")
        #expect(parser.retryMilliseconds == 1500)
    }

    @Test func eventsWithoutDataAreNotDispatched() {
        #expect(Self.parse(["event: status\n\nevent: done\ndata: {}\n\n"]) == [SSEParser.Event(name: "done", data: "{}", id: nil)])
    }

    @Test func unterminatedEventAtEndIsDiscarded() {
        #expect(Self.parse(["event: done\ndata: {}\n"]).isEmpty)
    }

    @Test func byteOrderMarkIsSkipped() {
        #expect(Self.parse(["\u{FEFF}event: done\ndata: {}\n\n"]) == [SSEParser.Event(name: "done", data: "{}", id: nil)])
    }

    @Test func multiByteCharactersSplitAcrossChunks() {
        let bytes = Array("data: {\"t\":\"héllo 👋\"}\n\n".utf8)
        var parser = SSEParser()
        var events: [SSEParser.Event] = []
        for byte in bytes { events += parser.feed([byte]) }
        #expect(events.map(\.data) == ["{\"t\":\"héllo 👋\"}"])
    }
}
