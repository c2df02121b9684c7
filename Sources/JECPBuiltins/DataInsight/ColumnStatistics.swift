import Foundation

/// The inferred type of a CSV column, decided over its non-missing cells.
///
/// `integer` ⊂ `number`: a column of integers and decimals is `number`. Any cell that fits none of
/// the typed grammars makes the column `text`. `empty` means every cell is missing.
enum ColumnType: String, Sendable, CaseIterable {
    case integer, number, boolean, date, text, empty

    var isNumeric: Bool { self == .integer || self == .number }
}

/// How the statistics layer reads one cell. Cells are trimmed of surrounding ASCII whitespace first.
///
/// - missing: empty, or `NA`, `N/A`, `null`, `NaN` (case-insensitive), or a number that is not
///   finite (`inf`, `-Infinity`, `1e999`): NaN/inf never reach the outputs;
/// - integer: optional sign and ASCII digits, fitting in `Int64`;
/// - number: optional sign, digits with an optional `.` fraction, optional exponent
///   (`1.5`, `-.5`, `2e10`); no hex, no thousands separators;
/// - boolean: `true` / `false` (case-insensitive);
/// - date: ISO 8601 calendar date `YYYY-MM-DD` naming a real day (leap years checked);
/// - anything else is text.
enum InsightCell: Sendable, Equatable {
    case missing
    case integer(Int64)
    case number(Double)
    case boolean(Bool)
    case date(String)
    case text(String)

    init(_ raw: String) {
        var raw = raw
        raw.makeContiguousUTF8()
        self = raw.utf8.withContiguousStorageIfAvailable { Self.classify($0, original: raw) } ?? .text(raw)
    }

