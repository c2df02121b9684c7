import JECPModels

/// Persistence for refunds. Part of every ``HubStore``. Requesting and deciding each run in one
/// database transaction; an approval reverses the charge in that same transaction.
public protocol RefundStore: Sendable {
    /// Checks the rules that need the ledger (the charge is the agent's own, is a charge, is young
    /// enough, has no refund yet, the agent is under its daily cap) and, when they hold, writes
    /// the refund (`requested`) and its `refund.requested` event, all in one transaction.
    func requestRefund(_ request: RefundRequest) async throws(StoreError) -> RefundRequestOutcome
    func refund(id: String) async throws(StoreError) -> RefundRecord?
    /// The agent's refunds, newest first; `before` is the `sequence` of the last one already seen.
    func refunds(agentID: String, status: RefundStatus?, before cursor: Int64?, limit: Int) async throws(StoreError) -> [RefundRecord]
    /// Refunds of the capabilities of a provider namespace, newest first.
    func refunds(providerNamespace: String, status: RefundStatus?, before cursor: Int64?, limit: Int) async throws(StoreError) -> [RefundRecord]
    /// Every refund, newest first (the operator's view).
    func allRefunds(status: RefundStatus?, before cursor: Int64?, limit: Int) async throws(StoreError) -> [RefundRecord]
    /// Approves or denies a `requested` refund with a conditional update, so of two concurrent
    /// decisions (on any nodes) exactly one wins. Approval writes, in the same transaction, the
    /// `refund` ledger transaction (keyed `refund:<charge id>`) negating every entry of the
    /// charge, raises the wallet, marks the invocation `refunded` and emits `refund.approved`
    /// and `invocation.refunded`; denial emits `refund.denied`.
    func decideRefund(_ decision: RefundDecision) async throws(StoreError) -> RefundDecisionOutcome
    /// Ids of `requested` refunds whose `auto_approve_at` has passed, oldest first.
    func refundsDueForAutoApproval(now: Int64, limit: Int) async throws(StoreError) -> [String]
}

public enum RefundStatus: String, Sendable, CaseIterable, Codable {
    case requested
    case approved
    case denied
}

public struct RefundRecord: Sendable, Equatable {
    public var id: String
    public var agentID: String
    /// The charge this refund reverses.
    public var transactionID: String
    public var invocationID: String?
    public var capability: String?
    public var action: String?
    /// The namespace of the capability that was charged for: its provider decides.
    public var providerNamespace: String?
    public var amount: Money
    public var reason: String
    public var evidenceURL: String?
    public var status: RefundStatus
    /// `provider:<namespace>`, `operator` or `auto`.
    public var decidedBy: String?
    public var decisionNote: String?
    /// The `refund` ledger transaction, once approved.
    public var refundTransactionID: String?
    public var autoApproveAt: Int64
    public var createdAt: Int64
    public var decidedAt: Int64?
    /// Position in listings (the row's insertion order), for cursors.
    public var sequence: Int64

    public init(id: String, agentID: String, transactionID: String, invocationID: String?, capability: String?, action: String?,
                providerNamespace: String?, amount: Money, reason: String, evidenceURL: String?, status: RefundStatus, decidedBy: String?,
                decisionNote: String?, refundTransactionID: String?, autoApproveAt: Int64, createdAt: Int64, decidedAt: Int64?, sequence: Int64) {
        self.id = id
        self.agentID = agentID
        self.transactionID = transactionID
        self.invocationID = invocationID
        self.capability = capability
        self.action = action
        self.providerNamespace = providerNamespace
        self.amount = amount
        self.reason = reason
        self.evidenceURL = evidenceURL
        self.status = status
        self.decidedBy = decidedBy
        self.decisionNote = decisionNote
        self.refundTransactionID = refundTransactionID
        self.autoApproveAt = autoApproveAt
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.sequence = sequence
    }

    /// The namespace part of a capability id (`acme/translate` → `acme`).
    public static func namespace(ofCapability capability: String?) -> String? {
        guard let capability, let slash = capability.firstIndex(of: "/") else { return nil }
        return String(capability[..<slash])
    }
}

public struct RefundRequest: Sendable {
    public var id: String
    public var agentID: String
    public var transactionID: String
    public var reason: String
    public var evidenceURL: String?
    public var now: Int64
    /// Charges older than this (seconds) are refused.
    public var maximumAgeSeconds: Int64
    /// At most this many requests per agent in the trailing 24 hours.
    public var dailyCap: Int
    public var autoApproveAfterSeconds: Int64

    public init(id: String, agentID: String, transactionID: String, reason: String, evidenceURL: String?, now: Int64,
                maximumAgeSeconds: Int64, dailyCap: Int, autoApproveAfterSeconds: Int64) {
        self.id = id
        self.agentID = agentID
        self.transactionID = transactionID
        self.reason = reason
        self.evidenceURL = evidenceURL
        self.now = now
        self.maximumAgeSeconds = maximumAgeSeconds
        self.dailyCap = dailyCap
        self.autoApproveAfterSeconds = autoApproveAfterSeconds
    }
}

public enum RefundRequestOutcome: Sendable, Equatable {
    case requested(RefundRecord)
    /// Unknown, or another agent's: the same answer for both.
    case transactionNotFound
    /// `credit` or `refund`.
    case notACharge(kind: String)
    case tooOld(chargedAt: Int64)
    case alreadyRequested(RefundRecord)
    case capReached(requestsInWindow: Int, oldestInWindow: Int64)
}

public struct RefundDecision: Sendable {
    public var refundID: String
    public var approve: Bool
    /// `provider:<namespace>`, `operator` or `auto`.
    public var decidedBy: String
    public var note: String?
    /// Set for a provider: only refunds of its own capabilities are visible to it.
    public var providerNamespace: String?
    public var now: Int64

    public init(refundID: String, approve: Bool, decidedBy: String, note: String?, providerNamespace: String?, now: Int64) {
        self.refundID = refundID
        self.approve = approve
        self.decidedBy = decidedBy
        self.note = note
        self.providerNamespace = providerNamespace
        self.now = now
    }
}

public enum RefundDecisionOutcome: Sendable, Equatable {
    /// This decision won; the record as it is now (approved with its refund transaction, or denied).
    case decided(RefundRecord)
    case notFound
    /// Someone decided first; the record as they left it.
    case alreadyDecided(RefundRecord)
}
