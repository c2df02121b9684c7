import Foundation
import Logging
import Synchronization

extension JECPClient {
    /// Invokes `capability/action` with typed input and output.
    ///
    /// Retried per the ``RetryPolicy`` with the same request id every attempt, so the Hub's
    /// idempotency guarantees one execution and one charge. Opt-in recoveries: ``RecoveryOptions``.
    public func invoke<Input: Encodable & Sendable, Output: Decodable & Sendable>(
        _ capability: String, _ action: String, input: Input, as: Output.Type, options: InvokeOptions = .init()
    ) async throws(JECPError) -> InvokeResult<Output> {
        let json = try Self.encode(input)
        let result = try await invoke(capability, action, input: json, options: options)
        let output: Output = try Self.decode(result.output, as: Output.self, requestID: result.requestID)
        return InvokeResult(output: output, requestID: result.requestID, replayed: result.replayed, billing: result.billing,
                            execution: result.execution, rateLimit: result.rateLimit, deprecation: result.deprecation, raw: result.raw)
    }

    /// Invokes `capability/action` with untyped JSON input; `output` is the action's JSON output.
    public func invoke(_ capability: String, _ action: String, input: JSONValue, options: InvokeOptions = .init())
        async throws(JECPError) -> InvokeResult<JSONValue>
    {
        let requestID = options.requestID ?? Self.freshRequestID()
        var mandate = options.mandate
        var recoveries = 0
        while true {
            do {
                return try await invokeOnce(capability, action, input: input, requestID: requestID, mandate: mandate, options: options)
            } catch {
                guard recoveries < options.recovery.maxRecoveries, let action = await recovery(for: error, options: options.recovery)
                else { throw error }
                recoveries += 1
                switch action {
                case .retryAfter(let delay):
                    logger.info("waiting before retrying, as next_action asks",
                                metadata: ["jecp.request_id": "\(requestID)", "jecp.delay_ms": "\(delay.nanoseconds / 1_000_000)"])
                    try await requester.sleep(delay, requestID: requestID)
                case .mandate(let renewed):
                    logger.info("retrying with a renewed mandate", metadata: ["jecp.request_id": "\(requestID)"])
                    mandate = renewed
                }
            }
        }
    }

    enum Recovery {
        case retryAfter(Duration)
        case mandate(MandateOptions)
    }

    /// What the opt-in helpers do about `error`, or `nil` to let it reach the caller.
    func recovery(for error: JECPError, options: RecoveryOptions) async -> Recovery? {
        var isWait = error.code == .rateLimited
        if case .wait = error.nextAction { isWait = true }
        if options.wait, isWait {
            var delay = error.retryAfter ?? .seconds(1)
            delay = min(delay, configuration.retryPolicy.maxRetryAfter)
            return .retryAfter(delay)
        }
        var isRenew = error.code == .mandateExpired
        if case .renewMandate = error.nextAction { isRenew = true }
        if isRenew, let renew = options.renewMandate {
            guard let renewed = await renew(error) else { return nil }
            return .mandate(renewed)
        }
        return nil
    }

    func invokeOnce(_ capability: String, _ action: String, input: JSONValue, requestID: String, mandate: MandateOptions?,
                    options: InvokeOptions) async throws(JECPError) -> InvokeResult<JSONValue>
    {
        // Rebuilt per attempt: the Hub refuses a provenance nonce it has seen (ADR-0001), so each
        // attempt gets a fresh one. The request id stays, so a completed first attempt is never run
        // twice (with provenance the Hub then answers DUPLICATE_REQUEST instead of a replay).
        let response = try await requester.send(retry: true, requestID: requestID) { () throws(JECPError) -> TransportRequest in
            request("POST", "/v1/invoke", body: try invokeBody(capability, action, input: input, requestID: requestID,
                                                                mandate: mandate, options: options),
                    extraHeaders: options.idempotencyKey.map { [("X-Idempotency-Key", $0)] } ?? [])
        }
        let envelope = try Self.json(response)
        let notice = deprecation(from: response.headers)
        if let notice { logDeprecationOnce(capability: capability, action: action, notice: notice) }
        return InvokeResult(
            output: envelope["result"]?["output"] ?? .null, requestID: envelope["id"]?.stringValue ?? requestID,
            replayed: response.header("Idempotent-Replayed")?.lowercased() == "true",
            billing: Billing(json: envelope["billing"] ?? .null), execution: Execution(json: envelope["execution"] ?? .null),
            rateLimit: Self.rateLimit(from: response.headers), deprecation: notice, raw: envelope)
    }

