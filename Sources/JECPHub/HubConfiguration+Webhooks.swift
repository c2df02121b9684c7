import Configuration
import Foundation
import JECPHubCore
import JECPModels

extension HubConfiguration {
    /// `jecp.lowBalanceThreshold` and the `jecp.webhook*` delivery settings.
    static func readWebhookSettings(reader: ConfigReader, into settings: inout HubSettings) throws(Invalid) -> WebhookPolicy {
        if let text = reader.string(forKey: "jecp.lowBalanceThreshold") {
            guard let threshold = try? Money(decimal: text.trimmingCharacters(in: .whitespaces)), threshold >= .zero else {
                throw Invalid(description: "JECP_LOW_BALANCE_THRESHOLD must be a USDC amount with at most 6 decimals (0 turns the event off), got '\(text)'")
            }
            settings.lowBalanceThreshold = threshold
        }
        var policy = WebhookPolicy()
        func integer(_ key: String, _ env: String, _ fallback: Int, _ range: ClosedRange<Int>) throws(Invalid) -> Int {
            let value = reader.int(forKey: ConfigKey(key), default: fallback)
            guard range.contains(value) else { throw Invalid(description: "\(env) must be \(range.lowerBound)...\(range.upperBound), got \(value)") }
            return value
        }
        policy.retryBaseSeconds = Int64(try integer("jecp.webhookRetryBaseSeconds", "JECP_WEBHOOK_RETRY_BASE_SECONDS", 60, 1...86_400))
        policy.retryCapSeconds = Int64(try integer("jecp.webhookRetryCapSeconds", "JECP_WEBHOOK_RETRY_CAP_SECONDS", 3_600, 1...604_800))
        guard policy.retryCapSeconds >= policy.retryBaseSeconds else {
            throw Invalid(description: "JECP_WEBHOOK_RETRY_CAP_SECONDS must be at least JECP_WEBHOOK_RETRY_BASE_SECONDS")
        }
        policy.maximumAttempts = try integer("jecp.webhookMaxAttempts", "JECP_WEBHOOK_MAX_ATTEMPTS", 12, 1...100)
        policy.pauseAfterFailures = try integer("jecp.webhookPauseAfterFailures", "JECP_WEBHOOK_PAUSE_AFTER_FAILURES", 50, 1...10_000)
        policy.maximumSubscriptionsPerOwner = try integer("jecp.webhookMaxSubscriptions", "JECP_WEBHOOK_MAX_SUBSCRIPTIONS", 10, 1...1_000)
        policy.timeoutSeconds = reader.double(forKey: "jecp.webhookTimeoutSeconds", default: 10)
        guard policy.timeoutSeconds > 0, policy.timeoutSeconds <= 60 else {
            throw Invalid(description: "JECP_WEBHOOK_TIMEOUT_SECONDS must be in (0, 60], got \(policy.timeoutSeconds)")
        }
        policy.pollSeconds = reader.double(forKey: "jecp.webhookPollSeconds", default: 1)
        guard policy.pollSeconds > 0, policy.pollSeconds <= 60 else {
            throw Invalid(description: "JECP_WEBHOOK_POLL_SECONDS must be in (0, 60], got \(policy.pollSeconds)")
        }
        let retentionDays = try integer("jecp.webhookHistoryDays", "JECP_WEBHOOK_HISTORY_DAYS", 30, 1...3_650)
        policy.historyRetentionSeconds = Int64(retentionDays) * 86_400
        return policy
    }
}
