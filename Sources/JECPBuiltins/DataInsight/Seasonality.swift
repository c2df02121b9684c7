/// Seasonal-period detection by autocorrelation.
///
/// The series is first detrended by an ordinary least-squares line (otherwise a trend makes every
/// lag look correlated). Candidate periods are 2...n/2 (at least two full seasons). A candidate
/// must be a local peak of the ACF (higher than the previous lag, not lower than the next) and
/// above `threshold`; the highest such peak wins. If a divisor of the winner is itself a
/// qualifying peak with at least 85% of its autocorrelation, the divisor is preferred (a period-12
/// series also peaks at 24 and 36). A series that is a straight line up to rounding (residual
/// variance below 1e-12 of the total) has no season.
enum Seasonality {
    static let defaultThreshold = 0.3

    /// Sample autocorrelation r_k for k in 0...maxLag (r_0 = 1), using the usual biased estimator
    /// sum_{t<n-k} (x_t - m)(x_{t+k} - m) / sum (x_t - m)^2. All zeros for a constant series.
    static func autocorrelation(_ x: [Double], maxLag: Int) -> [Double] {
        let n = x.count
        guard n > 0 else { return [] }
        let maxLag = max(0, min(maxLag, n - 1))
        guard let mean = InsightMath.mean(x) else { return Array(repeating: 0, count: maxLag + 1) }
        let centred = x.map { $0 - mean }
        var denominator = 0.0
        for v in centred { denominator += v * v }
        guard denominator > 0, denominator.isFinite else { return Array(repeating: 0, count: maxLag + 1) }
        var acf = [Double](repeating: 0, count: maxLag + 1)
        for k in 0...maxLag {
            var s = 0.0
            for t in 0..<(n - k) { s += centred[t] * centred[t + k] }
            let r = s / denominator
            acf[k] = r.isFinite ? r : 0
        }
        return acf
    }

    /// Residuals of `x` after removing its least-squares line against t = 0..<n.
    static func detrended(_ x: [Double]) -> [Double] {
        let n = x.count
        guard n >= 2, let my = InsightMath.mean(x) else { return x }
        let mt = Double(n - 1) / 2
        var stt = 0.0, sty = 0.0
        for (t, y) in x.enumerated() {
            let dt = Double(t) - mt
            stt += dt * dt
            sty += dt * (y - my)
        }
        let slope = stt > 0 ? sty / stt : 0
        guard slope.isFinite else { return x }
        return x.enumerated().map { t, y in y - my - slope * (Double(t) - mt) }
    }

    /// The detected season length, or nil when the series shows no seasonality.
    static func detectPeriod(_ x: [Double], threshold: Double = defaultThreshold) -> Int? {
        let n = x.count
        let maxPeriod = n / 2
        guard maxPeriod >= 2 else { return nil }
        // Nothing left after removing the line (a pure trend, up to rounding): no season.
        let residual = detrended(x)
        var total = InsightMath.RunningMoments(), rest = InsightMath.RunningMoments()
        for v in x { total.add(v) }
        for v in residual { rest.add(v) }
        guard let totalVariance = total.sampleVariance, let restVariance = rest.sampleVariance,
              restVariance > 1e-12 * totalVariance
        else { return nil }
        let acf = autocorrelation(residual, maxLag: min(n - 1, maxPeriod + 1))
        guard acf.count > maxPeriod else { return nil }
        func qualifies(_ k: Int) -> Bool {
            guard acf[k] > threshold, acf[k] > acf[k - 1] else { return false }
            return k + 1 >= acf.count || acf[k] >= acf[k + 1]
        }
        let peaks = (2...maxPeriod).filter(qualifies)
        guard var best = peaks.first else { return nil }
        for k in peaks where acf[k] > acf[best] { best = k }
        if let divisor = peaks.first(where: { $0 < best && best % $0 == 0 && acf[$0] >= 0.85 * acf[best] }) {
            best = divisor
        }
        return best
    }
}
