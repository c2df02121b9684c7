import JECPModels
import JECPProviderKit
import Testing

@Suite struct HubSignatureVerifierTests {
    let body = Array(#"{"jecp":"1.0","id":"req-1","capability":"acme/text-tools","action":"word-count","input":{"text":"hi"}}"#.utf8)
    let now: Int64 = 1_767_225_600

    func sign(_ body: [UInt8], at timestamp: Int64, secret: String = testSecret) -> String {
        HubSignature.sign(secret: secret, timestamp: timestamp, body: body)
    }

    @Test func aSignatureMadeByTheHubVerifies() {
        let verifier = HubSignatureVerifier(secret: testSecret)
        let result = verifier.verify(signature: sign(body, at: now), timestamp: String(now), body: body, now: now)
        #expect(throws: Never.self) { try result.get() }
    }

    @Test func theWrongSecretIsABadSignature() {
        let verifier = HubSignatureVerifier(secret: testSecret)
        let result = verifier.verify(signature: sign(body, at: now, secret: "another-secret"), timestamp: String(now), body: body, now: now)
        #expect(result.failure == .badSignature)
    }

    @Test func aTamperedBodyIsABadSignature() {
        let verifier = HubSignatureVerifier(secret: testSecret)
        var tampered = body
        tampered[tampered.count - 4] = UInt8(ascii: "o")
        #expect(verifier.verify(signature: sign(body, at: now), timestamp: String(now), body: tampered, now: now).failure == .badSignature)
        // The timestamp is signed too: moving it breaks the signature.
        #expect(verifier.verify(signature: sign(body, at: now), timestamp: String(now - 1), body: body, now: now).failure == .badSignature)
    }

    @Test func timestampsOutsideTheToleranceAreStale() {
        let verifier = HubSignatureVerifier(secret: testSecret)
        let old = now - 301
        let future = now + 301
        #expect(verifier.verify(signature: sign(body, at: old), timestamp: String(old), body: body, now: now).failure == .stale(skewSeconds: 301))
        let early = verifier.verify(signature: sign(body, at: future), timestamp: String(future), body: body, now: now)
        #expect(early.failure == .stale(skewSeconds: -301))
        // The edges of the window are inside it.
        #expect(verifier.verify(signature: sign(body, at: now - 300), timestamp: String(now - 300), body: body, now: now).failure == nil)
        #expect(verifier.verify(signature: sign(body, at: now + 300), timestamp: String(now + 300), body: body, now: now).failure == nil)
        let strict = HubSignatureVerifier(secret: testSecret, tolerance: 5)
        #expect(strict.verify(signature: sign(body, at: now - 6), timestamp: String(now - 6), body: body, now: now).failure == .stale(skewSeconds: 6))
    }

    @Test func aReplayedSignatureIsRejected() {
        let verifier = HubSignatureVerifier(secret: testSecret)
        let signature = sign(body, at: now)
        #expect(verifier.verify(signature: signature, timestamp: String(now), body: body, now: now).failure == nil)
        #expect(verifier.verify(signature: signature, timestamp: String(now), body: body, now: now + 10).failure == .replayed)
        // The same request with its v1= values rearranged is still the same request.
        #expect(verifier.verify(signature: "v1=AAAA, " + signature, timestamp: String(now), body: body, now: now + 20).failure == .replayed)
        // Copies share the cache.
        let copy = verifier
        #expect(copy.verify(signature: signature, timestamp: String(now), body: body, now: now + 30).failure == .replayed)
        // Another request in the same second is not a replay.
        let other = Array(#"{"id":"req-2"}"#.utf8)
        #expect(verifier.verify(signature: sign(other, at: now), timestamp: String(now), body: other, now: now).failure == nil)
    }

    @Test func anyOfSeveralV1ValuesMayMatch() {
        let verifier = HubSignatureVerifier(secret: testSecret)
        let good = sign(body, at: now)
        let old = sign(body, at: now, secret: "retired-secret")
        let headers = ["\(old),\(good)", "\(good) \(old)", "v0=abc, \(good)", "v1=not*base64, \(good)"]
        for (offset, header) in headers.enumerated() {
            let timestamp = now + Int64(offset)  // a fresh request each time, not a replay
            let signature = header.replacingOccurrences(of: good, with: sign(body, at: timestamp))
                .replacingOccurrences(of: old, with: sign(body, at: timestamp, secret: "retired-secret"))
            #expect(verifier.verify(signature: signature, timestamp: String(timestamp), body: body, now: now).failure == nil, "\(header)")
        }
        #expect(verifier.verify(signature: "\(old) v1=", timestamp: String(now), body: body, now: now).failure == .badSignature)
        #expect(verifier.verify(signature: String(good.dropFirst(3)), timestamp: String(now), body: body, now: now).failure == .badSignature)
    }

    @Test func missingAndMalformedHeaders() {
        let verifier = HubSignatureVerifier(secret: testSecret)
        let signature = sign(body, at: now)
        #expect(verifier.verify(signature: nil, timestamp: String(now), body: body, now: now).failure == .missingHeaders)
        #expect(verifier.verify(signature: signature, timestamp: nil, body: body, now: now).failure == .missingHeaders)
        #expect(verifier.verify(signature: "", timestamp: String(now), body: body, now: now).failure == .missingHeaders)
        for timestamp in ["abc", "-5", "1.5", "+\(now)", "99999999999999999999999"] {
            #expect(verifier.verify(signature: signature, timestamp: timestamp, body: body, now: now).failure == .malformedTimestamp, "\(timestamp)")
        }
    }

    @Test func entriesLeaveTheReplayCacheWithTheirWindow() {
        let verifier = HubSignatureVerifier(secret: testSecret, replayCapacity: 1)
        let first = Array("first".utf8)
        #expect(verifier.verify(signature: sign(first, at: now), timestamp: String(now), body: first, now: now).failure == nil)
        // Five minutes on, the first entry has expired, so the full cache evicts it without raising the floor…
        let later = now + 301
        let second = Array("second".utf8)
        #expect(verifier.verify(signature: sign(second, at: later), timestamp: String(later), body: second, now: later).failure == nil)
        // …and a request from early in the current window is still welcome.
        let third = Array("third".utf8)
        #expect(verifier.verify(signature: sign(third, at: now + 1), timestamp: String(now + 1), body: third, now: later).failure == nil)
    }

    @Test func aFullReplayCacheNeverLetsAReplayThrough() {
        let verifier = HubSignatureVerifier(secret: testSecret, replayCapacity: 2)
        let requests = (0..<3).map { Array("request-\($0)".utf8) }
        for (offset, request) in requests.enumerated() {
            let timestamp = now - 10 + Int64(offset)
            #expect(verifier.verify(signature: sign(request, at: timestamp), timestamp: String(timestamp), body: request, now: now).failure == nil)
        }
        // request-0 was evicted while still inside the window: replaying it must fail all the same.
        let replay = verifier.verify(signature: sign(requests[0], at: now - 10), timestamp: String(now - 10), body: requests[0], now: now)
        #expect(replay.failure == .replayed)
        // Fresh requests keep flowing.
        let fresh = Array("fresh".utf8)
        #expect(verifier.verify(signature: sign(fresh, at: now), timestamp: String(now), body: fresh, now: now).failure == nil)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
