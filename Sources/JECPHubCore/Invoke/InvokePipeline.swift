import Crypto
import Foundation
import JECPModels
import JECPSchema
import Logging

/// `POST /v1/invoke` (and its alias): the ordered pipeline of the hub-core issue §4, steps 1–14.
///
/// The hot path does one database read (the agent), one more for the idempotency lookup, and one
/// write transaction that settles money, the invocation and the stored response together.
public struct InvokePipeline<Store: HubStore>: Sendable {
    let store: Store
    let catalog: CapabilityCatalog
    let settings: HubSettings
    let authenticator: Authenticator<Store>
    let inflight: InflightRequests
    let nextActions: NextActions
    let artifacts: ArtifactDelivery<Store>
    let logger: Logger
    let clock: @Sendable () -> Double

    public init(store: Store, catalog: CapabilityCatalog, settings: HubSettings, hasher: KeyHasher,
                inflight: InflightRequests, artifactSigner: ArtifactSigner, logger: Logger,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store
        self.catalog = catalog
        self.settings = settings
        self.nextActions = NextActions(settings: settings)
        self.authenticator = Authenticator(store: store, hasher: hasher, nextActions: nextActions)
        self.inflight = inflight
        self.artifacts = ArtifactDelivery(store: store, signer: artifactSigner, settings: settings)
        self.logger = logger
        self.clock = clock
    }

    /// Runs the pipeline; never throws: every failure is an error envelope. A request for
    /// `delivery.mode = stream` that passes every check comes back as a stream to run.
    public func respond(to request: InvokeHTTPRequest) async -> InvokeResponse {
        var headers: [(name: String, value: String)] = [("Cache-Control", "no-store")]
        var echoID: String?
        do {
            switch try await admit(request, headers: &headers, echoID: &echoID) {
            case .replay(let outcome, let streamed, let relay):
                return streamed ? .stream(InvokeStream(replaying: outcome, relay: relay)) : .complete(outcome)
            case .admitted(let invocation) where invocation.relay:
                let open: JSONValue = ["request_id": .string(invocation.envelope.id), "capability": .string(invocation.envelope.capability),
                                       "action": .string(invocation.envelope.action)]
                return .stream(InvokeStream(headers: invocation.headers, style: .relay(open: open)) { channel, _ in
                    await finish(invocation, progress: .silent, relay: StreamRelay(channel: channel), isConnected: channel.isConnected, headers: [])
                })
            case .admitted(let invocation) where invocation.envelope.delivery.mode == .stream:
                return .stream(InvokeStream(headers: invocation.headers) { channel, progress in
                    await finish(invocation, progress: progress, relay: nil, isConnected: channel.isConnected, headers: [])
                })
            case .admitted(let invocation):
                return .complete(await finish(invocation, progress: .silent, relay: nil, isConnected: { true }, headers: headers))
            }
        } catch {
            return .complete(failure(error, headers: headers, echoID: echoID))
        }
    }

    /// Runs an admitted invocation and gives its key back: in every case locally, and in the store
    /// unless a response was stored for it (a failure charged nothing and leaves the key free).
    private func finish(_ invocation: AdmittedInvocation, progress: ProgressReporter, relay: StreamRelay?, isConnected: @escaping @Sendable () -> Bool,
                        headers: [(name: String, value: String)]) async -> InvokeOutcome
    {
        defer { invocation.claim.release() }
        do throws(JECPError) {
            return try await complete(invocation, progress: progress, relay: relay, isConnected: isConnected)
        } catch {
            await releaseClaim(agentID: invocation.agent.id, key: invocation.idempotencyKey)
            await recordFailure(invocation, error: error)
            return failure(error, headers: headers, echoID: invocation.envelope.id)
        }
    }

    func failure(_ error: JECPError, headers: [(name: String, value: String)], echoID: String?) -> InvokeOutcome {
        let body = error.envelope(requestID: echoID, documentationBase: settings.publicURL).serialized()
        return InvokeOutcome(status: error.httpStatus, body: body, headers: headers + error.headers, errorCode: error.code)
    }

