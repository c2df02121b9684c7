import Foundation
import Testing
@testable import JECPBuiltins

@Suite("data-insight forecasting")
struct ForecasterTests {
    /// 4 years of monthly data: level 200, trend +1.5/month, 12-month sine of amplitude 20, and a
    /// small deterministic "noise" (two incommensurate sines, amplitude <= 1.5).
    static let monthly: [Double] = (0..<48).map { (t: Int) -> Double in
        let td = Double(t)
        let season: Double = 20 * sin(2 * Double.pi * td / 12)
        let noise: Double = sin(td * 2.3) + 0.5 * cos(td * 5.1)
        return 200 + 1.5 * td + season + noise
    }

    private func truth(_ t: Int) -> Double {
        let td = Double(t)
        let season: Double = 20 * sin(2 * Double.pi * td / 12)
        return 200 + 1.5 * td + season
    }

    @Test func detectsTwelveMonthSeason() {
        #expect(Seasonality.detectPeriod(Self.monthly) == 12)
        // A pure line, a constant and very short series have no season.
        let line: [Double] = (0..<48).map { (t: Int) -> Double in 3 + 2 * Double(t) }
        #expect(Seasonality.detectPeriod(line) == nil)
        #expect(Seasonality.detectPeriod(Array(repeating: 5, count: 30)) == nil)
        #expect(Seasonality.detectPeriod([1, 2, 3]) == nil)
        // A curved trend has a high but monotonically decaying ACF (0.875, 0.751, ...): no local
        // peak, so no season (checked with the same algorithm in numpy).
        let parabola: [Double] = (0..<40).map { (t: Int) -> Double in Double(t * t) }
        #expect(Seasonality.detectPeriod(parabola) == nil)
        // Weekly pattern on daily data.
        let pattern: [Double] = [5, 6, 7, 6, 5, 1, 0]
        let weekly: [Double] = (0..<70).map { (t: Int) -> Double in pattern[t % 7] + 0.01 * Double(t) }
        #expect(Seasonality.detectPeriod(weekly) == 7)
    }

    @Test func autocorrelationBasics() {
        let acf = Seasonality.autocorrelation([1, 2, 3, 4, 5], maxLag: 2)
        // numpy: x = arange(1,6) - 3; [sum(x[:5-k] * x[k:]) / sum(x*x) for k in 0..2] = [1, 0.4, -0.1]
        #expect(acf.count == 3)
        #expect(abs(acf[0] - 1) < 1e-12 && abs(acf[1] - 0.4) < 1e-12 && abs(acf[2] + 0.1) < 1e-12)
        #expect(Seasonality.autocorrelation([], maxLag: 3).isEmpty)
        #expect(Seasonality.autocorrelation([2, 2, 2], maxLag: 5) == [0, 0, 0])
    }

