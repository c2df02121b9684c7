/// Driver-neutral rows, for moving a Hub's data from one store to another
/// (`jecp-hub import-sqlite`: an embedded Hub's file into PostgreSQL).
public enum StoreValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

public struct TableBatch: Sendable {
    public var table: String
    public var columns: [String]
    public var rows: [[StoreValue]]

    public init(table: String, columns: [String], rows: [[StoreValue]]) {
        self.table = table
        self.columns = columns
        self.rows = rows
    }

    /// Every table with durable Hub data, parents before children. (Rate windows, nonces and
    /// claims are short-lived and start empty.)
    public static let tables = ["agents", "key_rotations", "ledger_transactions", "ledger_entries", "invocations", "idempotency_records", "artifacts",
                                     "providers", "provider_key_rotations", "manifests", "subscriptions", "subscription_events",
                                     "webhook_events", "webhook_deliveries", "refunds", "topups"]
}
