import Foundation

/// Small numeric helpers shared by the `data-insight` engine. All of them are total: empty input
/// gives `nil`, never a trap, and no result is NaN or infinite.
enum InsightMath {
    /// Welford's online mean and variance (numerically stable, no catastrophic cancellation).
    struct RunningMoments: Sendable {
        private(set) var count = 0
        private(set) var mean = 0.0
        private var m2 = 0.0

        mutating func add(_ x: Double) {
            count += 1
            let delta = x - mean
            mean += delta / Double(count)
            m2 += delta * (x - mean)
        }

        /// Sample variance (n - 1 denominator); nil below two values.
        var sampleVariance: Double? {
            guard count >= 2 else { return nil }
            return finite(max(0, m2 / Double(count - 1)))
        }

        var sampleStandardDeviation: Double? { sampleVariance.map { $0.squareRoot() } }
    }

    /// A power of two `s` such that every |v| * s is at most about 1 when the values are huge
    /// (|v| > 2^500), else 1. Multiplying by a power of two is exact, so moments computed on the
    /// scaled values and scaled back cannot overflow in intermediate steps.
    static func overflowGuardScale(_ values: [Double]) -> Double {
        var largest = 0.0
        for v in values where v.isFinite { largest = max(largest, abs(v)) }
        guard largest > 0x1p500 else { return 1 }
        return Double(sign: .plus, exponent: -(largest.exponent + 1), significand: 1)
    }

    /// Returns `x` when finite, otherwise nil.
    static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    /// Quantile of already-sorted values with linear interpolation between closest ranks
    /// (numpy's default `method="linear"`, i.e. Hyndman & Fan type 7). `p` is clamped to [0, 1].
    static func quantile(sorted values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty, p.isFinite else { return nil }
        let p = min(1, max(0, p))
        let h = Double(values.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, values.count - 1)
        let fraction = h - Double(lo)
        let a = values[lo], b = values[hi]
        if fraction == 0 || a == b { return a }
        // numpy's lerp: a + (b - a) t, evaluated from the nearer end; fall back if b - a overflows.
        let diff = b - a
        let value = fraction < 0.5 ? a + diff * fraction : b - diff * (1 - fraction)
        return value.isFinite ? value : finite(a * (1 - fraction) + b * fraction)
    }

    static func median(sorted values: [Double]) -> Double? { quantile(sorted: values, 0.5) }

    /// Mean computed incrementally (cannot overflow for finite input); nil when empty.
    static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        var moments = RunningMoments()
        for v in values { moments.add(v) }
        return finite(moments.mean)
    }

    /// Inverse of the standard normal CDF (probit) by Acklam's rational approximation, polished with
    /// one Halley step using `erfc`; absolute error below 1e-12 on (0, 1). Nil outside (0, 1).
    static func inverseNormalCDF(_ p: Double) -> Double? {
        guard p > 0, p < 1 else { return nil }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                 3.754408661907416e+00]
        let pLow = 0.02425, pHigh = 1 - pLow
        var x: Double
        if p < pLow {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= pHigh {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // One step of Halley's method on Phi(x) - p.
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        let refined = x - u / (1 + x * u / 2)
        return refined.isFinite ? refined : finite(x)
    }
}
