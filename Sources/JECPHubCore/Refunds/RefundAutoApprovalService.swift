import JECPModels
import Logging
import ServiceLifecycle

/// Approves refund requests nobody answered within `HubSettings.refundAutoApproveSeconds`,
/// sweeping every `interval` until shutdown. Safe on every node at once: each approval is a
/// conditional update of a `requested` row, so one refund is never approved (or reversed) twice.
public struct RefundAutoApprovalService<Store: HubStore>: Service {
    let refunds: RefundService<Store>
    let interval: Duration
    let logger: Logger

    public init(refunds: RefundService<Store>, interval: Duration, logger: Logger) {
        self.refunds = refunds
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    await sweepOnce()
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: an approval in flight is one transaction, committed or not.
        }
    }

    public func sweepOnce(now: Int64 = Timestamps.now()) async {
        do {
            let sweep = try await refunds.autoApproveDue(now: now)
            if sweep.approved > 0 { logger.info("auto-approved refunds", metadata: ["jecp.refunds": "\(sweep.approved)"]) }
            for failure in sweep.failed {
                logger.warning("auto-approving a refund failed; will retry",
                               metadata: ["jecp.refund_id": "\(failure.refundID)", "jecp.error": "\(failure.code)"])
            }
        } catch {
            logger.warning("auto-approving refunds failed; will retry", metadata: ["jecp.error": "\(error.code.rawValue)"])
        }
    }
}
