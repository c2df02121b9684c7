import Foundation
import Testing
@testable import JECPBuiltins

@Suite("data-insight anomaly detection")
struct AnomalyDetectorTests {
    /// 60 points of 50 + 3 sin(i / 3) with injected anomalies at 13 (+40), 37 (-35) and 52 (+25).
    static let injected: [Double] = {
        var s: [Double] = (0..<60).map { (i: Int) -> Double in 50 + 3 * sin(Double(i) / 3) }
        s[13] += 40
        s[37] -= 35
        s[52] += 25
        return s
    }()

    // Expected values computed once with numpy 2.4 on the same series:
    //   med = np.median(s); mad = np.median(np.abs(s - med)); z = (s - med) / (1.4826 * mad)
    //   q1, q3 = np.percentile(s, [25, 75]); fences q1 - 1.5 (q3 - q1), q3 + 1.5 (q3 - q1)
    // median 50.3618719904097, mad 2.04520101936018,
    // z[13, 37, 52] = 12.1531897063176, -11.8905397262064, 7.13755261975407,
    // q1 48.2600059493893, q3 52.1738219862591, fences 42.3892818940845 / 58.0445460415638.

    @Test func robustZScoreFindsInjectedAnomalies() throws {
        let report = try AnomalyDetector.robustZScore(Self.injected)
        #expect(report.method == .robustZScore)
        #expect(report.anomalies.map(\.index) == [13, 37, 52])
        #expect(report.anomalies.map(\.value) == [Self.injected[13], Self.injected[37], Self.injected[52]])
        let expected = [12.1531897063176, -11.8905397262064, 7.13755261975407]
        for (a, e) in zip(report.anomalies, expected) { #expect(abs(a.score - e) < 1e-9, "\(a.score) vs \(e)") }
        #expect(report.threshold == 3.5)
        #expect(abs(report.center - 50.3618719904097) < 1e-9)
        #expect(abs(report.spread - 1.4826 * 2.04520101936018) < 1e-9)
        #expect(abs(report.lowerBound - (50.3618719904097 - 3.5 * 1.4826 * 2.04520101936018)) < 1e-9)
        #expect(abs(report.upperBound - (50.3618719904097 + 3.5 * 1.4826 * 2.04520101936018)) < 1e-9)
        #expect(report.count == 60)
    }

    @Test func iqrFindsInjectedAnomalies() throws {
        let report = try AnomalyDetector.iqr(Self.injected)
        #expect(report.method == .iqr)
        #expect(report.anomalies.map(\.index) == [13, 37, 52])
        #expect(abs(report.lowerBound - 42.3892818940845) < 1e-9)
        #expect(abs(report.upperBound - 58.0445460415638) < 1e-9)
        #expect(abs(report.spread - (52.1738219862591 - 48.2600059493893)) < 1e-9)
        #expect(report.threshold == 1.5)
        // Scores: distance beyond the fence in IQR units, signed.
        let scores = report.anomalies.map(\.score)
        #expect(scores[0] > 0 && scores[1] < 0 && scores[2] > 0)
        let iqr = 52.1738219862591 - 48.2600059493893
        #expect(abs(scores[0] - (Self.injected[13] - 58.0445460415638) / iqr) < 1e-9)
    }

    @Test func cleanSeriesHasNoAnomalies() throws {
        let clean: [Double] = (0..<60).map { (i: Int) -> Double in 50 + 3 * sin(Double(i) / 3) }
        #expect(try AnomalyDetector.robustZScore(clean).anomalies.isEmpty)
        #expect(try AnomalyDetector.iqr(clean).anomalies.isEmpty)
    }

    @Test func customThresholds() throws {
        // Lowering the threshold flags more points; raising it flags fewer.
        let strict = try AnomalyDetector.robustZScore(Self.injected, threshold: 10)
        #expect(strict.anomalies.map(\.index) == [13, 37])
        let wide = try AnomalyDetector.iqr(Self.injected, multiplier: 6)
        #expect(wide.anomalies.map(\.index) == [13, 37])
    }

    @Test func zeroMADFallsBackToMeanAbsoluteDeviation() throws {
        let values: [Double] = [5, 5, 5, 5, 5, 5, 100]
        let report = try AnomalyDetector.robustZScore(values)
        // MAD = 0; mean |x - 5| = 95 / 7; scale = 1.253314 * 95 / 7; score = 95 / scale = 5.5855...
        #expect(report.anomalies.map(\.index) == [6])
        let scale = 1.253314 * 95.0 / 7.0
        #expect(abs(report.spread - scale) < 1e-12)
        #expect(abs(report.anomalies[0].score - 95 / scale) < 1e-9)
        // IQR is 0 too: the fences sit on the quartiles and the score is the raw distance.
        let iqr = try AnomalyDetector.iqr(values)
        #expect(iqr.anomalies == [Anomaly(index: 6, value: 100, score: 95)])
    }

    @Test func allEqualValuesFlagNothing() throws {
        let same = Array(repeating: 3.0, count: 10)
        let z = try AnomalyDetector.robustZScore(same)
        #expect(z.anomalies.isEmpty)
        #expect(z.spread == 0)
        #expect(z.lowerBound == 3 && z.upperBound == 3)
        #expect(try AnomalyDetector.iqr(same).anomalies.isEmpty)
    }

    @Test func missingValuesKeepTheirIndex() throws {
        var values: [Double?] = Self.injected.map(Optional.some)
        values.insert(nil, at: 0)
        values.insert(nil, at: 20)
        let report = try AnomalyDetector.robustZScore(values)
        #expect(report.count == 60)
        #expect(report.anomalies.map(\.index) == [14, 39, 54])
        #expect(try AnomalyDetector.iqr(values).anomalies.map(\.index) == [14, 39, 54])
    }

    @Test func badInputIsAClearError() {
        #expect(dataInsightError { _ = try AnomalyDetector.robustZScore([1, .nan, 3, 4]) } == .nonFiniteValue(index: 1))
        #expect(dataInsightError { _ = try AnomalyDetector.iqr([1, 2, .infinity]) } == .nonFiniteValue(index: 2))
        #expect(dataInsightError { _ = try AnomalyDetector.robustZScore([1, 2]) } == .insufficientData(needed: 3, got: 2))
        #expect(dataInsightError { _ = try AnomalyDetector.iqr([nil, 1, nil, 2] as [Double?]) } == .insufficientData(needed: 3, got: 2))
        #expect(dataInsightError { _ = try AnomalyDetector.robustZScore([1, 2, 3], threshold: 0) } != nil)
        #expect(dataInsightError { _ = try AnomalyDetector.robustZScore([1, 2, 3], threshold: .nan) } != nil)
        #expect(dataInsightError { _ = try AnomalyDetector.iqr([1, 2, 3], multiplier: -1) } != nil)
        let tooMany = [Double](repeating: 1, count: AnomalyDetector.maxValues + 1)
        #expect(dataInsightError { _ = try AnomalyDetector.iqr(tooMany) } == .tooLarge(what: "values", limit: AnomalyDetector.maxValues))
    }

    @Test func extremeMagnitudesStayFinite() throws {
        let values: [Double] = [1, 2, 3, 4, Double.greatestFiniteMagnitude]
        let report = try AnomalyDetector.iqr(values)
        #expect(report.anomalies.map(\.index) == [4])
        #expect(report.anomalies.allSatisfy { $0.score.isFinite })
        let z = try AnomalyDetector.robustZScore(values)
        #expect(z.anomalies.map(\.index) == [4])
        #expect(z.lowerBound.isFinite && z.upperBound.isFinite)
        // 1.7e308 - (-1.5e308) overflows Double, yet the outlier is found with the right score:
        // MAD = 0, mean absolute deviation = 3.3e308 / 5, score = 3.2e308 / (1.253314 * 0.66e308).
        let overflow = try AnomalyDetector.robustZScore([-1.5e308, -1.5e308, -1.5e308, -1.4e308, 1.7e308])
        #expect(overflow.anomalies.map(\.index) == [4])
        let expected = 3.2 / (1.253314 * 0.66)
        #expect(abs((overflow.anomalies.first?.score ?? 0) - expected) < 1e-9)
        #expect(overflow.center == -1.5e308)
        #expect(overflow.upperBound.isFinite && overflow.lowerBound.isFinite)
    }
}
