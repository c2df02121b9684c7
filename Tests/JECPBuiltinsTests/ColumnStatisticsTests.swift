import Foundation
import Testing
@testable import JECPBuiltins

// Expected numbers were computed once with numpy 2.4 (python3) and hard-coded here:
//   a = np.array(values, dtype=float)
//   a.mean(), np.median(a), a.std(ddof=1), a.min(), a.max(),
//   np.percentile(a, [25, 50, 75])            # default method="linear"
//   np.corrcoef(x, y)[0, 1]                   # on pairwise-complete rows
// printed with "%.15g". Tolerances are relative 1e-12 unless stated.

private func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(1, abs(b))
}

@Suite("data-insight column statistics")
struct ColumnStatisticsTests {
    static let sample = """
        id,amount,qty,paid,day,category,notes
        1,12.5,3,true,2024-01-05,card,first
        2,7.25,1,false,2024-01-06,cash,
        3,NA,4,TRUE,2024-02-29,card,x
        4,100.0,1,False,2024-03-01,wire,NA
        5,3.5,5,true,2024-03-02,card,null
        6,42,9,true,,cash,y
        7,null,2,false,2024-03-04,card,z
        8,18.75,6,true,2024-03-05,wire,z
        9,0.5,5,NaN,2024-03-06,cash,z
        10,65.25,3,true,2024-03-07,crypto,1
        11,9.0,5,false,2024-03-08,card,2
        12,27.5,8,true,2024-03-09,wire,2
        """

    @Test func matchesNumpyOnSampleTable() throws {
        let table = try CSVTable(parsing: Self.sample)
        let stats = ColumnStatistics.describe(table)
        #expect(stats.map(\.name) == ["id", "amount", "qty", "paid", "day", "category", "notes"])
        #expect(stats.map(\.type) == [.integer, .number, .integer, .boolean, .date, .text, .text])

        // amount: values [12.5, 7.25, 100, 3.5, 42, 18.75, 0.5, 65.25, 9, 27.5], NA and null missing.
        let amount = stats[1]
        #expect(amount.count == 10)
        #expect(amount.missing == 2)
        #expect(amount.unique == 10)
        let a = try #require(amount.numeric)
        #expect(close(a.mean, 28.625))
        #expect(close(a.median, 15.625))
        #expect(close(a.stddev, 32.0377923535453))
        #expect(a.min == 0.5)
        #expect(a.max == 100)
        #expect(close(a.p25, 7.6875))
        #expect(close(a.p50, 15.625))
        #expect(close(a.p75, 38.375))
        #expect(amount.categorical == nil)

        // qty: [3,1,4,1,5,9,2,6,5,3,5,8]
        let qty = try #require(stats[2].numeric)
        #expect(stats[2].count == 12 && stats[2].missing == 0)
        #expect(stats[2].unique == 8)
        #expect(close(qty.mean, 4.33333333333333))
        #expect(close(qty.median, 4.5))
        #expect(close(qty.stddev, 2.5346089292517))
        #expect(close(qty.p25, 2.75))
        #expect(close(qty.p75, 5.25))
        #expect(qty.min == 1 && qty.max == 9)
    }

