import Foundation

/// A plain-text table with aligned columns. Alignment is computed on the unstyled text and
/// color is applied afterwards, so escape sequences never shift a column.
struct Table: Sendable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns aligned to the right (amounts, counts).
    var rightAligned: Set<Int> = []

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    mutating func append(_ row: [String]) {
        rows.append(row.map { $0.replacingOccurrences(of: "\n", with: " ") })
    }

    func render(header: (String) -> String = { $0 }) -> String {
        let columns = headers.count
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.prefix(columns).enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String], style: (String) -> String) -> String {
            var parts: [String] = []
            for index in 0..<columns {
                let cell = index < cells.count ? cells[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let isLast = index == columns - 1
                if rightAligned.contains(index) {
                    parts.append(padding + style(cell))
                } else {
                    parts.append(style(cell) + (isLast ? "" : padding))
                }
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var lines = [line(headers, style: header)]
        lines += rows.map { line($0, style: { $0 }) }
        return lines.joined(separator: "\n")
    }
}

/// Two-column `label: value` blocks (`whoami`, `describe`).
struct KeyValueList: Sendable {
    var items: [(String, String)] = []

    mutating func append(_ label: String, _ value: String) { items.append((label, value)) }

    func render(label: (String) -> String = { $0 }) -> String {
        let width = items.map(\.0.count).max() ?? 0
        return items.map { key, value in
            label(key + ":") + String(repeating: " ", count: width - key.count + 1) + value
        }.joined(separator: "\n")
    }
}
