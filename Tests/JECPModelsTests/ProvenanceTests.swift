import Foundation
import JECPModels
import Testing

/// The cross-stack Provenance v2 vectors of the spec (`shared/spec/fixtures/provenance-v2-vectors.json`).
enum ProvenanceFixture {
    struct ValidVector: Sendable, CustomTestStringConvertible {
        let name: String
        let apiKey: String
        let agentID: String
        let timestamp: Int64
        let nonce: String
        let expectedWire: String
        var testDescription: String { name }
    }

    struct InvalidVector: Sendable, CustomTestStringConvertible {
        let name: String
        let wire: String
        let apiKey: String
        let agentID: String
        let now: Int64
        let expectedSubcause: String
        var testDescription: String { name }
    }

    struct SkewCase: Sendable, CustomTestStringConvertible {
        let name: String
        let offset: Int64
        /// `nil` means the call must verify.
        let expectedSubcause: String?
        var testDescription: String { name }
    }

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// `<repo>/Tests/JECPModelsTests/<file>` → `<repo>/../shared/spec/fixtures/provenance-v2-vectors.json`.
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("../../../shared/spec/fixtures/provenance-v2-vectors.json")
        .standardizedFileURL

    static func document() throws -> JSONValue {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LoadError(description: "cannot read the Provenance v2 fixture at \(url.path): \(error)")
        }
        return try JSONValue(parsing: Array(data))
    }

    static func string(_ value: JSONValue?, _ what: String) throws -> String {
        guard let text = value?.stringValue else { throw LoadError(description: "\(what) is not a string") }
        return text
    }

    static func integer(_ value: JSONValue?, _ what: String) throws -> Int64 {
        guard let number = value?.numberValue?.integerValue else { throw LoadError(description: "\(what) is not an integer") }
        return number
    }

    static func valid() throws -> [ValidVector] {
        try (document()["valid"]?.arrayValue ?? []).map { vector in
            let input = vector["input"]
            return ValidVector(
                name: try string(vector["name"], "valid.name"),
                apiKey: try string(input?["api_key"], "valid.input.api_key"),
                agentID: try string(input?["agent_id"], "valid.input.agent_id"),
                timestamp: try integer(input?["timestamp"], "valid.input.timestamp"),
                nonce: try string(input?["nonce"], "valid.input.nonce"),
                expectedWire: try string(vector["expected_wire"], "valid.expected_wire"))
        }
    }

    static func invalid() throws -> [InvalidVector] {
        try (document()["invalid"]?.arrayValue ?? []).map { vector in
            let input = vector["input"]
            return InvalidVector(
                name: try string(vector["name"], "invalid.name"),
                wire: try string(vector["wire"], "invalid.wire"),
                apiKey: try string(input?["api_key"], "invalid.input.api_key"),
                agentID: try string(input?["agent_id"], "invalid.input.agent_id"),
                now: try integer(input?["now"], "invalid.input.now"),
                expectedSubcause: try string(vector["expected_subcause"], "invalid.expected_subcause"))
        }
    }

    static func clockSkew() throws -> [SkewCase] {
        try (document()["clock_skew"]?.arrayValue ?? []).map { entry in
            let subcause = entry["expected_subcause"]
            return SkewCase(
                name: try string(entry["name"], "clock_skew.name"),
                offset: try integer(entry["skew_offset_sec"], "clock_skew.skew_offset_sec"),
                expectedSubcause: subcause?.isNull == true ? nil : try string(subcause, "clock_skew.expected_subcause"))
        }
    }
}

@Suite("Provenance v2")
struct ProvenanceTests {
    @Test("The fixture is found and has every section")
    func fixtureLoads() throws {
        #expect(try ProvenanceFixture.valid().count >= 3)
        #expect(try ProvenanceFixture.invalid().count >= 7)
        #expect(try ProvenanceFixture.clockSkew().count >= 3)
    }

    @Test("Valid vectors compute the expected wire and verify", arguments: try ProvenanceFixture.valid())
    func validVector(_ vector: ProvenanceFixture.ValidVector) throws {
        let wire = Provenance.computeV2(apiKey: vector.apiKey, agentID: vector.agentID, timestamp: vector.timestamp, nonce: vector.nonce)
        #expect(wire == vector.expectedWire)
        let result = Provenance.verifyV2(vector.expectedWire, apiKey: vector.apiKey, agentID: vector.agentID, now: vector.timestamp)
        let verified = try result.get()
        #expect(verified.timestamp == vector.timestamp)
        #expect(verified.nonce == vector.nonce.lowercased())
        #expect(Provenance.timestamp(of: vector.expectedWire) == vector.timestamp)
    }