    /// Steps 1–12: everything that can refuse a request before it runs, ending with the claim on
    /// its idempotency key (or the stored response of an earlier identical request).
    private func admit(_ request: InvokeHTTPRequest, headers: inout [(name: String, value: String)], echoID: inout String?)
        async throws(JECPError) -> Admission
    {
        // 1. Media type and JSON.
        if let contentType = request.contentType, !Self.isJSON(contentType) {
            throw JECPError(.unsupportedMediaType, "Content-Type must be application/json.",
                            details: ["received": .string(contentType), "expected": "application/json"])
        }
        let body: JSONValue
        do {
            body = try JSONValue(parsing: request.body)
        } catch {
            throw JECPError(.invalidRequest, "The request body is not valid JSON: \(error.description).")
        }
        echoID = InvokeRequest.echoableID(of: body)

        // 2. Envelope.
        let envelope: InvokeRequest
        do {
            envelope = try InvokeRequest(validating: body)
        } catch {
            var error = error
            if error.code == .validationFailed { error.nextAction = nextActions.lookupEnvelopeSchema() }
            throw error
        }
        if !envelope.extensionKeys.isEmpty {
            logger.debug("ignoring unknown extensions", metadata: ["jecp.extensions": "\(envelope.extensionKeys.joined(separator: ","))"])
        }
        let idempotencyKey = request.idempotencyKeyHeader ?? envelope.id
        if let header = request.idempotencyKeyHeader, !InvokeRequest.isValidID(header) {
            throw JECPError(.validationFailed, "X-Idempotency-Key must match ^[A-Za-z0-9_-]{4,64}$.",
                            details: ["errors": [["path": "/headers/X-Idempotency-Key", "reason": "must match ^[A-Za-z0-9_-]{4,64}$"]]])
        }

        // 3. Credentials: the mandate's take precedence over headers.
        let now = clock()
        let nowSeconds = Int64(now.rounded(.down))
        let agent = try await authenticator.authenticate(
            agentID: envelope.mandate?.agentID ?? request.agentIDHeader,
            apiKey: envelope.mandate?.apiKey ?? request.apiKeyHeader, now: nowSeconds)
        let tier = agent.tier

        // 4. Per-agent rate limit.
        let decision = try await withStore {
            try await store.checkRate(key: agent.id, limit: tier.rateLimitPerMinute, windowSeconds: 60, now: now)
        }
        headers.append(contentsOf: Self.rateLimitHeaders(decision))
        guard decision.allowed else { throw rateLimited(decision, tier: tier) }

        // 5. Mandate: expiry, then provenance (subcauses only now that the key verified).
        if let mandate = envelope.mandate {
            if let expiresAt = mandate.expiresAt, expiresAt < nowSeconds {
                throw JECPError(.mandateExpired, "The mandate expired at \(Timestamps.rfc3339(expiresAt)).",
                                details: ["expires_at": .string(Timestamps.rfc3339(expiresAt)), "now": .string(Timestamps.rfc3339(nowSeconds))],
                                nextAction: nextActions.renewMandate())
            }
            if let provenance = mandate.provenanceHash {
                try await verifyProvenance(provenance, mandate: mandate, now: nowSeconds)
            }
        }

        // 6. Idempotency: replay, conflict, or claim the key (on every node sharing the database).
        // A stream answers 409 while another request holds its id instead of waiting (spec 01 §4.3).
        let fingerprint = Self.fingerprint(envelope)
        let isProviderCapability = envelope.capability.firstIndex(of: "/").map { envelope.capability[..<$0] != settings.operatorNamespace } ?? false
        let wantsStream = request.acceptsEventStream && (envelope.delivery.mode == .stream || isProviderCapability)
        let claim: InflightRequests.Claim
        switch try await claimKey(agentID: agent.id, key: idempotencyKey, now: nowSeconds, waitIfBusy: !wantsStream) {
        case .stored(let stored):
            guard constantTimeEqual(stored.fingerprint, fingerprint) else {
                throw JECPError(.duplicateRequest, "Request id '\(idempotencyKey)' was already used for a different request in the last 24 h.",
                                details: ["id": .string(idempotencyKey), "first_seen_at": .string(Timestamps.rfc3339(stored.createdAt))])
            }
            headers.append(("Idempotent-Replayed", "true"))
            return .replay(InvokeOutcome(status: stored.statusCode, body: stored.body, headers: headers, errorCode: nil, replayed: true),
                           streamed: wantsStream, relay: isProviderCapability)
        case .claimed(let owned):
            claim = owned
        }
        do throws(JECPError) {
            return .admitted(try await check(envelope, request: request, agent: agent, fingerprint: fingerprint, idempotencyKey: idempotencyKey,
                                             now: now, claim: claim, headers: &headers))
        } catch {
            await releaseClaim(agentID: agent.id, key: idempotencyKey)
            claim.release()
            throw error
        }
    }

