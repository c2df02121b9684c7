import Configuration
import JECPHubCore

extension HubConfiguration {
    /// `jecp.refundWindowDays` (30), `jecp.refundDailyCap` (10), `jecp.refundAutoApproveHours`
    /// (72; fractions allowed, 0 approves at the next sweep) and `jecp.refundSweepSeconds` (60),
    /// the last returned for the auto-approval service.
    static func readRefundSettings(reader: ConfigReader, into settings: inout HubSettings) throws(Invalid) -> Double {
        let windowDays = reader.int(forKey: "jecp.refundWindowDays", default: 30)
        guard (1...3_650).contains(windowDays) else { throw Invalid(description: "JECP_REFUND_WINDOW_DAYS must be 1...3650, got \(windowDays)") }
        let cap = reader.int(forKey: "jecp.refundDailyCap", default: 10)
        guard (1...10_000).contains(cap) else { throw Invalid(description: "JECP_REFUND_DAILY_CAP must be 1...10000, got \(cap)") }
        let hours = reader.double(forKey: "jecp.refundAutoApproveHours", default: 72)
        guard hours >= 0, hours <= 24 * 365 else { throw Invalid(description: "JECP_REFUND_AUTO_APPROVE_HOURS must be 0...8760, got \(hours)") }
        let sweep = reader.double(forKey: "jecp.refundSweepSeconds", default: 60)
        guard sweep > 0, sweep <= 3_600 else { throw Invalid(description: "JECP_REFUND_SWEEP_SECONDS must be in (0, 3600], got \(sweep)") }
        settings.refundWindowSeconds = Int64(windowDays) * 86_400
        settings.refundDailyCap = cap
        settings.refundAutoApproveSeconds = Int64((hours * 3_600).rounded())
        return sweep
    }
}
