/// RFC 1035 message wire format: the header, the question and answer sections.
///
/// Authority and additional sections are neither written nor read: a stub resolver needs only the
/// answer, and skipping them means a sloppy authority section cannot fail a good answer.
/// Package-visible so the test DNS server speaks exactly the format the resolver reads.
package struct DNSMessage: Sendable, Equatable {
    package var id: UInt16
    package var isResponse = false
    package var opcode: UInt8 = 0
    package var isAuthoritative = false
    package var isTruncated = false
    package var recursionDesired = true
    package var recursionAvailable = false
    package var rcode: UInt8 = 0
    package var questions: [DNSQuestion] = []
    package var answers: [DNSRecord] = []

    package init(id: UInt16) {
        self.id = id
    }

    package static let rcodeNXDomain: UInt8 = 3
}

package struct DNSRecordType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    package var rawValue: UInt16
    package init(rawValue: UInt16) { self.rawValue = rawValue }

    package static let a = DNSRecordType(rawValue: 1)
    package static let cname = DNSRecordType(rawValue: 5)
    package static let txt = DNSRecordType(rawValue: 16)
    package static let aaaa = DNSRecordType(rawValue: 28)

    package var description: String {
        switch self {
        case .a: "A"
        case .cname: "CNAME"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        default: "TYPE\(self.rawValue)"
        }
    }
}

package struct DNSQuestion: Sendable, Hashable {
    /// Lowercase, dot-separated, no trailing dot; unusual label bytes escaped as `\DDD`.
    package var name: String
    package var type: DNSRecordType
    package var dnsClass: UInt16 = 1  // IN

    package init(name: String, type: DNSRecordType) {
        self.name = name
        self.type = type
    }
}

package struct DNSRecord: Sendable, Equatable {
    package enum Data: Sendable, Equatable {
        case address(IPAddress)  // A or AAAA
        case cname(String)
        case txt([[UInt8]])  // the character-strings of one record
        case other([UInt8])
    }

    package var name: String
    package var type: DNSRecordType
    package var dnsClass: UInt16 = 1
    package var ttl: UInt32
    package var data: Data

    package init(name: String, type: DNSRecordType, ttl: UInt32, data: Data) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.data = data
    }
}

// MARK: - Encoding

extension DNSMessage {
    package func encode() throws(DNSError) -> [UInt8] {
        var writer = DNSWriter()
        writer.u16(self.id)
        var flags: UInt16 = 0
        if self.isResponse { flags |= 0x8000 }
        flags |= UInt16(self.opcode & 0x0f) << 11
        if self.isAuthoritative { flags |= 0x0400 }
        if self.isTruncated { flags |= 0x0200 }
        if self.recursionDesired { flags |= 0x0100 }
        if self.recursionAvailable { flags |= 0x0080 }
        flags |= UInt16(self.rcode & 0x0f)
        writer.u16(flags)
        writer.u16(UInt16(self.questions.count))
        writer.u16(UInt16(self.answers.count))
        writer.u16(0)
        writer.u16(0)
        for question in self.questions {
            try writer.name(question.name)
            writer.u16(question.type.rawValue)
            writer.u16(question.dnsClass)
        }
        for record in self.answers {
            try writer.name(record.name)
            writer.u16(record.type.rawValue)
            writer.u16(record.dnsClass)
            writer.u32(record.ttl)
            let lengthAt = writer.bytes.count
            writer.u16(0)
            switch record.data {
            case .address(let address): writer.bytes += address.bytes
            case .cname(let target): try writer.name(target)
            case .txt(let strings):
                for string in strings {
                    guard string.count <= 255 else { throw .malformed("TXT character-string longer than 255 bytes") }
                    writer.bytes.append(UInt8(string.count))
                    writer.bytes += string
                }
            case .other(let raw): writer.bytes += raw
            }
            let length = writer.bytes.count - lengthAt - 2
            guard length <= 0xffff else { throw .malformed("record data longer than 65535 bytes") }
            writer.bytes[lengthAt] = UInt8(length >> 8)
            writer.bytes[lengthAt + 1] = UInt8(length & 0xff)
        }
        return writer.bytes
    }
}

private struct DNSWriter {
    var bytes: [UInt8] = []
    /// Suffixes already written, for compression pointers (RFC 1035 §4.1.4).
    var offsets: [String: Int] = [:]

    mutating func u16(_ value: UInt16) {
        self.bytes.append(UInt8(value >> 8))
        self.bytes.append(UInt8(value & 0xff))
    }

    mutating func u32(_ value: UInt32) {
        self.u16(UInt16(value >> 16))
        self.u16(UInt16(value & 0xffff))
    }

    mutating func name(_ name: String) throws(DNSError) {
        let labels = try DNSName.labels(of: name)
        for index in labels.indices {
            let suffix = labels[index...].joined(separator: ".").lowercased()
            if let offset = self.offsets[suffix] {
                self.u16(0xc000 | UInt16(offset))
                return
            }
            if self.bytes.count < 0x3fff { self.offsets[suffix] = self.bytes.count }
            self.bytes.append(UInt8(labels[index].utf8.count))
            self.bytes += labels[index].utf8
        }
        self.bytes.append(0)
    }
}