    @Test("Valid vectors fail with another key or agent", arguments: try ProvenanceFixture.valid())
    func validVectorWithWrongSecret(_ vector: ProvenanceFixture.ValidVector) {
        let ts = vector.timestamp
        #expect(Provenance.verifyV2(vector.expectedWire, apiKey: vector.apiKey + "x", agentID: vector.agentID, now: ts) == .failure(.hmacMismatch))
        #expect(Provenance.verifyV2(vector.expectedWire, apiKey: vector.apiKey, agentID: vector.agentID + "x", now: ts) == .failure(.hmacMismatch))
        // Flip the last hex digit of the tag.
        var wire = vector.expectedWire
        let last = wire.removeLast()
        wire.append(last == "0" ? "1" : "0")
        #expect(Provenance.verifyV2(wire, apiKey: vector.apiKey, agentID: vector.agentID, now: ts) == .failure(.hmacMismatch))
        // The signed timestamp is bound: the same tag with another timestamp fails.
        let shifted = vector.expectedWire.replacingOccurrences(of: "v2:\(ts):", with: "v2:\(ts + 1):")
        #expect(Provenance.verifyV2(shifted, apiKey: vector.apiKey, agentID: vector.agentID, now: ts) == .failure(.hmacMismatch))
    }

    @Test("Invalid vectors fail with the expected subcause", arguments: try ProvenanceFixture.invalid())
    func invalidVector(_ vector: ProvenanceFixture.InvalidVector) throws {
        let expected = try #require(Provenance.Failure(rawValue: vector.expectedSubcause))
        let result = Provenance.verifyV2(vector.wire, apiKey: vector.apiKey, agentID: vector.agentID, now: vector.now)
        #expect(result == .failure(expected))
    }

    /// The fixture's offsets are symmetric in effect (the spec checks `|now - timestamp| <= 300`), so
    /// both "the client's clock is ahead" and "behind" are checked for each entry.
    @Test("Clock skew entries", arguments: try ProvenanceFixture.clockSkew())
    func clockSkew(_ entry: ProvenanceFixture.SkewCase) throws {
        let vector = try #require(try ProvenanceFixture.valid().first)
        for now in [vector.timestamp - entry.offset, vector.timestamp + entry.offset] {
            let result = Provenance.verifyV2(vector.expectedWire, apiKey: vector.apiKey, agentID: vector.agentID, now: now)
            if let subcause = entry.expectedSubcause {
                let expected = try #require(Provenance.Failure(rawValue: subcause))
                #expect(result == .failure(expected), "now = \(now)")
            } else {
                #expect(throws: Never.self, "now = \(now)") { try result.get() }
            }
        }
    }

    @Test("The skew window is exactly ±300 seconds", arguments: [-301, -300, -1, 0, 1, 299, 300, 301, 100_000] as [Int64])
    func skewBoundary(drift: Int64) throws {
        #expect(Provenance.maximumSkewSeconds == 300)
        let vector = try #require(try ProvenanceFixture.valid().first)
        let result = Provenance.verifyV2(vector.expectedWire, apiKey: vector.apiKey, agentID: vector.agentID, now: vector.timestamp + drift)
        if abs(drift) <= 300 {
            #expect((try? result.get())?.timestamp == vector.timestamp)
        } else {
            #expect(result == .failure(.clockSkew))
        }
    }

    @Test("Checks run in spec order: wire format, then skew, then HMAC")
    func checkOrder() {
        let ts: Int64 = 1_900_000_000
        let badTag = String(repeating: "0", count: 64)
        // Wrong tag and far-off timestamp: skew is reported, the HMAC is never looked at.
        #expect(Provenance.verifyV2("v2:\(ts):0123456789abcdef:\(badTag)", apiKey: "k", agentID: "a", now: ts + 10_000) == .failure(.clockSkew))
        // Malformed and far off: malformed wins.
        #expect(Provenance.verifyV2("v2:\(ts):0123456789abcdef:\(badTag.dropLast())", apiKey: "k", agentID: "a", now: ts + 10_000) == .failure(.wireMalformed))
        // Well formed, in the window, wrong tag.
        #expect(Provenance.verifyV2("v2:\(ts):0123456789abcdef:\(badTag)", apiKey: "k", agentID: "a", now: ts) == .failure(.hmacMismatch))
    }

