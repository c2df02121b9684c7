import JECPModels

/// The body of a key rotation (`{grace_seconds, revoke_old}`) and its refusals, shared by agents
/// and providers, which differ only in the allowed grace.
struct KeyRotation {
    let graceSeconds: Int64
    let revokeOld: Bool

    init(body: JSONValue, graceRange: ClosedRange<Int64>) throws(JECPError) {
        guard case .object(let fields) = body else { throw JECPError(.invalidRequest, "The request body must be a JSON object.") }
        var violations: [EnvelopeViolation] = []
        for key in fields.keys.sorted() where key != "grace_seconds" && key != "revoke_old" {
            violations.append(.init(path: "/\(key)", reason: "is not a rotation field"))
        }
        var grace: Int64 = 3600
        if let value = fields["grace_seconds"] {
            if let number = value.numberValue?.integerValue, graceRange.contains(number) { grace = number } else {
                violations.append(.init(path: "/grace_seconds", reason: "must be an integer from \(graceRange.lowerBound) to \(graceRange.upperBound)"))
            }
        }
        var revokeOld = false
        if let value = fields["revoke_old"] {
            if let flag = value.boolValue { revokeOld = flag } else { violations.append(.init(path: "/revoke_old", reason: "must be a boolean")) }
        }
        guard violations.isEmpty else {
            throw JECPError(.validationFailed, "The rotation request has \(violations.count) error(s).", details: ["errors": .array(violations.map(\.json))])
        }
        self.graceSeconds = revokeOld ? 0 : grace
        self.revokeOld = revokeOld
    }

    /// When the previous key stops working; nil revokes it at once.
    func previousValidUntil(now: Int64) -> Int64? { revokeOld || graceSeconds == 0 ? nil : now + graceSeconds }

    /// `ROTATION_24H_CAP` (429) with `Retry-After` until the oldest rotation in the window ages out.
    static func capReached(limit: Int, count: Int, oldest: Int64, now: Int64) -> JECPError {
        let nextSlot = oldest + 86_400
        let wait = Int(min(max(nextSlot - now, 1), 86_400))
        return JECPError(.rotation24hCap, "At most \(limit) key rotations per 24 h; the next slot opens at \(Timestamps.rfc3339(nextSlot)).",
                         details: ["limit_per_24h": .number(JSONNumber(limit)), "rotations_in_last_24h": .number(JSONNumber(count)),
                                   "next_slot_at": .string(Timestamps.rfc3339(nextSlot))],
                         headers: [("Retry-After", String(wait))])
    }
}