/// Name rules shared by the encoder and the resolver.
package enum DNSName {
    /// Lowercase, without a trailing dot.
    package static func normalize(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasSuffix("."), name.count > 1 { name.removeLast() }
        return name
    }

    /// The labels of a name to send: printable ASCII other than space, each 1–63 bytes, at most
    /// 253 characters in all (255 on the wire). The root (`""` or `"."`) has no labels.
    package static func labels(of name: String) throws(DNSError) -> [Substring] {
        let name = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard !name.isEmpty else { return [] }
        guard name.utf8.count <= 253, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw .malformed("\"\(name)\" is not a valid DNS name")
        }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ (1...63).contains($0.utf8.count) }) else {
            throw .malformed("\"\(name)\" is not a valid DNS name")
        }
        return labels
    }
}

// MARK: - Decoding

extension DNSMessage {
    /// The id of a message, if it is long enough to have one (to drop foreign packets cheaply).
    package static func peekID(_ bytes: [UInt8]) -> UInt16? {
        bytes.count >= 12 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : nil
    }

    package init(decoding bytes: [UInt8]) throws(DNSError) {
        var reader = DNSReader(bytes: bytes)
        self.init(id: try reader.u16())
        let flags = try reader.u16()
        self.isResponse = flags & 0x8000 != 0
        self.opcode = UInt8((flags >> 11) & 0x0f)
        self.isAuthoritative = flags & 0x0400 != 0
        self.isTruncated = flags & 0x0200 != 0
        self.recursionDesired = flags & 0x0100 != 0
        self.recursionAvailable = flags & 0x0080 != 0
        self.rcode = UInt8(flags & 0x0f)
        let questionCount = try reader.u16()
        let answerCount = try reader.u16()
        _ = try reader.u16()  // authority records: not read
        _ = try reader.u16()  // additional records: not read
        for _ in 0..<questionCount {
            var question = DNSQuestion(name: try reader.name(), type: DNSRecordType(rawValue: try reader.u16()))
            question.dnsClass = try reader.u16()
            self.questions.append(question)
        }
        for _ in 0..<answerCount {
            self.answers.append(try reader.record())
        }
    }
}

private struct DNSReader {
    let bytes: [UInt8]
    var position = 0

    mutating func u8() throws(DNSError) -> UInt8 {
        guard self.position < self.bytes.count else { throw .malformed("message ends early") }
        defer { self.position += 1 }
        return self.bytes[self.position]
    }

    mutating func u16() throws(DNSError) -> UInt16 {
        UInt16(try self.u8()) << 8 | UInt16(try self.u8())
    }

    mutating func u32() throws(DNSError) -> UInt32 {
        UInt32(try self.u16()) << 16 | UInt32(try self.u16())
    }

    mutating func take(_ count: Int) throws(DNSError) -> [UInt8] {
        guard count <= self.bytes.count - self.position else { throw .malformed("message ends early") }
        defer { self.position += count }
        return Array(self.bytes[self.position..<(self.position + count)])
    }

    /// A possibly compressed name. Pointers must point strictly backwards, which rules out loops.
    mutating func name() throws(DNSError) -> String {
        var labels: [String] = []
        var cursor = self.position
        var resumeAt: Int?
        var wireLength = 0
        while true {
            guard cursor < self.bytes.count else { throw .malformed("name runs past the message") }
            let length = Int(self.bytes[cursor])
            if length & 0xc0 == 0xc0 {
                guard cursor + 1 < self.bytes.count else { throw .malformed("name runs past the message") }
                let target = (length & 0x3f) << 8 | Int(self.bytes[cursor + 1])
                guard target < cursor else { throw .malformed("compression pointer does not point backwards") }
                if resumeAt == nil { resumeAt = cursor + 2 }
                cursor = target
                continue
            }
            guard length & 0xc0 == 0 else { throw .malformed("unsupported label type") }
            if length == 0 {
                if resumeAt == nil { resumeAt = cursor + 1 }
                break
            }
            wireLength += length + 1
            guard wireLength <= 255, cursor + 1 + length <= self.bytes.count else {
                throw .malformed("name too long")
            }
            labels.append(Self.text(of: self.bytes[(cursor + 1)...(cursor + length)]))
            cursor += 1 + length
        }
        self.position = resumeAt!
        return labels.joined(separator: ".")
    }

    /// Lowercase label text; dots, backslashes and unprintable bytes escaped as `\DDD` so a
    /// label holding a "." can never be mistaken for two labels.
    private static func text(of label: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in label {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                text.unicodeScalars.append(Unicode.Scalar(byte + 32))
            case 0x21...0x7e where byte != UInt8(ascii: ".") && byte != UInt8(ascii: "\\"):
                text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = String(byte)
                text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
            }
        }
        return text
    }

    mutating func record() throws(DNSError) -> DNSRecord {
        let name = try self.name()
        let type = DNSRecordType(rawValue: try self.u16())
        let dnsClass = try self.u16()
        let ttl = try self.u32()
        let length = Int(try self.u16())
        guard length <= self.bytes.count - self.position else { throw .malformed("record data runs past the message") }
        let end = self.position + length
        let data: DNSRecord.Data
        switch type {
        case .a, .aaaa:
            guard length == (type == .a ? 4 : 16) else { throw .malformed("\(type) record of \(length) bytes") }
            data = .address(IPAddress(bytes: try self.take(length))!)
        case .cname:
            data = .cname(try self.name())
            guard self.position == end else { throw .malformed("CNAME data length mismatch") }
        case .txt:
            var strings: [[UInt8]] = []
            while self.position < end {
                let count = Int(try self.u8())
                guard self.position + count <= end else { throw .malformed("TXT string runs past its record") }
                strings.append(try self.take(count))
            }
            data = .txt(strings)
        default:
            data = .other(try self.take(length))
        }
        var record = DNSRecord(name: name, type: type, ttl: ttl, data: data)
        record.dnsClass = dnsClass
        return record
    }
}