    /// The `POST /v1/invoke` envelope (spec 01 §3.2).
    func invokeBody(_ capability: String, _ action: String, input: JSONValue, requestID: String, mandate: MandateOptions?,
                    options: InvokeOptions, delivery: DeliveryOptions? = nil) throws(JECPError) -> JSONValue {
        var body: [String: JSONValue] = [
            "jecp": "1.0", "id": .string(requestID), "capability": .string(capability), "action": .string(action), "input": input,
        ]
        if let mandate { body["mandate"] = try mandateJSON(mandate) }
        if let metadata = options.metadata { body["metadata"] = metadata }
        if let delivery = delivery ?? options.delivery {
            body["delivery"] = ["mode": .string(delivery.mode.rawValue), "format": .string(delivery.format.rawValue)]
        }
        return .object(body)
    }

    /// The mandate's wire shape, with a provenance v2 hash over a fresh nonce unless opted out.
    func mandateJSON(_ mandate: MandateOptions) throws(JECPError) -> JSONValue {
        let current = credentials.withLock { $0 }
        guard let agentID = current.agentID, let apiKey = current.apiKey else {
            throw JECPError(code: .authRequired, message: "A mandate needs the client's agent id and API key; register first.")
        }
        var object: [String: JSONValue] = ["agent_id": .string(agentID), "api_key": .string(apiKey)]
        if let budget = mandate.budget { object["budget_usdc"] = budget.json }
        if let expiresAt = mandate.expiresAt {
            object["expires_at"] = .string(Timestamps.rfc3339(Int64(expiresAt.timeIntervalSince1970.rounded(.down))))
        }
        if mandate.includeProvenance {
            let now = Int64(environment.now().timeIntervalSince1970.rounded(.down))
            object["provenance_hash"] = .string(Provenance.computeV2(apiKey: apiKey, agentID: agentID, timestamp: now, nonce: Provenance.freshNonce()))
        }
        return .object(object)
    }

    static func freshRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "req_" + (0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }

    static func encode(_ input: some Encodable) throws(JECPError) -> JSONValue {
        do {
            let data = try JSONEncoder().encode(input)
            return try JSONValue(parsing: Array(data))
        } catch {
            throw JECPError(code: .invalidRequest, message: "The input could not be encoded as JSON: \(error)")
        }
    }

    static func decode<Output: Decodable>(_ json: JSONValue, as: Output.Type, requestID: String?) throws(JECPError) -> Output {
        do {
            return try JSONDecoder().decode(Output.self, from: Data(json.serialized()))
        } catch {
            throw JECPError(code: .invalidResponse, status: 200, message: "The output does not decode as \(Output.self): \(error)",
                            details: ["output": json], requestID: requestID)
        }
    }

    static func rateLimit(from headers: [(String, String)]) -> RateLimit? {
        func value(_ name: String) -> Int64? { headers.first { $0.0.lowercased() == name }.flatMap { Int64($0.1) } }
        guard let limit = value("x-ratelimit-limit"), let remaining = value("x-ratelimit-remaining"), let reset = value("x-ratelimit-reset")
        else { return nil }
        return RateLimit(limit: Int(limit), remaining: Int(remaining), resetAt: Date(timeIntervalSince1970: TimeInterval(reset)))
    }

    /// `Sunset`, `Deprecation` and `Link: <...>; rel="successor-version"` (spec 01 §4.6).
    func deprecation(from headers: [(String, String)]) -> DeprecationNotice? {
        let sunset = headers.first { $0.0.lowercased() == "sunset" }.flatMap { HTTPDate.parse($0.1) }
        let deprecated = headers.contains { $0.0.lowercased() == "deprecation" }
        var successor: String?
        for (name, value) in headers where name.lowercased() == "link" {
            for link in value.split(separator: ",") where link.contains("rel=\"successor-version\"") {
                if let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"), open < close {
                    successor = String(link[link.index(after: open)..<close])
                }
            }
        }
        guard sunset != nil || deprecated || successor != nil else { return nil }
        return DeprecationNotice(sunset: sunset, successor: successor)
    }

    func logDeprecationOnce(capability: String, action: String, notice: DeprecationNotice) {
        let key = "\(capability)/\(action)"
        guard loggedDeprecations.withLock({ $0.insert(key).inserted }) else { return }
        logger.warning("action is deprecated", metadata: [
            "jecp.capability": "\(capability)", "jecp.action": "\(action)",
            "jecp.sunset": "\(notice.sunset.map { Timestamps.rfc3339(Int64($0.timeIntervalSince1970)) } ?? "unknown")",
            "jecp.successor": "\(notice.successor ?? "none")",
        ])
    }
}
