import Foundation
import Testing
@testable import JECPBuiltins

@Suite("data-insight CSV parsing")
struct CSVTableTests {
    @Test func parsesHeaderAndRows() throws {
        let table = try CSVTable(parsing: "name,amount,paid\nalice,12.50,true\nbob,7,false\n")
        #expect(table.header == ["name", "amount", "paid"])
        #expect(table.rows == [["alice", "12.50", "true"], ["bob", "7", "false"]])
        #expect(table.rowCount == 2)
        #expect(table.columnCount == 3)
        #expect(table.column(1) == ["12.50", "7"])
        #expect(table.column(3) == [])
        #expect(table.column(-1) == [])
    }

    @Test func quotedFieldsWithEscapesDelimitersAndNewlines() throws {
        let csv = "id,note,n\r\n"
            + "1,\"He said \"\"hi\"\"\",2\r\n"
            + "2,\"a, b, c\",3\r\n"
            + "3,\"line one\r\nline two\",4\r\n"
            + "4,\"lf\nonly\",5\r\n"
            + "5,\"\",6\r\n"
        let table = try CSVTable(parsing: csv)
        #expect(table.rowCount == 5)
        #expect(table.column(1) == ["He said \"hi\"", "a, b, c", "line one\r\nline two", "lf\nonly", ""])
        #expect(table.column(2) == ["2", "3", "4", "5", "6"])
    }

    @Test func lineEndingsAreEquivalentAndFinalNewlineIsOptional() throws {
        let expected = try CSVTable(parsing: "a,b\n1,2\n3,4\n")
        #expect(expected.rows == [["1", "2"], ["3", "4"]])
        for text in ["a,b\r\n1,2\r\n3,4\r\n", "a,b\r\n1,2\r\n3,4", "a,b\n1,2\n3,4", "a,b\r1,2\r3,4\r", "a,b\n1,2\r\n3,4\n"] {
            #expect(try CSVTable(parsing: text) == expected, "\(text.debugDescription)")
        }
    }

    @Test func leadingBOMIsSkipped() throws {
        let table = try CSVTable(parsing: "\u{FEFF}amount,currency\n1,USD\n")
        #expect(table.header == ["amount", "currency"])
        #expect(table.header[0].unicodeScalars.first == "a")
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("x\n1\n".utf8)
        #expect(try CSVTable(data: data).header == ["x"])
    }

    @Test func emptyInputsAreRejected() {
        for text in ["", "\u{FEFF}", "\n\n", "  \r\n\t "] {
            #expect(dataInsightError { _ = try CSVTable(parsing: text) } == .emptyInput, "\(text.debugDescription)")
        }
        #expect(dataInsightError { _ = try CSVTable(data: Data()) } == .emptyInput)
        #expect(DataInsightError.emptyInput.description.contains("empty"))
    }

    @Test func headerOnlyGivesZeroRows() throws {
        let table = try CSVTable(parsing: "a,b,c\n")
        #expect(table.header == ["a", "b", "c"])
        #expect(table.rows.isEmpty)
    }

    @Test func singleColumn() throws {
        let table = try CSVTable(parsing: "amount\n1\n2\n\"\"\n3")
        #expect(table.header == ["amount"])
        #expect(table.column(0) == ["1", "2", "", "3"])
    }

    @Test func blankLinesAreSkipped() throws {
        let table = try CSVTable(parsing: "a,b\n\n1,2\r\n\r\n3,4\n\n")
        #expect(table.rows == [["1", "2"], ["3", "4"]])
    }

    @Test func trailingDelimiterMeansEmptyLastField() throws {
        let table = try CSVTable(parsing: "a,b\n1,\n,2\n")
        #expect(table.rows == [["1", ""], ["", "2"]])
    }

