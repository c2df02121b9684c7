import Crypto
import Foundation
import JECPModels
import JECPSchema
import Logging

extension InvokePipeline {
    /// `application/json`, any case, with optional parameters such as `; charset=utf-8`.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return mediaType.lowercased() == "application/json"
    }

    static func rateLimitHeaders(_ decision: SlidingWindowLimiter.Decision) -> [(name: String, value: String)] {
        [("X-RateLimit-Limit", String(decision.limit)), ("X-RateLimit-Remaining", String(decision.remaining)),
         ("X-RateLimit-Reset", String(Int64(decision.resetAt.rounded(.up))))]
    }

    func rateLimited(_ decision: SlidingWindowLimiter.Decision, tier: TrustTier) -> JECPError {
        let seconds = decision.retryAfterSeconds
        return JECPError(.rateLimited, "Rate limit of \(decision.limit) requests per minute reached; retry in \(seconds) s.",
                         details: ["tier": .string(tier.rawValue), "limit_rpm": .number(JSONNumber(decision.limit)),
                                   "retry_after_seconds": .number(JSONNumber(seconds)),
                                   "reset_at": .string(Timestamps.rfc3339(Int64(decision.resetAt.rounded(.up))))],
                         nextAction: nextActions.wait(seconds: seconds), headers: [("Retry-After", String(seconds))])
    }

    func verifyProvenance(_ wire: String, mandate: InvokeRequest.Mandate, now: Int64) async throws(JECPError) {
        func mismatch(_ failure: Provenance.Failure, _ message: String, extra: [String: JSONValue] = [:]) -> JECPError {
            var details = extra
            details["subcause"] = .string(failure.rawValue)
            return JECPError(.provenanceMismatch, message, details: details)
        }
        guard wire.hasPrefix("v2:") else {
            // v1 (64 hex) passed its 2026-11-01 sunset; anything else is malformed.
            throw mismatch(.wireMalformed, "Provenance v1 was retired on 2026-11-01; send a v2 hash (v2:<ts>:<nonce>:<hmac>).",
                           extra: ["received_format": .string(wire.utf8.count == 64 ? "v1" : "unknown"), "supported": ["v2"]])
        }
        switch Provenance.verifyV2(wire, apiKey: mandate.apiKey, agentID: mandate.agentID, now: now) {
        case .failure(.clockSkew):
            let drift = now - (Provenance.timestamp(of: wire) ?? now)
            throw mismatch(.clockSkew, "The provenance timestamp is \(abs(drift)) s away from the Hub's clock; the limit is 300 s.",
                           extra: ["drift_seconds": .number(JSONNumber(drift)), "max_skew_seconds": 300])
        case .failure(.wireMalformed):
            throw mismatch(.wireMalformed, "provenance_hash is not v2:<unix seconds>:<16+ hex nonce>:<64 lowercase hex HMAC>.")
        case .failure(.hmacMismatch):
            throw mismatch(.hmacMismatch, "The provenance HMAC does not match one computed with mandate.api_key.")
        case .failure(.nonceReplay):
            throw mismatch(.nonceReplay, "This provenance nonce was already used.")
        case .success(let verified):
            let fresh = try await withStore {
                try await store.recordNonce(agentID: mandate.agentID, nonce: verified.nonce.lowercased(), now: now, ttlSeconds: Self.nonceTTLSeconds)
            }
            guard fresh else {
                throw mismatch(.nonceReplay, "This provenance nonce was already used in the last 600 s; generate a fresh nonce per request.")
            }
        }
    }

    /// SHA-256 over `capability | action | canonical input | provenance` (ADR-0001).
    public static func fingerprint(_ request: InvokeRequest) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(request.capability.utf8))
        hasher.update(data: [UInt8(ascii: "|")])
        hasher.update(data: Array(request.action.utf8))
        hasher.update(data: [UInt8(ascii: "|")])
        hasher.update(data: request.canonicalInput)
        hasher.update(data: [UInt8(ascii: "|")])
        hasher.update(data: Array((request.mandate?.provenanceHash ?? "").utf8))
        return Array(hasher.finalize())
    }

    /// Provenance nonces are remembered twice the ±300 s timestamp window (spec 02 §5.2).
    static var nonceTTLSeconds: Int64 { 600 }

    enum KeyClaim {
        case stored(IdempotencyRecord)
        case claimed(InflightRequests.Claim)
    }

    /// Owns `(agent, key)` first in this process (concurrent local requests wait here without a
    /// round trip), then in the store. While a request on another node holds it, polls until that
    /// one stores its response or gives the key back; after `claimWaitSeconds` it answers 503.
    /// Without `waitIfBusy` (streams) a held key answers `STREAM_IN_PROGRESS` at once.
    func claimKey(agentID: String, key: String, now: Int64, waitIfBusy: Bool = true) async throws(JECPError) -> KeyClaim {
        let localKey = agentID + "\u{0}" + key
        let local: InflightRequests.Claim
        if waitIfBusy {
            local = await inflight.claim(localKey)
        } else {
            guard let claimed = inflight.claimNow(localKey) else { throw streamInProgress(key) }
            local = claimed
        }
        let deadline = ContinuousClock.now + .seconds(settings.claimWaitSeconds)
        var pause = Duration.milliseconds(5)
        while true {
            let answer: RequestClaim
            do throws(JECPError) {
                let leaseUntil = Int64(clock()) + settings.claimLeaseSeconds
                answer = try await withStore { try await store.claimRequest(agentID: agentID, key: key, now: Int64(clock()), leaseUntil: leaseUntil) }
            } catch {
                local.release()
                throw error
            }
            switch answer {
            case .claimed:
                return .claimed(local)
            case .stored(let record):
                local.release()
                return .stored(record)
            case .busy(let leaseUntil):
                guard waitIfBusy else {
                    local.release()
                    throw streamInProgress(key)
                }
                guard ContinuousClock.now < deadline, !Task.isCancelled else {
                    local.release()
                    let wait = max(1, min(leaseUntil - Int64(clock()), 60))
                    throw JECPError(.serviceDegraded, "Request id '\(key)' is still executing on another Hub node; retry with the same id to get its result.",
                                    details: ["reason": "request_in_progress", "id": .string(key), "retry_after_seconds": .number(JSONNumber(wait))],
                                    nextAction: nextActions.wait(seconds: Int(wait)), headers: [("Retry-After", String(wait))])
                }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(200))
            }
        }
    }

    func streamInProgress(_ key: String) -> JECPError {
        JECPError(.streamInProgress, "A request with id '\(key)' is still running; its stream must end before this id can be replayed.",
                  details: ["id": .string(key)], nextAction: nextActions.wait(seconds: 1), headers: [("Retry-After", "1")])
    }

    /// Gives the store's claim back; a failure here only delays a retry until the lease ends.
    func releaseClaim(agentID: String, key: String) async {
        do {
            try await store.releaseRequest(agentID: agentID, key: key)
        } catch {
            logger.warning("could not release a request claim; it lapses with its lease", metadata: ["jecp.error": "\(error)"])
        }
    }

    /// `Sunset`, `Deprecation` and `Link` headers of spec 01 §4.6.
    func sunsetHeaders(_ deprecation: Deprecation) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Sunset", Timestamps.imfFixdate(deprecation.sunsetAt)), ("Deprecation", "true"),
            ("Link", "<\(settings.url("/errors/capability_deprecated"))>; rel=\"deprecation\""),
        ]
        if let successor = deprecation.successor {
            let capability = successor.split(separator: "/").dropLast().joined(separator: "/")
            headers.append(("Link", "<\(settings.url("/v1/capabilities/\(capability.isEmpty ? successor : capability)"))>; rel=\"successor-version\""))
        }
        return headers
    }

    func insufficientFunds(price: Money, balance: Money, freeCallsRemaining: Int64) -> JECPError {
        let code: ErrorCode = balance == .zero ? .paymentRequired : .insufficientBalance
        let message = balance == .zero
            ? "This call costs \(price) USDC; free calls are used up and the wallet is empty."
            : "Wallet balance \(balance) USDC is below the price \(price) USDC."
        return JECPError(code, message,
                         details: ["required_usdc": price.json, "remaining_usdc": balance.json,
                                   "free_calls_remaining": .number(JSONNumber(freeCallsRemaining))],
                         nextAction: nextActions.topup())
    }

    /// Runs the action racing its deadline: a composite through the composite engine, anything else
    /// through its capability. Output that violates the output schema is the capability's bug: the
    /// agent gets `OUTPUT_INVALID` and pays nothing.
    func execute(entry: CapabilityCatalog.Entry, action: CapabilityCatalog.ResolvedAction, input: JSONValue, context: ExecutionContext)
        async throws(JECPError) -> Executed
    {
        let name = action.descriptor.name
        // A relayed stream has its own idle limit; the whole of it may take up to the total cap.
        let timeout = context.relay == nil ? action.descriptor.timeoutSeconds : settings.streamTotalTimeoutSeconds
        let output: Executed
        do {
            output = try await withThrowingTaskGroup(of: Executed?.self) { group in
                if let composes = action.descriptor.composes {
                    let engine = CompositeEngine(catalog: catalog)
                    group.addTask {
                        let run = try await engine.run(composes, input: input, context: context) { entry, action, input, context throws(JECPError) in
                            try await self.execute(entry: entry, action: action, input: input, context: context).output
                        }
                        return Executed(output: run.output, steps: run.steps)
                    }
                } else {
                    let capability = entry.capability
                    group.addTask { Executed(output: try await capability.execute(action: name, input: input, context: context), steps: []) }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let output = first else {
                    let code: ErrorCode = context.relay != nil ? .streamTimeout : action.descriptor.composes == nil ? .providerTimeout : .compositeTimeout
                    throw JECPError(code, "\(entry.id)/\(name) did not finish within \(Self.seconds(timeout)) s; nothing was charged.",
                                    details: ["capability": .string(entry.id), "action": .string(name),
                                              "timeout_seconds": .number(JSONNumber(timeout))])
                }
                return output
            }
        } catch let error as JECPError {
            throw error
        } catch let partial as PartialDelivery {
            return Executed(output: partial.output, steps: [])
        } catch {
            logger.warning("capability failed", metadata: ["jecp.capability": "\(entry.id)", "jecp.action": "\(name)", "jecp.error": "\(type(of: error))"])
            throw JECPError(.executionFailed, "\(entry.id)/\(name) failed while executing; nothing was charged.",
                            details: ["capability": .string(entry.id), "action": .string(name)])
        }
        if !action.outputSchema.isValid(output.output) {
            let first = action.outputSchema.validate(output.output).first
            logger.error("output violates its schema", metadata: ["jecp.capability": "\(entry.id)", "jecp.action": "\(name)"])
            throw JECPError(.outputInvalid, "\(entry.id)/\(name) returned output that violates its output_schema; nothing was charged.",
                            details: ["instance_path": .string(first?.instancePath ?? ""), "reason": .string(first?.reason ?? "")])
        }
        return output
    }

    /// An action's output, and for a composite the steps that ran.
    struct Executed: Sendable {
        let output: JSONValue
        let steps: [CompositeEngine.StepRecord]

        /// What each other provider whose step succeeded earns: 85% of the step's price.
        func stepShares(payee: LedgerAccount) -> [StepShare] {
            steps.filter { $0.succeeded && $0.payee != payee && $0.price > .zero }
                .map { StepShare(account: $0.payee, amount: RevenueSplit(price: $0.price).provider) }
        }
    }

    /// `30`, or `0.25` for sub-second test deadlines.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The success envelope with sorted keys: `billing`, `execution`, then the precomputed tail.
    static func renderSuccess(billing: Billing, durationMS: Int64, engine: String, provider: String, tail: [UInt8]) -> [UInt8] {
        let billingJSON: JSONValue = [
            "cost_usdc": billing.cost.json,
            "method": .string(billing.method.rawValue),
            "balance_after": billing.balanceAfter.json,
            "transaction_id": billing.transactionID.map { .string($0) } ?? .null,
            "free_calls_remaining": .number(JSONNumber(billing.freeCallsRemaining)),
        ]
        let execution: JSONValue = [
            "duration_ms": .number(JSONNumber(durationMS)),
            "engine": .string(engine),
            "provider": .string(provider),
            "trust_tier": .string(billing.tierAfter.rawValue),
        ]
        var out: [UInt8] = []
        out.reserveCapacity(tail.count + 256)
        out.append(contentsOf: "{\"billing\":".utf8)
        billingJSON.write(into: &out)
        out.append(contentsOf: ",\"execution\":".utf8)
        execution.write(into: &out)
        out.append(contentsOf: tail)
        return out
    }
}
