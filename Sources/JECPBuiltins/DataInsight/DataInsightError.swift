/// Every failure of the `data-insight` numeric engine. Thrown instead of trapping on hostile input.
///
/// Row numbers are 1-based record numbers in the CSV (the header is row 1, the first data row is
/// row 2, like a spreadsheet); `line` is the 1-based physical line where that record starts (they
/// differ when quoted fields contain newlines). Column numbers are 1-based. Series indexes are
/// 0-based positions in the input array.
enum DataInsightError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input has no content (empty, only a BOM, or only whitespace and newlines).
    case emptyInput
    /// A size limit was exceeded; `what` names the limited quantity ("rows", "columns", "bytes", ...).
    case tooLarge(what: String, limit: Int)
    /// The CSV bytes are not valid UTF-8.
    case invalidEncoding
    /// The requested delimiter cannot be used (must be one ASCII character other than `"`, CR, LF).
    case invalidDelimiter(String)
    /// A quoted field was still open at the end of the input.
    case unterminatedQuote(row: Int, column: Int, line: Int)
    /// A closing quote was followed by something other than a delimiter or a line break.
    case unexpectedCharacterAfterQuote(row: Int, column: Int, line: Int)
    /// A record has a different number of fields than the header.
    case raggedRow(row: Int, line: Int, expected: Int, found: Int)
    /// A parameter is outside its documented range.
    case invalidArgument(String)
    /// Not enough (non-missing) values for the requested computation.
    case insufficientData(needed: Int, got: Int)
    /// The input series contains NaN or an infinity at `index`.
    case nonFiniteValue(index: Int)
    /// The input series contains a value whose magnitude exceeds `limit`.
    case valueOutOfRange(index: Int, limit: Double)
    /// The computation produced a non-finite result (should not happen with bounded input).
    case numericalFailure(String)

    var description: String {
        switch self {
        case .emptyInput:
            return "input is empty: expected a header row and data"
        case .tooLarge(let what, let limit):
            return "input too large: at most \(limit) \(what) allowed"
        case .invalidEncoding:
            return "input is not valid UTF-8"
        case .invalidDelimiter(let d):
            return "invalid delimiter \(d.debugDescription): use a single ASCII character other than a quote or line break"
        case .unterminatedQuote(let row, let column, let line):
            return "row \(row), column \(column) (line \(line)): quoted field is never closed"
        case .unexpectedCharacterAfterQuote(let row, let column, let line):
            return "row \(row), column \(column) (line \(line)): closing quote must be followed by a delimiter or a line break"
        case .raggedRow(let row, let line, let expected, let found):
            return "row \(row) (line \(line)) has \(found) field\(found == 1 ? "" : "s"), expected \(expected) like the header"
        case .invalidArgument(let message):
            return "invalid argument: \(message)"
        case .insufficientData(let needed, let got):
            return "not enough data: need at least \(needed) values, got \(got)"
        case .nonFiniteValue(let index):
            return "value at index \(index) is NaN or infinite"
        case .valueOutOfRange(let index, let limit):
            return "value at index \(index) exceeds the supported magnitude \(limit)"
        case .numericalFailure(let message):
            return "numerical failure: \(message)"
        }
    }
}
