import DequeModule
import Synchronization

/// A bounded pool of permits for one class of work (invoke, read, provider, background).
///
/// Each route takes a permit from its own pool before touching the database, so a flood of
/// slow catalog reads can exhaust the read pool without starving `POST /v1/invoke`. Waiters are
/// served first in, first out.
public final class Bulkhead: Sendable {
    public let lane: WorkLane
    public var name: String { lane.rawValue }
    public let size: Int
    private struct State {
        var inUse = 0
        var waiters: Deque<CheckedContinuation<Void, Never>> = []
    }
    private let state = Mutex(State())

    public init(lane: WorkLane, size: Int) {
        precondition(size > 0, "a pool needs at least one permit")
        self.lane = lane
        self.size = size
    }

    public var idle: Int { state.withLock { size - $0.inUse } }
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Runs `body` holding one permit, in this pool's lane (a store with connection pools per
    /// lane takes its connections from the matching one).
    public func run<T: Sendable, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        await acquire()
        defer { release() }
        let result: Result<T, E> = await WorkLane.$current.withValue(lane) {
            do throws(E) {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    func acquire() async {
        let granted = state.withLock { state -> Bool in
            guard state.inUse >= size else {
                state.inUse += 1
                return true
            }
            return false
        }
        if granted { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let grantedNow = state.withLock { state -> Bool in
                if state.inUse < size {
                    state.inUse += 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if grantedNow { continuation.resume() }
        }
    }

    func release() {
        // Hand the permit straight to the next waiter, so `inUse` stays counted for it.
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiters.popFirst() { return waiter }
            state.inUse -= 1
            return nil
        }
        next?.resume()
    }
}

/// The four pools of `/health` (spec 05 §8 bulkhead), separately sized.
public struct HubPools: Sendable {
    public let invoke: Bulkhead
    public let read: Bulkhead
    public let provider: Bulkhead
    public let background: Bulkhead

    public init(invoke: Int, read: Int, provider: Int, background: Int) {
        self.invoke = Bulkhead(lane: .invoke, size: invoke)
        self.read = Bulkhead(lane: .read, size: read)
        self.provider = Bulkhead(lane: .provider, size: provider)
        self.background = Bulkhead(lane: .background, size: background)
    }

    public var all: [Bulkhead] { [invoke, read, provider, background] }
    public var totalSize: Int { all.reduce(0) { $0 + $1.size } }
}

/// The class of work a task is doing, set by the bulkhead it runs in. Work outside any bulkhead
/// (purges, start-up) counts as background.
public enum WorkLane: String, Sendable, CaseIterable {
    case invoke, read, provider, background

    @TaskLocal public static var current: WorkLane = .background
}
