/// Pearson correlation of one pair of numeric columns over their pairwise-complete rows.
struct CorrelationPair: Sendable, Equatable {
    let firstIndex: Int
    let firstName: String
    let secondIndex: Int
    let secondName: String
    /// Rows where both cells are numeric.
    let pairs: Int
    /// In [-1, 1]; nil with fewer than `Correlation.minimumPairs` pairs or when either side has
    /// zero variance over those pairs.
    let r: Double?
}

struct CorrelationResult: Sendable, Equatable {
    /// One entry per unordered pair (i < j) of the numeric columns considered, in column order.
    let pairs: [CorrelationPair]
    /// Indexes of numeric columns left out because of `Correlation.maxColumns` (empty normally).
    let omittedColumns: [Int]
}

enum Correlation {
    static let minimumPairs = 3
    /// Bound on the numeric columns correlated (50 columns = 1 225 pairs); the work is
    /// pairs x rows, so this keeps a 100 000-row table well under a second in release builds.
    static let maxColumns = 50

    /// Pearson's r over indexes where both values are present, computed two-pass (means first,
    /// then centred sums) for stability. Returns the r (or nil) and the number of complete pairs.
    static func pearson(_ x: [Double?], _ y: [Double?]) -> (r: Double?, pairs: Int) {
        // r is scale-invariant: scale huge columns by an exact power of two so sums cannot overflow.
        let scaleX = InsightMath.overflowGuardScale(x.compactMap { $0 })
        let scaleY = InsightMath.overflowGuardScale(y.compactMap { $0 })
        let x = scaleX == 1 ? x : x.map { $0.map { $0 * scaleX } }
        let y = scaleY == 1 ? y : y.map { $0.map { $0 * scaleY } }
        let n = min(x.count, y.count)
        var count = 0
        var meanX = 0.0, meanY = 0.0
        for i in 0..<n {
            guard let a = x[i], let b = y[i], a.isFinite, b.isFinite else { continue }
            count += 1
            meanX += (a - meanX) / Double(count)
            meanY += (b - meanY) / Double(count)
        }
        guard count >= minimumPairs else { return (nil, count) }
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for i in 0..<n {
            guard let a = x[i], let b = y[i], a.isFinite, b.isFinite else { continue }
            let dx = a - meanX, dy = b - meanY
            sxx += dx * dx
            syy += dy * dy
            sxy += dx * dy
        }
        guard sxx > 0, syy > 0, sxx.isFinite, syy.isFinite, sxy.isFinite else { return (nil, count) }
        // sqrt(sxx * syy) is the more accurate form; take the roots separately if the product overflows.
        let product = sxx * syy
        let r = product.isFinite && product > 0
            ? sxy / product.squareRoot()
            : sxy / (sxx.squareRoot() * syy.squareRoot())
        guard r.isFinite else { return (nil, count) }
        return (min(1, max(-1, r)), count)
    }

    /// Correlates every pair of numeric columns (per `statistics`, or inferred when omitted).
    static func matrix(_ table: CSVTable, statistics: [ColumnStatistics]? = nil) -> CorrelationResult {
        let stats = statistics ?? ColumnStatistics.describe(table)
        let numeric = stats.filter { $0.type.isNumeric && $0.index >= 0 && $0.index < table.columnCount }
            .map(\.index)
        let used = Array(numeric.prefix(maxColumns))
        let omitted = Array(numeric.dropFirst(maxColumns))
        let columns = used.map { ColumnStatistics.numericValues(table.column($0)) }
        var pairs: [CorrelationPair] = []
        for a in used.indices {
            for b in used.indices where b > a {
                let (r, count) = pearson(columns[a], columns[b])
                pairs.append(CorrelationPair(
                    firstIndex: used[a], firstName: table.header[used[a]],
                    secondIndex: used[b], secondName: table.header[used[b]],
                    pairs: count, r: r))
            }
        }
        return CorrelationResult(pairs: pairs, omittedColumns: omitted)
    }
}