    /// `s` without surrounding ASCII whitespace (space, tab, CR, LF, VT, FF).
    static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !($0.isASCII && isSpace(UInt8($0.value))) }),
              let last = scalars.lastIndex(where: { !($0.isASCII && isSpace(UInt8($0.value))) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// The numeric value of an integer or number cell.
    var numericValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    // MARK: Byte-level classification (hot path: up to millions of cells)

    private typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C
    }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Case-insensitive comparison of bytes with a lowercase ASCII literal.
    private static func equalsLower(_ bytes: Bytes, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let lit = literal.utf8Start
        var i = 0
        for b in bytes {
            guard lower(b) == lit[i] else { return false }
            i += 1
        }
        return true
    }

    private static func classify(_ all: UnsafeBufferPointer<UInt8>, original: String) -> InsightCell {
        var lo = 0, hi = all.count
        while lo < hi, isSpace(all[lo]) { lo += 1 }
        while hi > lo, isSpace(all[hi - 1]) { hi -= 1 }
        let b = all[lo..<hi]
        let trimmed = lo == 0 && hi == all.count ? original : String(decoding: b, as: UTF8.self)

        if b.isEmpty { return .missing }
        if b.count <= 4, equalsLower(b, "na") || equalsLower(b, "n/a") || equalsLower(b, "null") || equalsLower(b, "nan") {
            return .missing
        }
        // Signed infinities are missing (they would poison every statistic).
        var unsigned = b
        if let first = unsigned.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            unsigned = unsigned.dropFirst()
        }
        if equalsLower(unsigned, "inf") || equalsLower(unsigned, "infinity") { return .missing }

        switch numberShape(b) {
        case .integer:
            if let i = Int64(trimmed) { return .integer(i) }
            // Beyond Int64: read it as a (finite) number.
            guard let d = Double(trimmed), d.isFinite else { return .missing }
            return .number(d)
        case .decimal:
            guard let d = Double(trimmed), d.isFinite else { return .missing }  // e.g. 1e999
            return .number(d)
        case .none:
            break
        }
        if equalsLower(b, "true") { return .boolean(true) }
        if equalsLower(b, "false") { return .boolean(false) }
        if isISODate(b) { return .date(trimmed) }
        return .text(trimmed)
    }

    private enum NumberShape { case none, integer, decimal }

    /// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`; `integer` when only sign and digits.
    private static func numberShape(_ b: Bytes) -> NumberShape {
        var i = b.startIndex
        let end = b.endIndex
        if i < end, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while i < end, isDigit(b[i]) { i += 1; digits += 1 }
        if i == end { return digits > 0 ? .integer : .none }
        if b[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, isDigit(b[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return .none }
        if i < end, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            var expDigits = 0
            while i < end, isDigit(b[i]) { i += 1; expDigits += 1 }
            guard expDigits > 0 else { return .none }
        }
        return i == end ? .decimal : .none
    }

    private static func isISODate(_ b: Bytes) -> Bool {
        guard b.count == 10 else { return false }
        let s = b.startIndex
        guard b[s + 4] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard isDigit(b[s + i]) else { return nil }
                value = value * 10 + Int(b[s + i] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              year >= 1, (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}

/// Summary of a numeric (integer or number) column over its non-missing values.
struct NumericSummary: Sendable, Equatable {
    let mean: Double
    let median: Double
    /// Sample standard deviation (n - 1); nil with fewer than two values.
    let stddev: Double?
    let min: Double
    let max: Double
    /// Quantiles with numpy's default linear interpolation; `p50 == median`.
    let p25: Double
    let p50: Double
    let p75: Double
}

struct ValueCount: Sendable, Equatable {
    let value: String
    let count: Int
}

/// Summary of a text, boolean or date column: distinct values and the most frequent ones.
struct CategoricalSummary: Sendable, Equatable {
    let distinct: Int
    /// At most 5 values, by descending count, ties broken by ascending value.
    let top: [ValueCount]
}

/// Per-column description of a table.
///
/// `count` is the number of non-missing cells, `missing` the number of missing ones (so
/// `count + missing` is the row count). `unique` counts distinct non-missing values: numerically
/// for numeric columns (`1` and `1.0` are one value), case-insensitively for booleans, by trimmed
/// text otherwise. `numeric` is set for integer/number columns; `categorical` (distinct + top 5)
/// for text, boolean and date columns. Booleans are reported as `true` / `false`.
struct ColumnStatistics: Sendable, Equatable {
    static let topValueCount = 5

    let index: Int
    let name: String
    let type: ColumnType
    let count: Int
    let missing: Int
    let unique: Int
    let numeric: NumericSummary?
    let categorical: CategoricalSummary?

    /// Describes every column of `table`.
    static func describe(_ table: CSVTable) -> [ColumnStatistics] {
        table.header.indices.map { ColumnStatistics(name: table.header[$0], index: $0, cells: table.column($0)) }
    }

    /// The numeric values of a column, `nil` for missing or non-numeric cells (row-aligned).
    static func numericValues(_ cells: [String]) -> [Double?] {
        cells.map { InsightCell($0).numericValue }
    }

    init(name: String, index: Int = 0, cells: [String]) {
        let parsed = cells.map(InsightCell.init)
        self.name = name
        self.index = index
        var missing = 0
        var allInteger = true, allNumeric = true, allBoolean = true, allDate = true
        for cell in parsed {
            switch cell {
            case .missing: missing += 1
            case .integer: allBoolean = false; allDate = false
            case .number: allInteger = false; allBoolean = false; allDate = false
            case .boolean: allInteger = false; allNumeric = false; allDate = false
            case .date: allInteger = false; allNumeric = false; allBoolean = false
            case .text: allInteger = false; allNumeric = false; allBoolean = false; allDate = false
            }
        }
        self.missing = missing
        self.count = parsed.count - missing
        let type: ColumnType
        if count == 0 { type = .empty }
        else if allInteger { type = .integer }
        else if allNumeric { type = .number }
        else if allBoolean { type = .boolean }
        else if allDate { type = .date }
        else { type = .text }
        self.type = type

        switch type {
        case .empty:
            unique = 0
            numeric = nil
            categorical = nil
        case .integer, .number:
            let values = parsed.compactMap(\.numericValue)
            unique = Set(values).count
            numeric = Self.summarize(values)
            categorical = nil
        case .boolean, .date, .text:
            var counts: [String: Int] = [:]
            for (raw, cell) in zip(cells, parsed) {
                switch cell {
                case .missing: continue
                case .boolean(let b): counts[b ? "true" : "false", default: 0] += 1
                case .date(let s), .text(let s): counts[s, default: 0] += 1
                case .integer, .number:
                    // In a text column numbers keep their original (trimmed) spelling.
                    counts[InsightCell.trimmed(raw), default: 0] += 1
                }
            }
            unique = counts.count
            numeric = nil
            let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(Self.topValueCount)
                .map { ValueCount(value: $0.key, count: $0.value) }
            categorical = CategoricalSummary(distinct: counts.count, top: Array(top))
        }
    }

    private static func summarize(_ values: [Double]) -> NumericSummary? {
        guard !values.isEmpty else { return nil }
        // Moments on values scaled by a power of two when huge (exact), then scaled back.
        let scale = InsightMath.overflowGuardScale(values)
        var moments = InsightMath.RunningMoments()
        for v in values { moments.add(v * scale) }
        let sorted = values.sorted()
        guard let first = sorted.first, let last = sorted.last,
              let p25 = InsightMath.quantile(sorted: sorted, 0.25),
              let p50 = InsightMath.quantile(sorted: sorted, 0.5),
              let p75 = InsightMath.quantile(sorted: sorted, 0.75),
              let mean = InsightMath.finite(moments.mean / scale)
        else { return nil }
        let stddev = moments.sampleStandardDeviation.flatMap { InsightMath.finite($0 / scale) }
        return NumericSummary(mean: mean, median: p50, stddev: stddev,
                              min: first, max: last, p25: p25, p50: p50, p75: p75)
    }
}
