import JECPModels
import Logging
import ServiceLifecycle

/// Deletes idempotency records past their 24 h window, periodically, until shutdown.
public struct IdempotencyPurgeService<Store: HubStore>: Service {
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

    func purgeOnce() async {
        do {
            let purged = try await store.purgeExpiredIdempotency(now: Timestamps.now())
            if purged > 0 { logger.info("purged expired idempotency records", metadata: ["jecp.purged": "\(purged)"]) }
        } catch {
            logger.warning("idempotency purge failed; will retry", metadata: ["jecp.error": "\(error)"])
        }
    }
}