    @Test func booleanDateAndTextColumns() throws {
        let stats = ColumnStatistics.describe(try CSVTable(parsing: Self.sample))
        let paid = stats[3]
        #expect(paid.count == 11 && paid.missing == 1)  // NaN is missing
        #expect(paid.unique == 2)
        #expect(paid.categorical?.top == [ValueCount(value: "true", count: 7), ValueCount(value: "false", count: 4)])

        let day = stats[4]
        #expect(day.type == .date)
        #expect(day.count == 11 && day.missing == 1)
        #expect(day.unique == 11)

        let category = stats[5]
        #expect(category.categorical?.distinct == 4)
        #expect(category.categorical?.top == [
            ValueCount(value: "card", count: 5), ValueCount(value: "cash", count: 3),
            ValueCount(value: "wire", count: 3), ValueCount(value: "crypto", count: 1),
        ])

        // notes: "", NA, null are missing; numbers inside a text column are counted as text.
        let notes = stats[6]
        #expect(notes.type == .text)
        #expect(notes.missing == 3 && notes.count == 9)
        #expect(notes.categorical?.top == [
            ValueCount(value: "z", count: 3), ValueCount(value: "2", count: 2), ValueCount(value: "1", count: 1),
            ValueCount(value: "first", count: 1), ValueCount(value: "x", count: 1),
        ])
        #expect(notes.unique == 6)
    }

    @Test func topFiveBreaksTiesAlphabetically() {
        let cells = ["pear", "fig", "apple", "kiwi", "date", "banana", "fig", "apple", "cherry"]
        let stats = ColumnStatistics(name: "fruit", cells: cells)
        #expect(stats.categorical?.top.map(\.value) == ["apple", "fig", "banana", "cherry", "date"])
        #expect(stats.categorical?.top.map(\.count) == [2, 2, 1, 1, 1])
        #expect(stats.categorical?.distinct == 7)
    }

    @Test func typeInference() {
        func type(_ cells: [String]) -> ColumnType { ColumnStatistics(name: "c", cells: cells).type }
        #expect(type(["1", "-2", "+3", " 4 "]) == .integer)
        #expect(type(["1", "2.5", "-.5", "1e3"]) == .number)
        #expect(type(["99999999999999999999"]) == .number)  // beyond Int64
        #expect(type(["true", "FALSE", "True"]) == .boolean)
        #expect(type(["2024-02-29", "1999-12-31"]) == .date)
        #expect(type(["2023-02-29"]) == .text)  // not a leap year
        #expect(type(["2024-13-01"]) == .text)
        #expect(type(["2024-1-01"]) == .text)
        #expect(type(["1", "two"]) == .text)
        #expect(type(["0x10"]) == .text)
        #expect(type(["1,000"]) == .text)
        #expect(type(["1", "true"]) == .text)
        #expect(type(["", "NA", "null", "NaN", "n/a", "nan"]) == .empty)
        #expect(type([]) == .empty)
    }

    @Test func infinitiesAndOverflowAreMissing() throws {
        let stats = ColumnStatistics(name: "x", cells: ["1", "inf", "-Infinity", "1e999", "3"])
        #expect(stats.type == .integer)
        #expect(stats.missing == 3)
        let n = try #require(stats.numeric)
        #expect(n.mean == 2 && n.max == 3 && n.min == 1)
        let outputs: [Double] = [n.mean, n.median, n.min, n.max, n.p25, n.p50, n.p75]
        #expect(outputs.allSatisfy { $0.isFinite })
    }

    @Test func hugeValuesDoNotOverflowTheMean() throws {
        // (1.7e308 - 1.7e308 + 1.7e308) / 3; a naive running sum would overflow to inf.
        let n = try #require(ColumnStatistics(name: "x", cells: ["1.7e308", "-1.7e308", "1.7e308"]).numeric)
        #expect(close(n.mean, 1.7e308 / 3))
        #expect(n.stddev == nil)  // the true value (1.96e308) is beyond Double: reported as absent
        #expect(n.p25 == 0 && n.max == 1.7e308 && n.min == -1.7e308)
        // Pearson is scale-invariant; numpy on [1.7, -1.7, 1.7, 0] vs [1, 2, 3, 4]: -0.134839972492648
        let (r, _) = Correlation.pearson([1.7e308, -1.7e308, 1.7e308, 0], [1, 2, 3, 4])
        #expect(close(r, -0.134839972492648))
    }

    @Test func numericUniqueComparesValues() {
        let stats = ColumnStatistics(name: "x", cells: ["1", "1.0", "1e0", "2", "-0", "0.0"])
        #expect(stats.type == .number)
        #expect(stats.unique == 3)
    }

    @Test func singleValueHasNoStandardDeviation() throws {
        let stats = ColumnStatistics(name: "x", cells: ["", "42", "NA"])
        let n = try #require(stats.numeric)
        #expect(n.stddev == nil)
        #expect(n.mean == 42 && n.p25 == 42 && n.p75 == 42)
        #expect(stats.count == 1 && stats.missing == 2)
    }

    @Test func emptyColumnHasNoSummaries() {
        let stats = ColumnStatistics(name: "x", cells: ["", " ", "NA"])
        #expect(stats.type == .empty)
        #expect(stats.numeric == nil && stats.categorical == nil)
        #expect(stats.unique == 0 && stats.missing == 3 && stats.count == 0)
    }

    @Test func welfordIsStableWithLargeOffset() throws {
        // numpy: big = 1e9 + [4, 7, 13, 16]; mean 1000000010, std(ddof=1) 5.47722557505166
        let n = try #require(ColumnStatistics(name: "x", cells: ["1000000004", "1000000007", "1000000013", "1000000016"]).numeric)
        #expect(close(n.mean, 1_000_000_010))
        #expect(close(n.stddev, 5.47722557505166, tolerance: 1e-9))
    }

    /// v_i = ((37 i) mod 101) * 1.5 - 20 + 0.001 i^2, i = 0..<500 (same formula in numpy).
    static let generated: [Double] = (0..<500).map { (i: Int) -> Double in
        let k = Double((i * 37) % 101)
        let square = Double(i * i)
        return k * 1.5 - 20 + 0.001 * square
    }
    /// w_i = 10 sin(0.1 i) + 0.05 i
    static let companion: [Double] = (0..<500).map { (i: Int) -> Double in
        let x = Double(i)
        return sin(x * 0.1) * 10 + x * 0.05
    }

    @Test func matchesNumpyOnGeneratedColumn() throws {
        let cells = Self.generated.map { String($0) }
        let stats = ColumnStatistics(name: "v", cells: cells)
        #expect(stats.type == .number)
        let n = try #require(stats.numeric)
        #expect(close(n.mean, 138.0745, tolerance: 1e-11))
        #expect(close(n.median, 126.2525, tolerance: 1e-11))
        #expect(close(n.stddev, 86.6693135595047, tolerance: 1e-11))
        #expect(close(n.min, -20))
        #expect(close(n.max, 371.036, tolerance: 1e-11))
        #expect(close(n.p25, 71.87725, tolerance: 1e-11))
        #expect(close(n.p75, 198.878, tolerance: 1e-11))
    }

    @Test func quantileEdgeCases() {
        #expect(InsightMath.quantile(sorted: [], 0.5) == nil)
        #expect(InsightMath.quantile(sorted: [7], 0.25) == 7)
        #expect(InsightMath.quantile(sorted: [1, 2, 3, 4], 0.25) == 1.75)  // numpy: 1.75
        #expect(InsightMath.quantile(sorted: [1, 2, 3, 4], 1) == 4)
        #expect(InsightMath.quantile(sorted: [1, 2], .nan) == nil)
        let extreme = InsightMath.quantile(sorted: [-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude], 0.5)
        #expect(extreme == 0)
    }

    // MARK: Correlation

    @Test func pearsonMatchesNumpyWithPairwiseCompleteRows() throws {
        let stats = ColumnStatistics.describe(try CSVTable(parsing: Self.sample))
        let result = Correlation.matrix(try CSVTable(parsing: Self.sample), statistics: stats)
        // numeric columns: id, amount, qty -> 3 pairs
        #expect(result.pairs.count == 3)
        #expect(result.omittedColumns.isEmpty)
        let pair = try #require(result.pairs.first { $0.firstName == "amount" && $0.secondName == "qty" })
        #expect(pair.pairs == 10)
        #expect(close(pair.r, -0.260272799441921))

        let (r, count) = Correlation.pearson(Self.generated.map(Optional.some), Self.companion.map(Optional.some))
        #expect(count == 500)
        #expect(close(r, 0.568682799711391, tolerance: 1e-10))
    }

    @Test func pearsonDegenerateCases() {
        #expect(Correlation.pearson([1, 2], [3, 4]).r == nil)                   // fewer than 3 pairs
        #expect(Correlation.pearson([1, 2, nil, 4], [2, nil, 5, 1]).pairs == 2)
        #expect(Correlation.pearson([1, 2, nil, 4], [2, nil, 5, 1]).r == nil)
        #expect(Correlation.pearson([1, 2, 3, 4], [5, 5, 5, 5]).r == nil)       // zero variance
        #expect(close(Correlation.pearson([1, 2, 3, 4], [2, 4, 6, 8]).r, 1, tolerance: 1e-15))
        #expect(close(Correlation.pearson([1, 2, 3, 4], [8, 6, 4, 2]).r, -1, tolerance: 1e-15))
        #expect(close(Correlation.pearson([0.1, 0.7, 0.2, 0.9], [1.3, 7.1, 2.9, 8.4]).r, 0.994654679782546))  // numpy corrcoef
        #expect(Correlation.pearson([1, .nan, 3, 4, 5], [1, 2, 3, .infinity, 5]).pairs == 3)
        #expect(Correlation.pearson([], []).r == nil)
    }

    @Test func correlationColumnBound() throws {
        let header = (0..<60).map { "c\($0)" }.joined(separator: ",")
        let rows = (0..<4).map { r in (0..<60).map { c in String((r * (c + 1)) % 7) }.joined(separator: ",") }
        let table = try CSVTable(parsing: ([header] + rows).joined(separator: "\n"))
        let result = Correlation.matrix(table)
        #expect(result.pairs.count == 50 * 49 / 2)
        #expect(result.omittedColumns == Array(50..<60))
        #expect(result.pairs.allSatisfy { $0.r.map { $0 >= -1 && $0 <= 1 } ?? true })
    }
}
