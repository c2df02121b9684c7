import Synchronization

/// Which `(agent, idempotency key)` pairs may have a stored response, so a request with a new id
/// (nearly every paid call) skips the database read that looks for one.
///
/// Correct because one Hub process owns its SQLite file: every stored response is written by this
/// store's settlement, which adds its key here after the commit, and the set is filled from the
/// table when the store opens. It holds 64-bit hashes: a collision only costs the read it would
/// have saved. Missing a key could not double-charge either: settlement looks for the stored
/// response again inside its transaction.
final class StoredKeys: Sendable {
    private struct State {
        var hashes: Set<Int> = []
        /// While a rebuild reads the table: keys added meanwhile, kept whatever the read saw.
        var addedDuringRebuild: Set<Int>?
    }

    private let state = Mutex(State())

    static func hash(agentID: String, key: String) -> Int {
        var hasher = Hasher()
        hasher.combine(agentID)
        hasher.combine(key)
        return hasher.finalize()
    }

    func mayContain(agentID: String, key: String) -> Bool {
        let hash = Self.hash(agentID: agentID, key: key)
        return state.withLock { $0.hashes.contains(hash) }
    }

    func insert(agentID: String, key: String) {
        let hash = Self.hash(agentID: agentID, key: key)
        state.withLock { state in
            state.hashes.insert(hash)
            state.addedDuringRebuild?.insert(hash)
        }
    }

    /// Replaces the set with what `read` finds in the table (at open, and after a purge of expired
    /// records, so it does not grow forever), keeping every key added while the read ran.
    func rebuild<Failure: Error>(_ read: () async throws(Failure) -> [(agentID: String, key: String)]) async throws(Failure) {
        state.withLock { $0.addedDuringRebuild = [] }
        let pairs: [(agentID: String, key: String)]
        do {
            pairs = try await read()
        } catch {
            state.withLock { $0.addedDuringRebuild = nil }
            throw error
        }
        let fresh = Set(pairs.map { Self.hash(agentID: $0.agentID, key: $0.key) })
        state.withLock { state in
            state.hashes = fresh.union(state.addedDuringRebuild ?? [])
            state.addedDuringRebuild = nil
        }
    }

    /// Fills the set when the store opens (nothing else runs yet).
    func fill(_ pairs: [(agentID: String, key: String)]) {
        let fresh = Set(pairs.map { Self.hash(agentID: $0.agentID, key: $0.key) })
        state.withLock { $0.hashes = fresh }
    }
}