    /// Steps 7–12 for a request that owns its key.
    private func check(_ envelope: InvokeRequest, request: InvokeHTTPRequest, agent: AgentRecord, fingerprint: [UInt8], idempotencyKey: String,
                       now: Double, claim: InflightRequests.Claim, headers: inout [(name: String, value: String)])
        async throws(JECPError) -> AdmittedInvocation
    {
        let nowSeconds = Int64(now.rounded(.down))
        let tier = agent.tier
        // 7. Capability and action.
        let entry = try catalog.resolve(envelope.capability).get()
        guard let action = entry.actions[envelope.action] else {
            let reason = entry.descriptor.unavailableActions[envelope.action]
            throw JECPError(.actionNotFound, reason.map { "\(envelope.capability)/\(envelope.action) is not available on this Hub: \($0)." }
                                ?? "Capability '\(envelope.capability)' has no action '\(envelope.action)'.",
                            details: ["capability": .string(envelope.capability), "action": .string(envelope.action),
                                      "available_actions": .array(entry.descriptor.actions.map { .string($0.name) })],
                            nextAction: nextActions.lookupSchema(capability: entry.id))
        }
        let descriptor = action.descriptor

        // 8. Sunset.
        if let deprecation = descriptor.deprecation {
            let notice = sunsetHeaders(deprecation)
            if deprecation.sunsetAt <= nowSeconds {
                var details: [String: JSONValue] = ["capability": .string(envelope.capability), "action": .string(envelope.action),
                                                    "sunset_at": .string(Timestamps.rfc3339(deprecation.sunsetAt))]
                details["successor"] = deprecation.successor.map { .string($0) } ?? .null
                throw JECPError(.capabilityDeprecated, "\(envelope.capability)/\(envelope.action) was retired on \(Timestamps.rfc3339(deprecation.sunsetAt)).",
                                details: details, headers: notice)
            }
            if deprecation.sunsetAt - nowSeconds <= 30 * 86_400 { headers.append(contentsOf: notice) }
        }

        // Delivery modes this Hub does not offer for the action. A provider action streams when the
        // client accepts an event stream (spec 01 §4.3); a Hub-operated one when delivery.mode says so.
        let relay = entry.namespace != settings.operatorNamespace && (envelope.delivery.mode == .stream || request.acceptsEventStream)
        if envelope.delivery.mode == .stream || relay {
            guard descriptor.streaming else {
                throw JECPError(.notStreamable, "\(entry.id)/\(descriptor.name) does not stream; send a sync request.",
                                details: ["capability": .string(entry.id), "action": .string(descriptor.name),
                                          "streaming_actions": .array(catalog.streamingActions.map { .string($0) })])
            }
            guard request.acceptsEventStream else {
                throw JECPError(.notStreamable, "delivery.mode stream needs the header Accept: text/event-stream (spec 01 §3.5).",
                                details: ["capability": .string(entry.id), "action": .string(descriptor.name), "expected_accept": "text/event-stream"])
            }
        }
        if envelope.delivery.mode == .async {
            throw JECPError(.asyncNotSupported, "Asynchronous delivery is not offered by this Hub yet; send delivery.mode sync.",
                            details: ["supported_modes": ["sync"]])
        }

        // 9. Input schema.
        if !action.inputSchema.isValid(envelope.input) {
            let violations = action.inputSchema.validate(envelope.input)
            throw JECPError(.inputSchemaViolation, "input does not match the input_schema of \(entry.id)/\(descriptor.name).",
                            details: ["errors": .array(violations.prefix(50).map { violation in
                                          ["instance_path": .string(violation.instancePath), "schema_path": .string(violation.schemaPath),
                                           "reason": .string(violation.reason)]
                                      }),
                                      "schema_url": .string(settings.url("/v1/capabilities/\(entry.id)#input_schema"))],
                            nextAction: nextActions.lookupSchema(capability: entry.id))
        }

        // 10. Trust gate.
        if tier < descriptor.trustTierRequired {
            // Hub-operated capabilities answer to their plain name; provider ones need the namespace.
            let alternatives = catalog.usable(at: tier).map { $0.namespace == settings.operatorNamespace ? $0.descriptor.name : $0.id }
            throw JECPError(.insufficientTrust, "\(entry.id)/\(descriptor.name) needs the \(descriptor.trustTierRequired.rawValue) tier; this agent is \(tier.rawValue).",
                            details: ["required": .string(descriptor.trustTierRequired.rawValue), "current": .string(tier.rawValue),
                                      "total_calls": .number(JSONNumber(agent.totalCalls))],
                            nextAction: nextActions.earnTrust(current: tier, required: descriptor.trustTierRequired,
                                                              totalCalls: agent.totalCalls, alternatives: alternatives))
        }
        if let actionLimit = descriptor.rateLimitPerMinute, actionLimit < tier.rateLimitPerMinute {
            let actionDecision = try await withStore {
                try await store.checkRate(key: "\(agent.id)|\(entry.id)/\(descriptor.name)", limit: actionLimit, windowSeconds: 60, now: now)
            }
            guard actionDecision.allowed else { throw rateLimited(actionDecision, tier: tier) }
        }

        // 11. Mandate budget.
        if let budget = envelope.mandate?.budget, budget < descriptor.price {
            throw JECPError(.insufficientBudget, "mandate.budget_usdc \(budget) is below the price \(descriptor.price) of \(entry.id)/\(descriptor.name).",
                            details: ["required_usdc": descriptor.price.json, "remaining_usdc": budget.json, "budget_usdc": budget.json])
        }

        // 12. Funding, checked now and again atomically at settlement.
        let isOperatorCapability = entry.namespace == settings.operatorNamespace
        let funding: FundingMethod
        if isOperatorCapability, agent.freeCallsRemaining > 0 {
            funding = .freeCall
        } else if agent.balance >= descriptor.price {
            funding = envelope.mandate != nil ? .mandate : .wallet
        } else {
            throw insufficientFunds(price: descriptor.price, balance: agent.balance, freeCallsRemaining: agent.freeCallsRemaining)
        }

        return AdmittedInvocation(envelope: envelope, agent: agent, entry: entry, action: action, funding: funding,
                                  fingerprint: fingerprint, idempotencyKey: idempotencyKey, now: nowSeconds, claim: claim, headers: headers,
                                  relay: relay)
    }

