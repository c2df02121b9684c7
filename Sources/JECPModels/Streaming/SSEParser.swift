/// An incremental Server-Sent Events parser, shared by the SDK (reading the Hub's streams) and the
/// Hub (relaying a provider's) (WHATWG HTML §9.2.6): LF, CRLF and CR line ends
/// (also split across chunks), multi-line `data` joined by `\n`, `:` comments, `id` and `retry`.
public struct SSEParser: Sendable {
    public struct Event: Sendable, Equatable {
        public var name: String
        public var data: String
        public var id: String?

        public init(name: String, data: String, id: String?) {
            self.name = name
            self.data = data
            self.id = id
        }
    }

    /// The last `id:` seen (kept across events, as the spec's last-event-ID buffer).
    public private(set) var lastEventID: String?
    /// The last valid `retry:` in milliseconds.
    public private(set) var retryMilliseconds: Int?

    private var line: [UInt8] = []
    private var afterCR = false
    private var atStart = true
    private var eventName = ""
    private var dataLines: [String] = []
    private var hasData = false

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }  // the LF of a CRLF
            }
            switch byte {
            case 0x0D:
                afterCR = true
                if let event = endLine() { events.append(event) }
            case 0x0A:
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// At end of stream an unterminated event is discarded, as the spec requires.
    public mutating func finish() {
        line = []
        dataLines = []
        hasData = false
        eventName = ""
    }

    private mutating func endLine() -> Event? {
        var text = line
        line = []
        if atStart {
            atStart = false
            if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
        }
        if text.isEmpty { return dispatch() }
        if text.first == UInt8(ascii: ":") { return nil }
        let field: String
        var value: String
        if let colon = text.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: text[..<colon], as: UTF8.self)
            var rest = text[(colon + 1)...]
            if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
            value = String(decoding: rest, as: UTF8.self)
        } else {
            field = String(decoding: text, as: UTF8.self)
            value = ""
        }
        switch field {
        case "event": eventName = value
        case "data":
            dataLines.append(value)
            hasData = true
        case "id": if !value.contains("\u{0}") { lastEventID = value }
        case "retry": if !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { retryMilliseconds = Int(value) }
        default: value = ""  // unknown fields are ignored
        }
        return nil
    }

    private mutating func dispatch() -> Event? {
        defer {
            eventName = ""
            dataLines = []
            hasData = false
        }
        guard hasData else { return nil }
        return Event(name: eventName.isEmpty ? "message" : eventName, data: dataLines.joined(separator: "\n"), id: lastEventID)
    }
}
