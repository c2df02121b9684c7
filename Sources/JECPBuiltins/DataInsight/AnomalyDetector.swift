struct Anomaly: Sendable, Equatable {
    /// 0-based position in the input (missing values keep their slot).
    let index: Int
    let value: Double
    /// Signed score: robust z-score for `.robustZScore`; for `.iqr`, the distance beyond the
    /// violated fence in IQR units (negative below the lower fence), or the raw distance when IQR is 0.
    let score: Double
}

struct AnomalyReport: Sendable, Equatable {
    enum Method: String, Sendable, CaseIterable {
        case robustZScore = "robust-z"
        case iqr
    }

    let method: Method
    /// Flagged points in index order.
    let anomalies: [Anomaly]
    /// The score threshold (robust z) or fence multiplier (IQR) used.
    let threshold: Double
    /// Values strictly below `lowerBound` or above `upperBound` are flagged (value units).
    let lowerBound: Double
    let upperBound: Double
    /// The median of the examined values (both methods).
    let center: Double
    /// Robust z: the scale used (1.4826 MAD, or the fallback); IQR: q3 - q1.
    let spread: Double
    /// Non-missing values examined.
    let count: Int
}

/// Outlier detection on a numeric series.
///
/// - Robust z-score (Iglewicz & Hoaglin): score = (x - median) / (1.4826 MAD); flagged when
///   |score| > threshold (default 3.5). When MAD is 0 (more than half the values equal) the scale
///   falls back to 1.253314 x mean absolute deviation from the median (the consistent estimator of
///   sigma for that case, as IBM SPSS does); when that is also 0 every value equals the median and
///   nothing is flagged.
/// - IQR (Tukey): q1, q3 by numpy-linear quantiles, fences q1 - k IQR and q3 + k IQR (k = 1.5);
///   flagged when strictly outside. With IQR = 0 the fences collapse onto the quartiles.
///
/// Scores that would overflow are clamped to +/- `Double.greatestFiniteMagnitude`.
///
/// Input: up to `maxValues` entries; `nil` is a missing value (skipped, index preserved);
/// NaN/infinity throws `nonFiniteValue`. At least `minimumValues` non-missing values are required.
enum AnomalyDetector {
    static let maxValues = 1_000_000
    static let minimumValues = 3
    static let madScale = 1.4826
    static let meanAbsoluteDeviationScale = 1.253314
    static let defaultZThreshold = 3.5
    static let defaultIQRMultiplier = 1.5

    static func robustZScore(_ values: [Double], threshold: Double = defaultZThreshold) throws(DataInsightError) -> AnomalyReport {
        try robustZScore(values.map(Optional.some), threshold: threshold)
    }

    static func iqr(_ values: [Double], multiplier: Double = defaultIQRMultiplier) throws(DataInsightError) -> AnomalyReport {
        try iqr(values.map(Optional.some), multiplier: multiplier)
    }

    static func robustZScore(_ values: [Double?], threshold: Double = defaultZThreshold) throws(DataInsightError) -> AnomalyReport {
        guard threshold.isFinite, threshold > 0 else {
            throw .invalidArgument("threshold must be a positive number, got \(threshold)")
        }
        let present = try validated(values)
        // Work on values scaled by an exact power of two when huge, so differences cannot overflow;
        // scores are scale-free and reported quantities are scaled back.
        let k = InsightMath.overflowGuardScale(present.map(\.value))
        let sorted = present.map { $0.value * k }.sorted()
        guard let median = InsightMath.median(sorted: sorted) else { throw .insufficientData(needed: minimumValues, got: 0) }
        let deviations = sorted.map { abs($0 - median) }
        guard let mad = InsightMath.median(sorted: deviations.sorted()) else { throw .numericalFailure("MAD") }
        var scale = madScale * mad
        if !(scale > 0) {
            scale = meanAbsoluteDeviationScale * (InsightMath.mean(deviations) ?? 0)
        }
        guard scale.isFinite else { throw .numericalFailure("scale of the series is not finite") }
        var anomalies: [Anomaly] = []
        if scale > 0 {
            for (index, value) in present {
                let score = clamped((value * k - median) / scale, sign: value * k - median)
                if abs(score) > threshold {
                    anomalies.append(Anomaly(index: index, value: value, score: score))
                }
            }
        }
        let lower = median - threshold * scale, upper = median + threshold * scale
        return AnomalyReport(method: .robustZScore, anomalies: anomalies, threshold: threshold,
                             lowerBound: unscaled(lower, k), upperBound: unscaled(upper, k),
                             center: unscaled(median, k), spread: unscaled(scale, k), count: present.count)
    }

    static func iqr(_ values: [Double?], multiplier: Double = defaultIQRMultiplier) throws(DataInsightError) -> AnomalyReport {
        guard multiplier.isFinite, multiplier >= 0 else {
            throw .invalidArgument("multiplier must be a non-negative number, got \(multiplier)")
        }
        let present = try validated(values)
        let k = InsightMath.overflowGuardScale(present.map(\.value))
        let sorted = present.map { $0.value * k }.sorted()
        guard let q1 = InsightMath.quantile(sorted: sorted, 0.25),
              let q3 = InsightMath.quantile(sorted: sorted, 0.75),
              let median = InsightMath.median(sorted: sorted)
        else { throw .insufficientData(needed: minimumValues, got: sorted.count) }
        let spread = q3 - q1
        let lower = q1 - multiplier * spread, upper = q3 + multiplier * spread
        guard spread.isFinite, lower.isFinite, upper.isFinite else {
            throw .numericalFailure("interquartile range is not finite")
        }
        var anomalies: [Anomaly] = []
        for (index, value) in present {
            let v = value * k
            guard v < lower || v > upper else { continue }
            let distance = v > upper ? v - upper : v - lower
            let score = spread > 0 ? clamped(distance / spread, sign: distance) : unscaled(distance, k)
            anomalies.append(Anomaly(index: index, value: value, score: score))
        }
        return AnomalyReport(method: .iqr, anomalies: anomalies, threshold: multiplier,
                             lowerBound: unscaled(lower, k), upperBound: unscaled(upper, k),
                             center: unscaled(median, k), spread: unscaled(spread, k), count: present.count)
    }

    /// `x`, or +/- greatestFiniteMagnitude (following `sign`) when it overflowed.
    private static func clamped(_ x: Double, sign: Double) -> Double {
        x.isFinite ? x : (sign >= 0 ? Double.greatestFiniteMagnitude : -Double.greatestFiniteMagnitude)
    }

    /// Undoes the power-of-two scaling, clamping to the finite range.
    private static func unscaled(_ x: Double, _ k: Double) -> Double { clamped(x / k, sign: x) }

    private static func validated(_ values: [Double?]) throws(DataInsightError) -> [(index: Int, value: Double)] {
        guard values.count <= maxValues else { throw .tooLarge(what: "values", limit: maxValues) }
        var present: [(index: Int, value: Double)] = []
        present.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard let v else { continue }
            guard v.isFinite else { throw .nonFiniteValue(index: i) }
            present.append((i, v))
        }
        guard present.count >= minimumValues else { throw .insufficientData(needed: minimumValues, got: present.count) }
        return present
    }
}