    @Test func seasonalSeriesUsesHoltWinters() throws {
        let f = try Forecaster.forecast(Self.monthly, horizon: 12, level: 0.95)
        #expect(f.method == .holtWinters)
        #expect(f.seasonPeriod == 12)
        #expect(f.gamma != nil && f.beta != nil)
        #expect(f.holdout == 9)  // min(floor(0.2 * 48), 12)
        let mape = try #require(f.mape)
        #expect(mape < 3, "holdout MAPE \(mape)%")
        #expect(try #require(f.mae) < 6)
        #expect(f.predictions.map(\.step) == Array(1...12))
        for p in f.predictions {
            #expect(p.lower <= p.predicted && p.predicted <= p.upper)
            // Forecasts follow the underlying signal closely (noise amplitude is 1.5).
            #expect(abs(p.predicted - truth(47 + p.step)) < 6, "step \(p.step): \(p.predicted) vs \(truth(47 + p.step))")
        }
        let widths = f.predictions.map { $0.upper - $0.lower }
        #expect(widths.first.map { $0 > 0 } == true)
        for (a, b) in zip(widths, widths.dropFirst()) { #expect(b >= a) }
        #expect(widths.last! > widths.first!)
        // The sine peaks at month 3 of each year (t = 51) and bottoms at month 9 (t = 57).
        let peak = f.predictions[51 - 48].predicted, trough = f.predictions[57 - 48].predicted
        #expect(peak - trough > 30)
    }

    @Test func forcingNoSeasonUsesHolt() throws {
        let f = try Forecaster.forecast(Self.monthly, horizon: 3, seasonPeriod: 1)
        #expect(f.method == .holt)
        #expect(f.seasonPeriod == nil && f.gamma == nil)
        let explicit = try Forecaster.forecast(Self.monthly, horizon: 3, seasonPeriod: 12)
        #expect(explicit.method == .holtWinters && explicit.seasonPeriod == 12)
    }

    @Test func linearSeriesContinuesTheLine() throws {
        let series: [Double] = (0..<30).map { (t: Int) -> Double in 10 + 2.5 * Double(t) }
        let f = try Forecaster.forecast(series, horizon: 5, level: 0.9)
        #expect(f.method == .holt)
        #expect(f.seasonPeriod == nil)
        for p in f.predictions {
            let expected = 10 + 2.5 * Double(29 + p.step)
            #expect(abs(p.predicted - expected) < 1e-6, "step \(p.step): \(p.predicted) vs \(expected)")
            #expect(p.lower <= p.predicted && p.predicted <= p.upper)
        }
        #expect(try #require(f.mae) < 1e-6)
        #expect(try #require(f.mape) < 1e-6)
        #expect(f.holdout == 5)
    }

    @Test func noisyTrendIntervalsWiden() throws {
        let series: [Double] = (0..<40).map { (t: Int) -> Double in
            let x = Double(t)
            return 50 + 0.8 * x + 3 * sin(x * 1.7)
        }
        let f = try Forecaster.forecast(series, horizon: 10, level: 0.8)
        let widths = f.predictions.map { $0.upper - $0.lower }
        for (a, b) in zip(widths, widths.dropFirst()) { #expect(b > a) }
        #expect(f.residualStandardDeviation > 0)
        // 80% interval at step 1 is +/- 1.2816 sigma.
        let first = f.predictions[0]
        #expect(abs((first.upper - first.lower) / 2 - 1.2815515655446 * f.residualStandardDeviation) < 1e-6)
    }

    @Test func tooFewPointsIsAClearError() {
        let one = dataInsightError { _ = try Forecaster.forecast([42], horizon: 3) }
        #expect(one == .insufficientData(needed: 3, got: 1))
        #expect(one?.description.contains("at least 3") == true)
        #expect(dataInsightError { _ = try Forecaster.forecast([], horizon: 3) } == .insufficientData(needed: 3, got: 0))
        #expect(dataInsightError { _ = try Forecaster.forecast([1, 2], horizon: 3) } == .insufficientData(needed: 3, got: 2))
    }

    @Test func shortSeriesUseNaive() throws {
        let f = try Forecaster.forecast([10, 12, 11], horizon: 4)
        #expect(f.method == .naive)
        #expect(f.alpha == 1 && f.beta == nil)
        #expect(f.predictions.allSatisfy { $0.predicted == 11 })
        #expect(f.mae == nil && f.mape == nil && f.holdout == 0)
        // Random-walk variance grows like h: width ratio step 4 / step 1 = 2.
        let w1 = f.predictions[0].upper - f.predictions[0].lower
        let w4 = f.predictions[3].upper - f.predictions[3].lower
        #expect(abs(w4 / w1 - 2) < 1e-9)
        #expect(try Forecaster.forecast([1, 2, 3, 4], horizon: 1).method == .naive)
    }

    @Test func constantSeriesIsDegenerateButFine() throws {
        let f = try Forecaster.forecast(Array(repeating: 7.5, count: 24), horizon: 6)
        #expect(f.method == .naive)
        #expect(f.predictions.allSatisfy { $0.predicted == 7.5 && $0.lower == 7.5 && $0.upper == 7.5 })
        #expect(f.mae == 0 && f.mape == 0)
        let zeros = try Forecaster.forecast(Array(repeating: 0, count: 10), horizon: 2)
        #expect(zeros.mape == nil)  // actuals are 0
        #expect(zeros.mae == 0)
    }

    @Test func mapeIsNilWhenAHeldOutActualIsZero() throws {
        let series: [Double] = [5, 4, 3, 2, 1, 0, 1, 2, 3, 0]
        let f = try Forecaster.forecast(series, horizon: 2)
        #expect(f.holdout == 2)
        #expect(f.mape == nil)
        #expect(f.mae != nil)
    }

    @Test func nonFiniteAndHugeValuesAreRejected() {
        #expect(dataInsightError { _ = try Forecaster.forecast([1, 2, .nan, 4, 5], horizon: 1) } == .nonFiniteValue(index: 2))
        #expect(dataInsightError { _ = try Forecaster.forecast([1, 2, 3, 4, -.infinity], horizon: 1) } == .nonFiniteValue(index: 4))
        #expect(dataInsightError { _ = try Forecaster.forecast([1, 1e200, 3], horizon: 1) } == .valueOutOfRange(index: 1, limit: 1e100))
    }

    @Test func argumentBounds() throws {
        let s = (0..<20).map(Double.init)
        #expect(dataInsightError { _ = try Forecaster.forecast(s, horizon: 0) } != nil)
        #expect(dataInsightError { _ = try Forecaster.forecast(s, horizon: 366) } != nil)
        #expect(try Forecaster.forecast(s, horizon: 365).predictions.count == 365)
        for bad in [0.0, 1.0, -0.5, 1.5, .nan, .infinity] {
            if case .invalidArgument = dataInsightError({ _ = try Forecaster.forecast(s, horizon: 1, level: bad) }) {} else {
                Issue.record("level \(bad) accepted")
            }
        }
        #expect(dataInsightError { _ = try Forecaster.forecast(s, horizon: 1, seasonPeriod: 0) } != nil)
        #expect(dataInsightError { _ = try Forecaster.forecast(s, horizon: 1, seasonPeriod: 11) } != nil)  // needs 22 points
        #expect(try Forecaster.forecast(s, horizon: 1, seasonPeriod: 10).method == .holtWinters)
        #expect(dataInsightError { _ = try Forecaster.forecast([1, 2, 3, 4], horizon: 1, seasonPeriod: 2) } != nil)
    }

    @Test func seriesLengthBound() throws {
        let limit: [Double] = (0..<10_000).map { (t: Int) -> Double in
            let x = Double(t)
            return 100 + sin(x * 0.37) + 0.001 * x
        }
        let f = try Forecaster.forecast(limit, horizon: 2)
        #expect(f.predictions.count == 2)
        #expect(f.predictions.allSatisfy { $0.predicted.isFinite && $0.lower.isFinite && $0.upper.isFinite })
        let over = limit + [1]
        #expect(dataInsightError { _ = try Forecaster.forecast(over, horizon: 2) } == .tooLarge(what: "series points", limit: 10_000))
    }

    @Test func outputsAreFiniteForWildInput() throws {
        // Alternating extremes at the magnitude limit, a spike, and tiny values.
        let wild: [Double] = (0..<60).map { (t: Int) -> Double in t % 2 == 0 ? 1e100 : -1e100 }
        let spike: [Double] = (0..<30).map { (t: Int) -> Double in t == 15 ? 1e90 : Double(t) }
        let tiny: [Double] = (0..<30).map { (t: Int) -> Double in 1e-300 * Double(t % 5) }
        for series in [wild, spike, tiny] {
            let f = try Forecaster.forecast(series, horizon: 30, level: 0.99)
            for p in f.predictions {
                #expect(p.predicted.isFinite && p.lower.isFinite && p.upper.isFinite)
                #expect(p.lower <= p.predicted && p.predicted <= p.upper)
            }
            #expect(f.mae.map(\.isFinite) ?? true)
            #expect(f.mape.map(\.isFinite) ?? true)
        }
    }

    @Test func inverseNormalMatchesPython() throws {
        // python3: statistics.NormalDist().inv_cdf(p), printed with %.15g
        let expected: [(Double, Double)] = [
            (0.5, 0), (0.8, 0.841621233572914), (0.9, 1.2815515655446), (0.95, 1.64485362695147),
            (0.975, 1.95996398454005), (0.99, 2.32634787404084), (0.995, 2.5758293035489),
            (1e-10, -6.36134090240406), (0.02, -2.05374891063182), (0.03, -1.88079360815125),
            (0.999999, 4.75342430881709),
        ]
        for (p, z) in expected {
            let value = try #require(InsightMath.inverseNormalCDF(p))
            #expect(abs(value - z) < 1e-9, "p = \(p): \(value) vs \(z)")
        }
        #expect(InsightMath.inverseNormalCDF(0) == nil)
        #expect(InsightMath.inverseNormalCDF(1) == nil)
        #expect(InsightMath.inverseNormalCDF(.nan) == nil)
    }

    @Test func deterministic() throws {
        let a = try Forecaster.forecast(Self.monthly, horizon: 6)
        let b = try Forecaster.forecast(Self.monthly, horizon: 6)
        #expect(a == b)
    }
}
