import Foundation
import GRDB
import JECPHubCore

extension SQLiteStore {
    /// Which rows a key rotation touches: agents and providers rotate alike.
    struct KeyOwner {
        let table: String
        let rotations: String
        let ownerColumn: String
        /// Extra assignments for the owner's row (agents bump the version their cache orders by).
        var extraAssignments = ""

        static let agent = KeyOwner(table: "agents", rotations: "key_rotations", ownerColumn: "agent_id", extraAssignments: ", version = version + 1")
        static let provider = KeyOwner(table: "providers", rotations: "provider_key_rotations", ownerColumn: "provider_id")
    }

    /// Replaces the key inside the caller's write transaction, keeping the old one until
    /// `previousValidUntil` (nil: revoked now), unless `maximumPer24h` rotations already happened.
    static func rotateKey(_ db: Database, of owner: KeyOwner, id: String, newKeyHash: [UInt8], previousValidUntil: Int64?, maximumPer24h: Int,
                          now: Int64) throws -> RotationOutcome {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM \(owner.table) WHERE id = ?", arguments: [id]) != nil else { return .agentMissing }
        let window = try Row.fetchOne(
            db, sql: "SELECT COUNT(*) AS n, MIN(rotated_at) AS oldest FROM \(owner.rotations) WHERE \(owner.ownerColumn) = ? AND rotated_at > ?",
            arguments: [id, now - 86_400])!
        let count: Int = window["n"]
        if count >= maximumPer24h { return .capReached(rotationsInWindow: count, oldestInWindow: window["oldest"]) }
        try db.execute(
            sql: """
                UPDATE \(owner.table) SET
                    previous_key_hash = CASE WHEN ?1 IS NULL THEN NULL ELSE key_hash END,
                    previous_key_valid_until = ?1,
                    key_hash = ?2\(owner.extraAssignments)
                WHERE id = ?3
                """,
            arguments: [previousValidUntil, Data(newKeyHash), id])
        try db.execute(sql: "INSERT INTO \(owner.rotations) (\(owner.ownerColumn), rotated_at) VALUES (?, ?)", arguments: [id, now])
        return .rotated
    }
}
