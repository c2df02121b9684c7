import Synchronization

/// The signatures accepted within the timestamp window, so the same signed request is executed once.
///
/// Bounded: entries leave when their timestamp falls out of the window, and when the cache is full
/// the oldest one is evicted. Evicting an entry that is still inside the window would open a replay
/// hole, so the cache then raises a floor instead: any timestamp at or below the newest such evicted
/// timestamp is refused. Under a flood larger than the capacity that refuses some late but honest
/// calls (the Hub retries with a fresh timestamp) and never accepts a replay.
final class ReplayCache: Sendable {
    /// 128 bits of the HMAC: as unguessable as the whole tag for this purpose, a quarter of the memory.
    private struct Key: Hashable {
        let high: UInt64
        let low: UInt64

        init(_ mac: [UInt8]) {
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<8 {
                high = high << 8 | UInt64(mac[index])
                low = low << 8 | UInt64(mac[index + 8])
            }
            self.high = high
            self.low = low
        }
    }

    private struct Entry {
        var key: Key
        var sentAt: Int64
    }

    private struct State {
        var seen: Set<Key> = []
        /// A ring in insertion order; allocated on first use.
        var ring: [Entry] = []
        var head = 0
        var count = 0
        var floor = Int64.min
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Records the request; false when it was seen before (or falls under the eviction floor).
    func admit(_ mac: [UInt8], sentAt: Int64, now: Int64, tolerance: Int64) -> Bool {
        let key = Key(mac)
        let oldestFresh = now - tolerance
        return state.withLock { state in
            if state.ring.isEmpty {
                state.ring = Array(repeating: Entry(key: Key([UInt8](repeating: 0, count: 16)), sentAt: 0), count: capacity)
            }
            // Timestamps arrive almost in order, so expiring from the oldest insertion is enough.
            while state.count > 0, state.ring[state.head].sentAt < oldestFresh {
                state.seen.remove(state.ring[state.head].key)
                state.head = (state.head + 1) % capacity
                state.count -= 1
            }
            guard sentAt > state.floor, !state.seen.contains(key) else { return false }
            if state.count == capacity {
                let evicted = state.ring[state.head]
                state.seen.remove(evicted.key)
                if evicted.sentAt >= oldestFresh { state.floor = max(state.floor, evicted.sentAt) }
                state.head = (state.head + 1) % capacity
                state.count -= 1
            }
            state.ring[(state.head + state.count) % capacity] = Entry(key: key, sentAt: sentAt)
            state.count += 1
            state.seen.insert(key)
            return true
        }
    }

    var count: Int { state.withLock { $0.count } }
}
