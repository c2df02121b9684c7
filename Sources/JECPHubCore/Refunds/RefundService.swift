import JECPModels

/// Refunds (issue 7): agents ask for a charge back; the provider of the capability or the
/// operator decides; nobody answering approves it after `refundAutoApproveSeconds`.
public struct RefundService<Store: HubStore>: Sendable {
    let store: Store
    let settings: HubSettings
    /// Runs `evidence_url` through the SSRF pipeline (the Hub never fetches it, but it will show it).
    let transport: any ProviderTransport

    public init(store: Store, settings: HubSettings, transport: any ProviderTransport) {
        self.store = store
        self.settings = settings
        self.transport = transport
    }

    /// Who decides a refund.
    public enum Decider: Sendable {
        case provider(namespace: String)
        case `operator`
        /// The auto-approval service.
        case auto

        /// As `decided_by` shows it.
        public var name: String {
            switch self {
            case .provider(let namespace): "provider:\(namespace)"
            case .operator: "operator"
            case .auto: "auto"
            }
        }
    }

    public static var maximumReasonLength: Int { 1_000 }
    public static var maximumNoteLength: Int { 1_000 }
    public static var maximumEvidenceURLLength: Int { 2_048 }

    // MARK: Requesting

    /// `POST /v1/refunds` `{transaction_id, reason, evidence_url?}`.
    public func request(_ agent: AgentRecord, body: JSONValue, now: Int64) async throws(JECPError) -> JSONValue {
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        var violations: [EnvelopeViolation] = []
        let transactionID = fields["transaction_id"]?.stringValue ?? ""
        if transactionID.isEmpty || transactionID.utf8.count > 128 {
            violations.append(.init(path: "/transaction_id", reason: "is required: the id of the charge (billing.transaction_id)"))
        }
        var evidenceURL: String?
        switch fields["evidence_url"] {
        case nil, .some(.null): break
        case .some(.string(let url)) where !url.isEmpty && url.utf8.count <= Self.maximumEvidenceURLLength: evidenceURL = url
        case .some: violations.append(.init(path: "/evidence_url", reason: "must be an https URL of at most \(Self.maximumEvidenceURLLength) bytes"))
        }
        for name in fields.keys.sorted() where !["transaction_id", "reason", "evidence_url"].contains(name) {
            violations.append(.init(path: "/\(name)", reason: "is not a refund field"))
        }
        guard violations.isEmpty else {
            throw JECPError(.validationFailed, "The refund request has \(violations.count) error(s).", details: ["errors": .array(violations.map(\.json))])
        }
        let reason = try Self.reason(fields["reason"])
        if let evidenceURL { try await transport.vet(url: evidenceURL, field: "evidence_url") }
        let request = RefundRequest(
            id: Credentials.generate(.refundID, prefix: settings.vendorPrefix), agentID: agent.id, transactionID: transactionID, reason: reason,
            evidenceURL: evidenceURL, now: now, maximumAgeSeconds: settings.refundWindowSeconds, dailyCap: settings.refundDailyCap,
            autoApproveAfterSeconds: settings.refundAutoApproveSeconds)
        switch try await withStore({ try await store.requestRefund(request) }) {
        case .requested(let refund):
            return refund.json
        case .transactionNotFound:
            throw JECPError(.transactionNotFound, "No transaction '\(transactionID)' belongs to this agent.", details: ["transaction_id": .string(transactionID)])
        case .notACharge(let kind):
            throw JECPError(.refundNotACharge, "Transaction '\(transactionID)' is a \(kind), not a charge; only charges can be refunded.",
                            details: ["transaction_id": .string(transactionID), "kind": .string(kind)])
        case .tooOld(let chargedAt):
            let days = settings.refundWindowSeconds / 86_400
            throw JECPError(.refundWindowExpired, "The charge is older than \(days) days; this Hub refunds younger charges only.",
                            details: ["transaction_id": .string(transactionID), "charged_at": .string(Timestamps.rfc3339(chargedAt)),
                                      "window_days": .number(JSONNumber(days)),
                                      "window_ended_at": .string(Timestamps.rfc3339(chargedAt + settings.refundWindowSeconds))])
        case .alreadyRequested(let existing):
            throw JECPError(.refundAlreadyRequested, "A refund of this transaction was already requested (\(existing.id), \(existing.status.rawValue)).",
                            details: ["transaction_id": .string(transactionID), "refund_id": .string(existing.id), "status": .string(existing.status.rawValue)])
        case .capReached(let count, let oldest):
            let nextSlot = oldest + 86_400
            let wait = max(1, nextSlot - now)
            throw JECPError(.refundDailyCap, "At most \(settings.refundDailyCap) refund requests per agent in 24 hours.",
                            details: ["limit": .number(JSONNumber(settings.refundDailyCap)), "requests_in_window": .number(JSONNumber(count)),
                                      "next_slot_at": .string(Timestamps.rfc3339(nextSlot)), "retry_after_seconds": .number(JSONNumber(wait))],
                            nextAction: NextActions(settings: settings).wait(seconds: Int(wait)), headers: [("Retry-After", String(wait))])
        }
    }

    static func reason(_ value: JSONValue?) throws(JECPError) -> String {
        guard let text = value?.stringValue?.trimmingWhitespace, !text.isEmpty, text.count <= maximumReasonLength else {
            throw JECPError(.refundReasonInvalid, "reason is required: 1 to \(maximumReasonLength) characters saying what went wrong.",
                            details: ["field": "reason", "max_length": .number(JSONNumber(maximumReasonLength))])
        }
        return text
    }

    // MARK: Reading