    @Test(
        "Wire strings outside ^v2:[0-9]+:[0-9a-fA-F]{16,}:[0-9a-f]{64}$ are malformed",
        arguments: [
            "", "v2", "v2:::", "v1:1900000000:0123456789abcdef:TAG", "V2:1900000000:0123456789abcdef:TAG",
            "v2:-1900000000:0123456789abcdef:TAG", "v2:+1900000000:0123456789abcdef:TAG", "v2::0123456789abcdef:TAG",
            "v2:1900000000:0123456789abcde:TAG", "v2:1900000000:0123456789abcdeg:TAG", "v2:1900000000::TAG",
            "v2:1900000000:0123456789abcdef:TAG:extra", "v2:1900000000:0123456789abcdef:TAG0", " v2:1900000000:0123456789abcdef:TAG",
            "v2:1900000000:0123456789abcdef:UPPERTAG",
        ]
    )
    func malformedWire(template: String) {
        let tag = Provenance.computeV2(apiKey: "k", agentID: "a", timestamp: 1_900_000_000, nonce: "0123456789abcdef").split(separator: ":")[3]
        let wire = template
            .replacingOccurrences(of: "UPPERTAG", with: tag.uppercased())
            .replacingOccurrences(of: "TAG", with: tag)
        #expect(Provenance.verifyV2(wire, apiKey: "k", agentID: "a", now: 1_900_000_000) == .failure(.wireMalformed), "\(wire)")
    }

    @Test("An uppercase nonce verifies and is reported lowercased")
    func uppercaseNonce() throws {
        let nonce = "DEADBEEF0123456789ABCDEF01234567"
        let wire = Provenance.computeV2(apiKey: "jdb_ak_secret", agentID: "jdb_ag_agent", timestamp: 1_900_000_000, nonce: nonce)
        #expect(wire.hasPrefix("v2:1900000000:\(nonce):"))
        let verified = try Provenance.verifyV2(wire, apiKey: "jdb_ak_secret", agentID: "jdb_ag_agent", now: 1_900_000_100).get()
        #expect(verified.nonce == "deadbeef0123456789abcdef01234567")
        #expect(verified.timestamp == 1_900_000_000)
        // The HMAC covers the nonce as sent: lowercasing it on the wire breaks the tag.
        let lowered = wire.replacingOccurrences(of: nonce, with: nonce.lowercased())
        #expect(Provenance.verifyV2(lowered, apiKey: "jdb_ak_secret", agentID: "jdb_ag_agent", now: 1_900_000_000) == .failure(.hmacMismatch))
    }

    @Test("freshNonce is 32 lowercase hex characters and never repeats")
    func freshNonce() throws {
        let first = Provenance.freshNonce()
        let second = Provenance.freshNonce()
        for nonce in [first, second] {
            #expect(nonce.utf8.count == 32)
            #expect(nonce.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }, "\(nonce)")
        }
        #expect(first != second)
        let many = Set((0..<200).map { _ in Provenance.freshNonce() })
        #expect(many.count == 200)
        // Every hex digit shows up somewhere (the generator covers the whole byte range).
        #expect(Set(many.joined()).count == 16)
        // And a fresh nonce makes a verifiable wire string.
        let wire = Provenance.computeV2(apiKey: "key", agentID: "agent", timestamp: 1_800_000_000, nonce: first)
        #expect(try Provenance.verifyV2(wire, apiKey: "key", agentID: "agent", now: 1_800_000_000).get().nonce == first)
    }

    @Test("timestamp(of:) reads the timestamp of v2 wire strings only")
    func timestampOf() {
        #expect(Provenance.timestamp(of: "v2:1762689600:0123456789abcdef:00") == 1_762_689_600)
        #expect(Provenance.timestamp(of: "v2:x:0123456789abcdef:00") == nil)
        #expect(Provenance.timestamp(of: "v1:1762689600:0123456789abcdef:00") == nil)
        #expect(Provenance.timestamp(of: "v2:1762689600:abc") == nil)
    }

    @Test("Hex helpers")
    func hexHelpers() {
        #expect(([0x00, 0x0F, 0xA0, 0xFF] as [UInt8]).hexString == "000fa0ff")
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(constantTimeEqual([], []))
    }
}
