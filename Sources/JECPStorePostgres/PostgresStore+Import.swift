import JECPHubCore
import PostgresNIO

extension PostgresStore {
    /// True when no agent and no ledger transaction exists: the only state an import may start from.
    public func isEmpty() async throws(StoreError) -> Bool {
        let rows = try await query("SELECT (SELECT COUNT(*) FROM agents) + (SELECT COUNT(*) FROM ledger_transactions)")
        return try decode { try rows[0].decode(Int64.self) } == 0
    }

    /// Inserts a batch exported from another store, in one transaction. Columns this schema does
    /// not have are dropped; integers become booleans where the column is boolean.
    public func importBatch(_ batch: TableBatch) async throws(StoreError) -> Int {
        guard TableBatch.tables.contains(batch.table), !batch.rows.isEmpty else { return 0 }
        let typeRows = try await query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = \(batch.table)")
        let types = try decode { try Dictionary(uniqueKeysWithValues: typeRows.map { try $0.decode((String, String).self) }) }
        let kept = batch.columns.indices.filter { types[batch.columns[$0]] != nil }
        let logger = self.logger
        return try await transaction { connection in
            for row in batch.rows {
                var bindings = PostgresBindings()
                for index in kept {
                    let isBoolean = types[batch.columns[index]] == "boolean"
                    switch row[index] {
                    case .null: bindings.appendNull()
                    case .integer(let value) where isBoolean: bindings.append(value != 0)
                    case .integer(let value): bindings.append(value)
                    case .real(let value): bindings.append(value)
                    case .text(let value): bindings.append(value)
                    case .blob(let value): bindings.append(ByteBuffer(bytes: value))
                    }
                }
                let columns = kept.map { batch.columns[$0] }.joined(separator: ", ")
                let placeholders = kept.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
                try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(batch.table) (\(columns)) VALUES (\(placeholders))", binds: bindings),
                                           logger: logger)
            }
            if batch.table == "providers" || batch.table == "manifests" {
                try await connection.query("UPDATE catalog_state SET revision = revision + 1 WHERE id = 1", logger: logger)
            }
            if batch.table == "ledger_entries" {
                try await connection.query("SELECT setval(pg_get_serial_sequence('ledger_entries', 'seq'), (SELECT MAX(seq) FROM ledger_entries))",
                                           logger: logger)
            }
            return batch.rows.count
        }
    }
}
