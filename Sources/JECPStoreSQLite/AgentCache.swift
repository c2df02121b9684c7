import JECPHubCore
import Synchronization

/// Write-through cache of agent rows, so authenticating a request costs no database round trip.
///
/// Correct because one Hub process owns its SQLite file: every change to an agent row goes
/// through this store, and each change increments the row's `version`; the cache keeps the
/// highest version it has seen, so concurrent writers finishing out of order cannot leave an
/// older state behind. Money checks never rely on it: settlement re-reads the row inside its
/// transaction.
///
/// Filled with every agent when the store opens, it stays *complete* while agents fit in its
/// capacity: a miss then means "no such agent" without a read, so an unknown id and a known one
/// cost the same (timing must not reveal which ids exist). Past capacity it becomes an ordinary
/// cache and misses read the database.
final class AgentCache: Sendable {
    struct Versioned: Sendable {
        let record: AgentRecord
        let version: Int64
    }

    private struct State {
        var entries: [String: Versioned] = [:]
        var isComplete = false
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    enum Lookup {
        case found(AgentRecord)
        /// Complete cache, so the agent does not exist.
        case absent
        /// Not cached: ask the database.
        case unknown
    }

    func lookup(_ id: String) -> Lookup {
        state.withLock { state in
            if let entry = state.entries[id] { return .found(entry.record) }
            return state.isComplete ? .absent : .unknown
        }
    }

    /// Loads every agent; `all` is nil when there are more than the capacity.
    func fill(_ all: [Versioned]?) {
        state.withLock { state in
            guard let all else { return }
            for entry in all { state.entries[entry.record.id] = entry }
            state.isComplete = true
        }
    }

    var fillLimit: Int { capacity }

    func remember(_ entry: Versioned) {
        state.withLock { state in
            if let current = state.entries[entry.record.id], current.version > entry.version { return }
            if state.entries.count >= capacity, state.entries[entry.record.id] == nil {
                state.entries.removeAll(keepingCapacity: true)
                state.isComplete = false
            }
            state.entries[entry.record.id] = entry
        }
    }
}
