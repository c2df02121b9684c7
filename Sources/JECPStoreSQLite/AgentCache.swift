import JECPHubCore
import Synchronization

/// Write-through cache of agent rows, so authenticating a request costs no database round trip.
///
/// Correct because one Hub process owns its SQLite file: every change to an agent row goes
/// through this store, and each change increments the row's `version`; the cache keeps the
/// highest version it has seen, so concurrent writers finishing out of order cannot leave an
/// older state behind. Money checks never rely on it: settlement re-reads the row inside its
/// transaction.
final class AgentCache: Sendable {
    struct Versioned: Sendable {
        let record: AgentRecord
        let version: Int64
    }

    private let entries = Mutex<[String: Versioned]>([:])
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    func lookup(_ id: String) -> AgentRecord? {
        entries.withLock { $0[id]?.record }
    }

    func remember(_ entry: Versioned) {
        entries.withLock { entries in
            if let current = entries[entry.record.id], current.version > entry.version { return }
            if entries.count >= capacity, entries[entry.record.id] == nil { entries.removeAll(keepingCapacity: true) }
            entries[entry.record.id] = entry
        }
    }
}