    /// Steps 13–14: run the admitted invocation and settle it. A streamed invocation whose client
    /// left (`isConnected` false, or the task cancelled) is not settled: nothing is charged and the
    /// idempotency key stays free for a retry.
    func complete(_ invocation: AdmittedInvocation, progress: ProgressReporter, relay: StreamRelay?, isConnected: @Sendable () -> Bool)
        async throws(JECPError) -> InvokeOutcome
    {
        let (envelope, agent, entry, action) = (invocation.envelope, invocation.agent, invocation.entry, invocation.action)
        let (descriptor, funding, fingerprint, idempotencyKey) = (action.descriptor, invocation.funding, invocation.fingerprint, invocation.idempotencyKey)
        let nowSeconds = invocation.now
        var headers = invocation.headers

        // 13. Execute under the deadline, then settle.
        let started = ContinuousClock.now
        var executionLogger = logger
        executionLogger[metadataKey: "jecp.request_id"] = "\(envelope.id)"
        var context = ExecutionContext(agentID: agent.id, requestID: envelope.id, now: nowSeconds, logger: executionLogger, progress: progress,
                                       relay: relay)
        context.metadata = envelope.metadata
        let executed = try await execute(entry: entry, action: action, input: envelope.input, context: context)
        var output = executed.output
        if !action.artifacts.isEmpty, envelope.delivery.format == .url || !artifacts.fitsInline(output) {
            output = try await artifacts.externalize(output, fields: action.artifacts, agentID: agent.id, now: nowSeconds)
        }
        // Last look at the client before money moves: the window left is the settlement itself.
        // (A relay whose client left after receiving output is charged for it, spec 01 §4.3.)
        guard !Task.isCancelled, isConnected() || relay?.chargesPartialDelivery == true else {
            logger.info("client left before completion; not charged", metadata: ["jecp.agent": "\(agent.id)", "jecp.request_id": "\(envelope.id)"])
            throw JECPError(.executionFailed, "The client disconnected before the result was delivered; nothing was charged.",
                            details: ["reason": "client_disconnected"])
        }
        let elapsed = ContinuousClock.now - started
        let durationMS = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000

        // 14. Response, rendered inside the settlement transaction so the stored replay is exact.
        var result: [String: JSONValue] = ["capability": .string(envelope.capability), "action": .string(envelope.action), "output": output]
        if let metadata = envelope.metadata { result["metadata"] = metadata }
        var tail: [UInt8] = Array(",\"id\":".utf8)
        JSONValue.writeString(envelope.id, into: &tail)
        tail.append(contentsOf: ",\"jecp\":\"1.0\",\"result\":".utf8)
        JSONValue.object(result).write(into: &tail)
        tail.append(contentsOf: ",\"status\":\"completed\"}".utf8)
        let engine = "jecp-swift-\(HubVersion.current)"
        let provider = entry.namespace
        let tailBytes = tail
        var completion = CompletedInvocation(
            invocationID: UUID().uuidString.lowercased(), transactionID: UUID().uuidString.lowercased(), agentID: agent.id,
            requestID: envelope.id, idempotencyKey: idempotencyKey, fingerprint: fingerprint, capability: entry.id, action: descriptor.name,
            payee: entry.providerAccount, price: descriptor.price, funding: funding, durationMilliseconds: durationMS, now: nowSeconds,
            idempotencyExpiresAt: nowSeconds + settings.idempotencyTTLSeconds)
        completion.snapshot = agent
        completion.lowBalanceThreshold = settings.lowBalanceThreshold
        completion.stepShares = executed.stepShares(payee: entry.providerAccount)
        // A step provider may have raised its price since the composite was published (when its 85%
        // still covered the steps): the payee's residual must never go negative.
        if completion.stepShares.reduce(Money.zero, { $0 + $1.amount }) > RevenueSplit(price: descriptor.price).provider {
            throw JECPError(.compositeStepFailed, "\(entry.id)/\(descriptor.name) costs less than its steps now do; nothing was charged. Report this to its provider.",
                            details: ["reason": "steps_exceed_price", "capability": .string(entry.id), "action": .string(descriptor.name)])
        }
        let outcome = try await withStore {
            try await store.completeInvocation(completion) { billing in
                Self.renderSuccess(billing: billing, durationMS: durationMS, engine: engine, provider: provider, tail: tailBytes)
            }
        }
        switch outcome {
        case .completed(let billing, let body):
            logger.debug("invocation settled", metadata: ["jecp.agent": "\(agent.id)", "jecp.capability": "\(entry.id)",
                                                          "jecp.action": "\(descriptor.name)", "jecp.method": "\(billing.method.rawValue)"])
            return InvokeOutcome(status: 200, body: body, headers: headers, errorCode: nil)
        case .duplicate(let stored):
            guard constantTimeEqual(stored.fingerprint, fingerprint) else {
                throw JECPError(.duplicateRequest, "Request id '\(idempotencyKey)' was already used for a different request in the last 24 h.",
                                details: ["id": .string(idempotencyKey)])
            }
            headers.append(("Idempotent-Replayed", "true"))
            return InvokeOutcome(status: stored.statusCode, body: stored.body, headers: headers, errorCode: nil, replayed: true)
        case .insufficientFunds(let balance, let free):
            throw insufficientFunds(price: descriptor.price, balance: balance, freeCallsRemaining: free)
        case .agentMissing:
            throw JECPError(.invalidAPIKey, "The agent id and API key do not match a registered agent.", nextAction: nextActions.register())
        }
    }
}
