import JECPModels
import Logging
import ServiceLifecycle

/// Deletes what has outlived its window (idempotency records after 24 h, artifacts after their
/// URL expiry, nonces, rate windows and lapsed claims), periodically, until shutdown. Safe on
/// every node at once: each store deletes in batches that concurrent purgers skip, not wait on.
public struct ExpiryPurgeService<Store: HubStore>: Service {
    let store: Store
    let interval: Duration
    let logger: Logger

    public init(store: Store, interval: Duration = .seconds(300), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    await purgeOnce()
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: nothing in flight to finish.
        }
    }

    public func purgeOnce(now: Int64 = Timestamps.now()) async {
        await purge("idempotency records") { () async throws(StoreError) -> Int in try await store.purgeExpiredIdempotency(now: now) }
        await purge("artifacts") { () async throws(StoreError) -> Int in try await store.purgeExpiredArtifacts(now: now) }
        await purge("nonces, rate windows and claims") { () async throws(StoreError) -> Int in try await store.purgeExpiredCoordination(now: now) }
    }

    private func purge(_ what: String, _ body: () async throws(StoreError) -> Int) async {
        do {
            let purged = try await body()
            if purged > 0 { logger.info("purged expired \(what)", metadata: ["jecp.purged": "\(purged)"]) }
        } catch {
            logger.warning("purging expired \(what) failed; will retry", metadata: ["jecp.error": "\(error)"])
        }
    }
}