    @Test func raggedRowsNameTheRowAndLine() {
        // Row 3 (the second data row) is short.
        #expect(dataInsightError { _ = try CSVTable(parsing: "a,b,c\n1,2,3\n4,5\n") }
            == .raggedRow(row: 3, line: 3, expected: 3, found: 2))
        // A quoted newline in row 2 shifts physical lines: row 3 starts on line 4.
        let e = dataInsightError { _ = try CSVTable(parsing: "a,b\n\"x\ny\",1\n1,2,3\n") }
        #expect(e == .raggedRow(row: 3, line: 4, expected: 2, found: 3))
        #expect(e?.description.contains("row 3") == true)
        #expect(e?.description.contains("line 4") == true)
        // CRLF counts as one line break, inside and outside quotes.
        #expect(dataInsightError { _ = try CSVTable(parsing: "a,b\r\n\"x\r\ny\",1\r\n1\r\n") }
            == .raggedRow(row: 3, line: 4, expected: 2, found: 1))
    }

    @Test func rowLimit() throws {
        var text = "n\n"
        text.reserveCapacity(800_000)
        for i in 0..<CSVTable.maxRows { text += "\(i % 10)\n" }
        let ok = try CSVTable(parsing: text)
        #expect(ok.rowCount == 100_000)
        text += "1\n"  // 100 001 data rows
        let e = dataInsightError { _ = try CSVTable(parsing: text) }
        #expect(e == .tooLarge(what: "rows", limit: 100_000))
        #expect(e?.description.contains("100000") == true)
    }

    @Test func columnLimit() throws {
        let ok = (1...200).map { "c\($0)" }.joined(separator: ",")
        #expect(try CSVTable(parsing: ok + "\n").columnCount == 200)
        let wide = (1...201).map { "c\($0)" }.joined(separator: ",")
        #expect(dataInsightError { _ = try CSVTable(parsing: wide + "\n") } == .tooLarge(what: "columns", limit: 200))
        // A too-wide data row is caught too (as too large, before the ragged check).
        let wideRow = "a\n" + String(repeating: "1,", count: 300) + "1\n"
        #expect(dataInsightError { _ = try CSVTable(parsing: wideRow) } == .tooLarge(what: "columns", limit: 200))
    }

    @Test func byteLimit() {
        let big = "a\n" + String(repeating: "x", count: CSVTable.maxBytes)
        #expect(dataInsightError { _ = try CSVTable(parsing: big) } == .tooLarge(what: "bytes", limit: 10 * 1024 * 1024))
        #expect(dataInsightError { _ = try CSVTable(data: Data(big.utf8)) } == .tooLarge(what: "bytes", limit: 10 * 1024 * 1024))
    }

    @Test func unterminatedQuote() {
        let e = dataInsightError { _ = try CSVTable(parsing: "a,b\n1,2\n3,\"open\nstill open") }
        #expect(e == .unterminatedQuote(row: 3, column: 2, line: 3))
    }

    @Test func garbageAfterClosingQuote() {
        let e = dataInsightError { _ = try CSVTable(parsing: "a,b\n\"ok\"x,2\n") }
        #expect(e == .unexpectedCharacterAfterQuote(row: 2, column: 1, line: 2))
    }

    @Test func bareQuoteInsideUnquotedFieldIsLiteral() throws {
        let table = try CSVTable(parsing: "a,b\n5\" pipe,2\n")
        #expect(table.rows == [["5\" pipe", "2"]])
    }

    @Test func customDelimiters() throws {
        let semicolon = try CSVTable(parsing: "a;b\n\"1;5\";2,5\n", delimiter: ";")
        #expect(semicolon.rows == [["1;5", "2,5"]])
        let tab = try CSVTable(parsing: "a\tb\nx y\tz\n", delimiter: "\t")
        #expect(tab.rows == [["x y", "z"]])
        for bad: Character in ["\"", "\n", "é", "\r\n"] {
            #expect(dataInsightError { _ = try CSVTable(parsing: "a\n1\n", delimiter: bad) } == .invalidDelimiter(String(bad)))
        }
    }

    @Test func headerNamesAreTrimmedAndFilledIn() throws {
        let table = try CSVTable(parsing: " amount ,,\"\"\n1,2,3\n")
        #expect(table.header == ["amount", "column2", "column3"])
        #expect(table.rows == [["1", "2", "3"]])
    }

    @Test func cellsKeepTheirWhitespaceAndUnicode() throws {
        let table = try CSVTable(parsing: "name,city\n  Zoë ,\"Zürich, CH\"\n日本,東京\n")
        #expect(table.rows == [["  Zoë ", "Zürich, CH"], ["日本", "東京"]])
    }

    /// Property: any table written with every cell quoted (RFC 4180 style) parses back unchanged.
    @Test func quotedRoundTrip() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {  // deterministic LCG
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let pieces = ["a", ",", "\"", "\r", "\n", "\r\n", " ", ";", "é", "\"\"", "1"]
        for _ in 0..<500 {
            let columns = 1 + next(5), rowCount = next(6)
            let header = (0..<columns).map { "h\($0)" }
            var rows: [[String]] = []
            for _ in 0..<rowCount {
                rows.append((0..<columns).map { _ in (0..<next(6)).map { _ in pieces[next(pieces.count)] }.joined() })
            }
            func quoted(_ cell: String) -> String { "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            let lines = [header.joined(separator: ",")] + rows.map { $0.map(quoted).joined(separator: ",") }
            let text = lines.joined(separator: next(2) == 0 ? "\n" : "\r\n")
            let table = try CSVTable(parsing: text)
            #expect(table.header == header)
            #expect(table.rows == rows, "\(text.debugDescription)")
        }
    }

    @Test func invalidUTF8IsRejected() {
        let data = Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A])
        #expect(dataInsightError { _ = try CSVTable(data: data) } == .invalidEncoding)
    }
}
