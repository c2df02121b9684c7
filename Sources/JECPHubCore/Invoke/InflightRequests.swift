import Synchronization

/// In-process claim on an idempotency key: while one request executes under a key, others with
/// the same key wait here and then read the stored result (spec 01 §6).
///
/// Within one process this makes "exactly one executes" hold without a database round trip.
/// Across processes the unique idempotency row written in the settlement transaction is the
/// backstop: a second settlement for the key is rolled back and answered with the stored one.
public final class InflightRequests: Sendable {
    private let waiters = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    public init() {}

    /// True when the caller now owns `key` and must call ``release(_:)`` when done.
    public func tryClaim(_ key: String) -> Bool {
        waiters.withLock { waiters in
            if waiters[key] != nil { return false }
            waiters[key] = []
            return true
        }
    }

    /// Suspends until the current owner of `key` releases it (returns at once if nobody owns it).
    public func waitForRelease(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = waiters.withLock { waiters -> Bool in
                guard waiters[key] != nil else { return true }
                waiters[key]!.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// The claim on `key` if nobody holds it now.
    public func claimNow(_ key: String) -> Claim? {
        tryClaim(key) ? Claim(key: key, owner: self) : nil
    }

    /// Waits until the caller owns `key`.
    public func claim(_ key: String) async -> Claim {
        while !tryClaim(key) { await waitForRelease(key) }
        return Claim(key: key, owner: self)
    }

    /// Ownership of a key, released exactly once: explicitly, or at the latest when the claim is
    /// dropped, so a streamed response whose body never runs cannot strand its key.
    public final class Claim: Sendable {
        let key: String
        let owner: InflightRequests
        private let released = Atomic<Bool>(false)

        init(key: String, owner: InflightRequests) {
            self.key = key
            self.owner = owner
        }

        public func release() {
            if !released.exchange(true, ordering: .acquiringAndReleasing) { owner.release(key) }
        }

        deinit { release() }
    }

    public func release(_ key: String) {
        let pending = waiters.withLock { $0.removeValue(forKey: key) ?? [] }
        for continuation in pending { continuation.resume() }
    }
}
