import Foundation
import GRDB
import JECPHubCore

extension SQLiteStore {
    /// Rows `offset ..< offset + limit` of `table` in a stable order, with its column names.
    public func exportBatch(table: String, offset: Int, limit: Int) async throws(StoreError) -> TableBatch {
        guard TableBatch.tables.contains(table) else { throw .notFound }
        return try await read { db in
            let columns = try db.columns(in: table).map(\.name)
            let order = try db.primaryKey(table).columns.joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order) LIMIT ? OFFSET ?", arguments: [limit, offset])
            return TableBatch(table: table, columns: columns, rows: rows.map { row in
                columns.map { column in
                    switch row[column] as DatabaseValue? {
                    case .none: return .null
                    case .some(let value):
                        switch value.storage {
                        case .null: return .null
                        case .int64(let integer): return .integer(integer)
                        case .double(let real): return .real(real)
                        case .string(let text): return .text(text)
                        case .blob(let data): return .blob(Array(data))
                        }
                    }
                }
            })
        }
    }
}