    /// `GET /v1/refunds/{id}`: the agent's own only; another agent's answers as an unknown id does.
    public func get(_ agent: AgentRecord, id: String) async throws(JECPError) -> JSONValue {
        guard let refund = try await withStore({ try await store.refund(id: id) }), refund.agentID == agent.id else { throw Self.notFound(id) }
        return refund.json
    }

    public enum Owner: Sendable {
        case agent(String)
        case provider(namespace: String)
        /// The operator sees every refund.
        case everyone
    }

    /// `GET /v1/refunds`, `GET /v1/providers/me/refunds`, `GET /admin/v1/refunds`: newest first, `?status=&limit=&cursor=`.
    public func list(_ owner: Owner, status: String?, limit: String?, cursor: String?) async throws(JECPError) -> JSONValue {
        var violations: [EnvelopeViolation] = []
        var filter: RefundStatus?
        if let status {
            if let parsed = RefundStatus(rawValue: status) { filter = parsed } else {
                violations.append(.init(path: "/query/status", reason: "must be requested, approved or denied"))
            }
        }
        var pageSize = 20
        if let limit {
            if let parsed = Int(limit), (1...100).contains(parsed) { pageSize = parsed } else {
                violations.append(.init(path: "/query/limit", reason: "must be an integer from 1 to 100"))
            }
        }
        var before: Int64?
        if let cursor {
            if let parsed = Int64(cursor), parsed > 0 { before = parsed } else {
                violations.append(.init(path: "/query/cursor", reason: "must be a next_cursor value from a previous page"))
            }
        }
        guard violations.isEmpty else {
            throw JECPError(.validationFailed, "The query has \(violations.count) error(s).", details: ["errors": .array(violations.map(\.json))])
        }
        let refunds: [RefundRecord] = try await withStore {
            switch owner {
            case .agent(let id): try await store.refunds(agentID: id, status: filter, before: before, limit: pageSize + 1)
            case .provider(let namespace): try await store.refunds(providerNamespace: namespace, status: filter, before: before, limit: pageSize + 1)
            case .everyone: try await store.allRefunds(status: filter, before: before, limit: pageSize + 1)
            }
        }
        let page = refunds.prefix(pageSize)
        return [
            "refunds": .array(page.map(\.json)),
            "next_cursor": refunds.count > pageSize ? .string(String(page.last!.sequence)) : .null,
        ]
    }

    // MARK: Deciding

    /// `POST /v1/refunds/{id}/approve|deny` `{note?}`. A provider sees only refunds of its own
    /// capabilities: another provider's refund answers 404, exactly as an unknown id.
    public func decide(id: String, approve: Bool, by decider: Decider, body: JSONValue, now: Int64) async throws(JECPError) -> JSONValue {
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        var note: String?
        switch fields["note"] {
        case nil, .some(.null): break
        case .some(.string(let text)) where text.count <= Self.maximumNoteLength: note = text.isEmpty ? nil : text
        case .some:
            throw JECPError(.validationFailed, "note must be a string of at most \(Self.maximumNoteLength) characters.",
                            details: ["errors": [["path": "/note", "reason": .string("must be a string of at most \(Self.maximumNoteLength) characters")]]])
        }
        if let unknown = fields.keys.sorted().first(where: { $0 != "note" }) {
            throw JECPError(.validationFailed, "\(unknown) is not a decision field.", details: ["errors": [["path": .string("/\(unknown)"), "reason": "is not a decision field"]]])
        }
        return try await decide(id: id, approve: approve, by: decider, note: note, now: now).json
    }

    func decide(id: String, approve: Bool, by decider: Decider, note: String?, now: Int64) async throws(JECPError) -> RefundRecord {
        var namespace: String?
        if case .provider(let own) = decider { namespace = own }
        let decision = RefundDecision(refundID: id, approve: approve, decidedBy: decider.name, note: note, providerNamespace: namespace, now: now)
        switch try await withStore({ try await store.decideRefund(decision) }) {
        case .decided(let refund):
            return refund
        case .notFound:
            throw Self.notFound(id)
        case .alreadyDecided(let current):
            throw JECPError(.refundAlreadyDecided, "Refund \(id) is already \(current.status.rawValue).",
                            details: ["refund_id": .string(id), "status": .string(current.status.rawValue),
                                      "decided_by": current.decidedBy.map(JSONValue.string) ?? .null])
        }
    }

    /// Approves every request whose window passed; returns how many this call approved. Safe on
    /// several nodes at once: a refund another node approved first is skipped.
    /// What one auto-approval sweep did.
    public struct AutoApprovalSweep: Sendable {
        public var approved = 0
        /// Refunds whose approval failed this time, with the error code; they stay `requested`
        /// and are tried again next sweep, without holding up the ones behind them.
        public var failed: [(refundID: String, code: String)] = []
    }

    public func autoApproveDue(now: Int64, batch: Int = 100) async throws(JECPError) -> AutoApprovalSweep {
        let due = try await withStore { try await store.refundsDueForAutoApproval(now: now, limit: batch) }
        var sweep = AutoApprovalSweep()
        for id in due {
            do {
                _ = try await decide(id: id, approve: true, by: .auto, note: "no answer within the auto-approval window", now: now)
                sweep.approved += 1
            } catch where error.code == .refundAlreadyDecided || error.code == .refundNotFound {
                continue  // another node (or a person) decided first
            } catch {
                sweep.failed.append((id, error.code.rawValue))
            }
        }
        return sweep
    }

    static func notFound(_ id: String) -> JECPError {
        JECPError(.refundNotFound, "No refund '\(id)' is visible to you.", details: ["refund_id": .string(id)])
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
