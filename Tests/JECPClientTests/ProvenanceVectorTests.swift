import Foundation
import JECPClient
import JECPHubCore
import JECPModels
import Testing

/// The spec's cross-stack provenance v2 vectors, through the API SDK users get (`import JECPClient`).
@Suite struct ProvenanceVectorTests {
    static let fixture: JSONValue = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/spec/fixtures/provenance-v2-vectors.json")
        return (try? JSONValue(parsing: Array((try? Data(contentsOf: url)) ?? Data()))) ?? .null
    }()

    @Test func fixtureIsPresent() {
        #expect(Self.fixture["valid"]?.arrayValue?.count == 3)
        #expect(Self.fixture["invalid"]?.arrayValue?.count == 7)
        #expect(Self.fixture["clock_skew"]?.arrayValue?.count == 3)
    }

    @Test func validVectorsComputeAndVerify() throws {
        for vector in Self.fixture["valid"]?.arrayValue ?? [] {
            let input = try #require(vector["input"])
            let apiKey = try #require(input["api_key"]?.stringValue), agentID = try #require(input["agent_id"]?.stringValue)
            let timestamp = try #require(input["timestamp"]?.numberValue?.integerValue), nonce = try #require(input["nonce"]?.stringValue)
            let wire = Provenance.computeV2(apiKey: apiKey, agentID: agentID, timestamp: timestamp, nonce: nonce)
            #expect(wire == vector["expected_wire"]?.stringValue, "\(vector["name"] ?? "")")
            let verified = Provenance.verifyV2(wire, apiKey: apiKey, agentID: agentID, now: timestamp)
            #expect((try? verified.get())?.nonce == nonce.lowercased())
        }
    }

    @Test func invalidVectorsFailWithTheirSubcause() throws {
        for vector in Self.fixture["invalid"]?.arrayValue ?? [] {
            let input = try #require(vector["input"])
            let result = Provenance.verifyV2(try #require(vector["wire"]?.stringValue), apiKey: try #require(input["api_key"]?.stringValue),
                                             agentID: try #require(input["agent_id"]?.stringValue),
                                             now: try #require(input["now"]?.numberValue?.integerValue))
            guard case .failure(let failure) = result else {
                Issue.record("\(vector["name"] ?? "") verified")
                continue
            }
            #expect(failure.rawValue == vector["expected_subcause"]?.stringValue, "\(vector["name"] ?? "")")
        }
    }

    @Test func clockSkewCases() throws {
        let now: Int64 = 1_900_000_000
        for skew in Self.fixture["clock_skew"]?.arrayValue ?? [] {
            let offset = try #require(skew["skew_offset_sec"]?.numberValue?.integerValue)
            let wire = Provenance.computeV2(apiKey: "jdb_ak_skew", agentID: "jdb_ag_skew", timestamp: now + offset, nonce: Provenance.freshNonce())
            let result = Provenance.verifyV2(wire, apiKey: "jdb_ak_skew", agentID: "jdb_ag_skew", now: now)
            switch result {
            case .success: #expect(skew["expected_subcause"] == .null, "\(skew["name"] ?? "")")
            case .failure(let failure): #expect(failure.rawValue == skew["expected_subcause"]?.stringValue, "\(skew["name"] ?? "")")
            }
        }
    }

    @Test func replayCacheRefusesASecondUseOfEachValidNonce() throws {
        let cache = NonceReplayCache()
        for vector in Self.fixture["valid"]?.arrayValue ?? [] {
            let input = try #require(vector["input"])
            let wire = try #require(vector["expected_wire"]?.stringValue)
            let timestamp = try #require(input["timestamp"]?.numberValue?.integerValue)
            let agentID = try #require(input["agent_id"]?.stringValue)
            let verified = try Provenance.verifyV2(wire, apiKey: try #require(input["api_key"]?.stringValue), agentID: agentID, now: timestamp).get()
            #expect(cache.insertIfFresh(agentID: agentID, nonce: verified.nonce, now: timestamp))
            #expect(!cache.insertIfFresh(agentID: agentID, nonce: verified.nonce.uppercased().lowercased(), now: timestamp + 1))
            // After the cache's 600 s window the nonce could be accepted again, but the 300 s skew rule refuses the wire first.
            #expect((try? Provenance.verifyV2(wire, apiKey: try #require(input["api_key"]?.stringValue), agentID: agentID, now: timestamp + 601).get()) == nil)
        }
    }
}
