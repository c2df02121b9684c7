import Foundation

/// A rectangular table parsed from RFC 4180 CSV text.
///
/// Dialect accepted:
/// - fields separated by `,` (or another single ASCII `delimiter`, e.g. `;` or tab);
/// - fields may be quoted with `"`; inside quotes `""` is a literal quote and delimiters, CR and LF
///   are kept verbatim (an embedded CRLF stays CRLF);
/// - records end with CRLF, LF or a lone CR; a final line break is optional;
/// - a leading UTF-8 byte order mark is skipped;
/// - completely empty lines are skipped (as pandas does); a line holding `""` is a record with one
///   empty field;
/// - a `"` inside an unquoted field is kept literally (lenient, like Python's `csv`); a closing quote
///   followed by anything but a delimiter or line break is an error;
/// - the first record is the header. Header names are trimmed; an empty name becomes `column<N>`.
///
/// Ragged rows are **rejected**: a record whose field count differs from the header's throws
/// `DataInsightError.raggedRow` naming the row (1-based record number, header = row 1) and the
/// physical line it starts on. Cell values are stored verbatim (no trimming); the statistics layer
/// trims when it interprets them.
///
/// Limits: `maxBytes` of UTF-8 text, `maxRows` data rows (header excluded), `maxColumns` columns.
struct CSVTable: Sendable, Equatable {
    static let maxBytes = 10 * 1024 * 1024
    static let maxRows = 100_000
    static let maxColumns = 200

    /// Column names, one per column (trimmed; empty names replaced by `column<N>`).
    let header: [String]
    /// Data rows; every row has exactly `header.count` cells.
    let rows: [[String]]

    var columnCount: Int { header.count }
    var rowCount: Int { rows.count }

    /// All cells of column `index` (0-based), top to bottom. Empty for an out-of-range index.
    func column(_ index: Int) -> [String] {
        guard index >= 0, index < header.count else { return [] }
        return rows.map { $0[index] }
    }

    /// Parses UTF-8 encoded CSV bytes. Throws `tooLarge` before decoding when over `maxBytes`.
    init(data: Data, delimiter: Character = ",") throws(DataInsightError) {
        guard data.count <= Self.maxBytes else { throw .tooLarge(what: "bytes", limit: Self.maxBytes) }
        guard let text = String(data: data, encoding: .utf8) else { throw .invalidEncoding }
        try self.init(parsing: text, delimiter: delimiter)
    }

    /// Parses CSV text.
    init(parsing text: String, delimiter: Character = ",") throws(DataInsightError) {
        guard let ascii = delimiter.asciiValue, delimiter.unicodeScalars.count == 1,
              ascii != UInt8(ascii: "\""), ascii != 0x0A, ascii != 0x0D
        else { throw .invalidDelimiter(String(delimiter)) }
        guard text.utf8.count <= Self.maxBytes else { throw .tooLarge(what: "bytes", limit: Self.maxBytes) }
        let bytes = Array(text.utf8)
        let parsed = try bytes.withUnsafeBufferPointer { buffer throws(DataInsightError) in
            try Self.parse(buffer, delimiter: ascii)
        }
        header = parsed.header
        rows = parsed.rows
    }

    // MARK: Parser

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    private static func parse(
        _ all: UnsafeBufferPointer<UInt8>, delimiter: UInt8
    ) throws(DataInsightError) -> (header: [String], rows: [[String]]) {
        let quote = UInt8(ascii: "\""), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        var start = 0
        if all.count >= 3, all[0] == 0xEF, all[1] == 0xBB, all[2] == 0xBF { start = 3 }
        // Whitespace-only (or empty) input is "empty", not a one-cell table.
        var hasContent = false
        for i in start..<all.count where !(all[i] == 0x20 || all[i] == 0x09 || all[i] == cr || all[i] == lf) {
            hasContent = true
            break
        }
        guard hasContent else { throw .emptyInput }

        var header: [String]? = nil
        var rows: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var state = State.fieldStart
        var line = 1                 // current physical line
        var recordLine = 1           // line where the current record started
        var recordNumber = 1         // 1-based, header = 1
        var quoteLine = 1

        func finishField() throws(DataInsightError) {
            if record.count >= maxColumns { throw .tooLarge(what: "columns", limit: maxColumns) }
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func finishRecord() throws(DataInsightError) {
            if let header {
                guard record.count == header.count else {
                    throw .raggedRow(row: recordNumber, line: recordLine, expected: header.count, found: record.count)
                }
                if rows.count >= maxRows { throw .tooLarge(what: "rows", limit: maxRows) }
                rows.append(record)
            } else {
                header = record.enumerated().map { index, name in
                    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
                    return trimmed.isEmpty ? "column\(index + 1)" : trimmed
                }
            }
            record = []
            recordNumber += 1
        }

        var i = start
        let end = all.count
        while i < end {
            let b = all[i]
            let isNewline = b == cr || b == lf
            // A CRLF pair counts as one line break: skip the LF after a CR.
            if isNewline, b == cr, i + 1 < end, all[i + 1] == lf, state != .quoted { i += 1 }
            switch state {
            case .fieldStart:
                if b == quote {
                    state = .quoted
                    quoteLine = line
                } else if b == delimiter {
                    try finishField()
                } else if isNewline {
                    if !record.isEmpty {  // "a,<newline>" ends with an empty field
                        try finishField()
                        try finishRecord()
                    }  // else: a blank line, skipped
                    line += 1
                    recordLine = line
                } else {
                    field.append(b)
                    state = .unquoted
                }
            case .unquoted:
                if b == delimiter {
                    try finishField()
                    state = .fieldStart
                } else if isNewline {
                    try finishField()
                    try finishRecord()
                    line += 1
                    recordLine = line
                    state = .fieldStart
                } else {
                    field.append(b)
                }
            case .quoted:
                if b == quote {
                    state = .quoteInQuoted
                } else {
                    field.append(b)
                    // Count physical lines for error messages: LF, or a CR not followed by LF.
                    if b == lf || (b == cr && !(i + 1 < end && all[i + 1] == lf)) { line += 1 }
                }
            case .quoteInQuoted:
                if b == quote {
                    field.append(quote)
                    state = .quoted
                } else if b == delimiter {
                    try finishField()
                    state = .fieldStart
                } else if isNewline {
                    try finishField()
                    try finishRecord()
                    line += 1
                    recordLine = line
                    state = .fieldStart
                } else {
                    throw .unexpectedCharacterAfterQuote(row: recordNumber, column: record.count + 1, line: line)
                }
            }
            i += 1
        }
        switch state {
        case .quoted:
            throw .unterminatedQuote(row: recordNumber, column: record.count + 1, line: quoteLine)
        case .fieldStart:
            if !record.isEmpty {
                try finishField()
                try finishRecord()
            }
        case .unquoted, .quoteInQuoted:
            try finishField()
            try finishRecord()
        }
        guard let header else { throw .emptyInput }
        return (header, rows)
    }
}
