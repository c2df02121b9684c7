/// One forecast step with its prediction interval.
struct ForecastPoint: Sendable, Equatable {
    /// 1-based steps after the last observation.
    let step: Int
    let predicted: Double
    let lower: Double
    let upper: Double
}

struct Forecast: Sendable, Equatable {
    enum Method: String, Sendable, CaseIterable {
        case holt
        case holtWinters = "holt-winters"
        case naive
    }

    let method: Method
    /// The season length used by Holt-Winters; nil otherwise.
    let seasonPeriod: Int?
    /// Level smoothing. 1 for the naive method (a random walk).
    let alpha: Double
    /// Trend smoothing (Holt's beta*, applied to the change in level); nil for naive.
    let beta: Double?
    /// Seasonal smoothing (applied to y_t - l_t, the textbook Holt-Winters form); nil unless seasonal.
    let gamma: Double?
    /// The confidence level of the intervals, e.g. 0.95.
    let level: Double
    let predictions: [ForecastPoint]
    /// Mean absolute error on the holdout (original units); nil when no holdout (n < 5).
    let mae: Double?
    /// Mean absolute percentage error on the holdout, in percent (12.5 means 12.5%); nil when no
    /// holdout or when any held-out actual is 0.
    let mape: Double?
    /// Number of trailing points held out to compute `mae`/`mape` (0 when none).
    let holdout: Int
    /// Standard deviation of the one-step-ahead in-sample residuals (original units).
    let residualStandardDeviation: Double
}

/// Exponential-smoothing forecaster: Holt's linear trend, additive Holt-Winters, or naive.
///
/// - Input: 3...10 000 finite values with magnitude at most 1e100; `horizon` in 1...365;
///   `level` strictly inside (0, 1). `seasonPeriod`: nil = detect (see `Seasonality`), 1 = force
///   non-seasonal, p >= 2 = force Holt-Winters with period p (needs n >= 5 and n >= 2p).
/// - Method: `naive` (last value, alpha = 1) when n < 5 or the series is constant; otherwise
///   `holt-winters` when a season is used, else `holt`. Smoothing parameters minimise the
///   one-step-ahead SSE: a coarse grid, then a deterministic pattern search (step halving) inside
///   [0.01, 0.99]. The fit runs on the series standardised by its mean and standard deviation,
///   which leaves the optimal parameters unchanged and keeps the arithmetic well scaled.
/// - Initial states: Holt l0 = y0, b0 = y1 - y0 (SSE from t = 2); Holt-Winters from the first two
///   seasons (level = first season mean, trend = difference of season means / m, seasonal indexes =
///   average detrended deviation, normalised to sum 0).
/// - Intervals: the standard analytical variance of the equivalent additive ETS models (Hyndman et
///   al. 2008, Table 6.1): ETS(A,N,N) with alpha = 1 for naive (sigma^2 h), ETS(A,A,N) for Holt and
///   ETS(A,A,A) for Holt-Winters, with ETS beta = alpha beta* and ETS gamma = gamma (1 - alpha).
///   sigma^2 = SSE / (residuals - number of smoothing parameters). Bounds are
///   predicted -/+ z sqrt(var_h), z = Phi^-1((1 + level) / 2) (Acklam's inverse normal).
/// - Accuracy: for n >= 5 the last max(1, min(floor(0.2 n), horizon)) points are held out, the same
///   method is refitted (parameters re-optimised) on the rest and MAE / MAPE are computed on the
///   holdout. If the shortened series has fewer than two seasons the refit uses Holt.
enum Forecaster {
    static let minimumPoints = 3
    static let maxPoints = 10_000
    static let horizonRange = 1...365
    static let maxMagnitude = 1e100
    /// Below this many points the naive method is used.
    static let minimumModelPoints = 5

    static func forecast(
        _ series: [Double], horizon: Int, level: Double = 0.95, seasonPeriod: Int? = nil
    ) throws(DataInsightError) -> Forecast {
        // Validate everything before doing any work.
        guard series.count <= maxPoints else { throw .tooLarge(what: "series points", limit: maxPoints) }
        guard series.count >= minimumPoints else {
            throw .insufficientData(needed: minimumPoints, got: series.count)
        }
        for (i, v) in series.enumerated() {
            guard v.isFinite else { throw .nonFiniteValue(index: i) }
            guard abs(v) <= maxMagnitude else { throw .valueOutOfRange(index: i, limit: maxMagnitude) }
        }
        guard horizonRange.contains(horizon) else {
            throw .invalidArgument("horizon must be in \(horizonRange.lowerBound)...\(horizonRange.upperBound), got \(horizon)")
        }
        guard level.isFinite, level > 0, level < 1 else {
            throw .invalidArgument("level must be strictly between 0 and 1, got \(level)")
        }
        let n = series.count
        if let p = seasonPeriod {
            guard p >= 1 else { throw .invalidArgument("seasonPeriod must be at least 1, got \(p)") }
            if p >= 2 {
                guard n >= minimumModelPoints else {
                    throw .invalidArgument("seasonal forecasting needs at least \(minimumModelPoints) points, got \(n)")
                }
                guard 2 * p <= n else {
                    throw .invalidArgument("seasonPeriod \(p) needs at least two full seasons (\(2 * p) points), got \(n)")
                }
            }
        }
        guard let z = InsightMath.inverseNormalCDF((1 + level) / 2) else {
            throw .invalidArgument("level \(level) is too close to 0 or 1")
        }

        // Standardise. A constant series is degenerate: naive.
        var moments = InsightMath.RunningMoments()
        for v in series { moments.add(v) }
        let center = moments.mean
        let scale = moments.sampleStandardDeviation ?? 0
        let isConstant = series.allSatisfy { $0 == series[0] }
        let standardised: [Double] = (scale > 0 && !isConstant) ? series.map { ($0 - center) / scale } : series.map { _ in 0 }

        let model: Model
        if n < minimumModelPoints || isConstant || !(scale > 0) {
            model = .naive
        } else if let p = seasonPeriod {
            model = p >= 2 ? .holtWinters(period: p) : .holt
        } else if let p = Seasonality.detectPeriod(series) {
            model = .holtWinters(period: p)
        } else {
            model = .holt
        }

        // Full fit (falls back to simpler models if a fit fails numerically).
        let fit = bestFit(standardised, model)

        var predictions: [ForecastPoint] = []
        predictions.reserveCapacity(horizon)
        for h in 1...horizon {
            let point = center + scale * fit.pointForecast(h)
            let halfWidth = z * (fit.sigma2 * fit.varianceFactor(h)).squareRoot() * scale
            let lower = point - halfWidth, upper = point + halfWidth
            guard point.isFinite, lower.isFinite, upper.isFinite else {
                throw .numericalFailure("forecast at step \(h) is not finite")
            }
            predictions.append(ForecastPoint(step: h, predicted: point, lower: lower, upper: upper))
        }

        // Holdout accuracy.
        var mae: Double? = nil, mape: Double? = nil, holdout = 0
        if n >= minimumModelPoints {
            holdout = max(1, min(Int(Double(n) * 0.2), horizon))
            let trainCount = n - holdout
            let train = Array(standardised[0..<trainCount])
            var refitModel = fit.model
            if case .holtWinters(let p) = refitModel, trainCount < 2 * p { refitModel = .holt }
            if case .holt = refitModel, trainCount < minimumPoints { refitModel = .naive }
            let refit = bestFit(train, refitModel)
            var absSum = 0.0, pctSum = 0.0, anyZero = false
            for h in 1...holdout {
                let actual = series[trainCount + h - 1]
                let predicted = center + scale * refit.pointForecast(h)
                let error = abs(actual - predicted)
                absSum += error
                if actual == 0 { anyZero = true } else { pctSum += error / abs(actual) }
            }
            mae = InsightMath.finite(absSum / Double(holdout))
            mape = anyZero ? nil : InsightMath.finite(100 * pctSum / Double(holdout))
        }

        let sigma = (fit.sigma2.squareRoot() * scale)
        let seasonal: Int?
        if case .holtWinters(let p) = fit.model { seasonal = p } else { seasonal = nil }
        return Forecast(
            method: fit.model.method, seasonPeriod: seasonal,
            alpha: fit.alpha, beta: fit.beta, gamma: fit.gamma, level: level,
            predictions: predictions, mae: mae, mape: mape, holdout: holdout,
            residualStandardDeviation: sigma.isFinite ? sigma : 0)
    }

    // MARK: Models

    enum Model: Equatable {
        case naive
        case holt
        case holtWinters(period: Int)

        var method: Forecast.Method {
            switch self {
            case .naive: .naive
            case .holt: .holt
            case .holtWinters: .holtWinters
            }
        }
    }

    /// A fitted model in standardised units.
    struct Fit {
        var model: Model
        var alpha: Double
        var beta: Double?
        var gamma: Double?
        var finalLevel: Double
        var finalTrend: Double
        /// Seasonal indexes by time mod period (Holt-Winters only).
        var seasonal: [Double]
        /// Number of observations fitted.
        var count: Int
        /// One-step residual variance.
        var sigma2: Double

        func pointForecast(_ h: Int) -> Double {
            switch model {
            case .naive:
                return finalLevel
            case .holt:
                return finalLevel + Double(h) * finalTrend
            case .holtWinters(let m):
                let index = (count - 1 + h) % m
                return finalLevel + Double(h) * finalTrend + (index < seasonal.count ? seasonal[index] : 0)
            }
        }

        /// var_h / sigma^2 for the equivalent ETS model.
        func varianceFactor(_ h: Int) -> Double {
            let hd = Double(h)
            switch model {
            case .naive:
                return hd
            case .holt, .holtWinters:
                let a = alpha
                let b = alpha * (beta ?? 0)
                var factor = 1 + (hd - 1) * (a * a + a * b * hd + b * b * hd * (2 * hd - 1) / 6)
                if case .holtWinters(let m) = model {
                    let g = (gamma ?? 0) * (1 - alpha)
                    let k = Double((h - 1) / m)
                    factor += g * k * (2 * a + g + b * Double(m) * (k + 1))
                }
                return max(1, factor)
            }
        }
    }

    static let lowerBound = 0.01
    static let upperBound = 0.99
    static let coarseGrid = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]

    /// Fits `model`, degrading to Holt then naive when the optimiser finds no finite SSE.
    static func bestFit(_ z: [Double], _ model: Model) -> Fit {
        if case .holtWinters = model, let fit = fitSmoothing(z, model) { return fit }
        if model != .naive, z.count >= minimumPoints, let fit = fitSmoothing(z, .holt) { return fit }
        return naiveFit(z)
    }

    static func naiveFit(_ z: [Double]) -> Fit {
        var sum = 0.0
        for t in z.indices.dropFirst() {
            let d = z[t] - z[t - 1]
            sum += d * d
        }
        let sigma2 = z.count > 1 ? sum / Double(z.count - 1) : 0
        return Fit(model: .naive, alpha: 1, beta: nil, gamma: nil, finalLevel: z.last ?? 0, finalTrend: 0,
                   seasonal: [], count: z.count, sigma2: sigma2.isFinite ? sigma2 : 0)
    }

    /// Optimises the smoothing parameters of Holt or Holt-Winters on `z`; nil if no finite fit.
    static func fitSmoothing(_ z: [Double], _ model: Model) -> Fit? {
        let dimensions: Int
        switch model {
        case .naive: return nil
        case .holt: dimensions = 2
        case .holtWinters(let m):
            guard m >= 2, z.count >= 2 * m else { return nil }
            dimensions = 3
        }
        guard z.count >= minimumPoints else { return nil }
        let objective: ([Double]) -> Double = { p in
            run(z, model, p)?.sse ?? .infinity
        }
        // Coarse grid, first strict minimum wins (deterministic order).
        var best = [Double](repeating: coarseGrid[0], count: dimensions)
        var bestValue = Double.infinity
        var candidate = best
        func search(_ d: Int) {
            if d == dimensions {
                let v = objective(candidate)
                if v < bestValue { bestValue = v; best = candidate }
                return
            }
            for g in coarseGrid {
                candidate[d] = g
                search(d + 1)
            }
        }
        search(0)
        guard bestValue.isFinite else { return nil }
        // Pattern search: try +/- step on each coordinate, keep strict improvements, halve the step.
        var step = 0.075
        while step >= 0.001 {
            var improved = true, rounds = 0
            while improved && rounds < 100 {
                improved = false
                rounds += 1
                for d in 0..<dimensions {
                    for direction in [-1.0, 1.0] {
                        var trial = best
                        trial[d] = min(upperBound, max(lowerBound, trial[d] + direction * step))
                        guard trial[d] != best[d] else { continue }
                        let v = objective(trial)
                        if v < bestValue { bestValue = v; best = trial; improved = true }
                    }
                }
            }
            step /= 2
        }
        guard let state = run(z, model, best) else { return nil }
        let parameters = Double(dimensions)
        let dof = Double(state.residuals) > parameters ? Double(state.residuals) - parameters : Double(max(1, state.residuals))
        let sigma2 = state.sse / dof
        return Fit(model: model, alpha: best[0], beta: best[1], gamma: dimensions == 3 ? best[2] : nil,
                   finalLevel: state.level, finalTrend: state.trend, seasonal: state.seasonal,
                   count: z.count, sigma2: sigma2.isFinite ? sigma2 : 0)
    }

    struct RunState {
        var sse: Double
        var residuals: Int
        var level: Double
        var trend: Double
        var seasonal: [Double]
    }

    /// Runs the smoothing recursions; nil when the state diverges (non-finite SSE).
    static func run(_ z: [Double], _ model: Model, _ p: [Double]) -> RunState? {
        let n = z.count
        switch model {
        case .naive:
            return nil
        case .holt:
            guard n >= minimumPoints, p.count >= 2 else { return nil }
            let alpha = p[0], beta = p[1]
            var level = z[0], trend = z[1] - z[0]
            var sse = 0.0, residuals = 0
            for t in 1..<n {
                let forecast = level + trend
                if t >= 2 {
                    let e = z[t] - forecast
                    sse += e * e
                    residuals += 1
                }
                let newLevel = alpha * z[t] + (1 - alpha) * forecast
                trend = beta * (newLevel - level) + (1 - beta) * trend
                level = newLevel
                if !sse.isFinite { return nil }
            }
            guard sse.isFinite, level.isFinite, trend.isFinite else { return nil }
            return RunState(sse: sse, residuals: residuals, level: level, trend: trend, seasonal: [])
        case .holtWinters(let m):
            guard m >= 2, n >= 2 * m, p.count >= 3 else { return nil }
            let alpha = p[0], beta = p[1], gamma = p[2]
            var firstMean = 0.0, secondMean = 0.0
            for i in 0..<m {
                firstMean += z[i]
                secondMean += z[m + i]
            }
            firstMean /= Double(m)
            secondMean /= Double(m)
            let trend0 = (secondMean - firstMean) / Double(m)
            let centre = Double(m - 1) / 2
            func line(_ t: Int) -> Double { firstMean + trend0 * (Double(t) - centre) }
            var seasonal = (0..<m).map { i in ((z[i] - line(i)) + (z[m + i] - line(m + i))) / 2 }
            let seasonalMean = seasonal.reduce(0, +) / Double(m)
            seasonal = seasonal.map { $0 - seasonalMean }
            var level = line(-1), trend = trend0
            var sse = 0.0
            for t in 0..<n {
                let s = t % m
                let forecast = level + trend + seasonal[s]
                let e = z[t] - forecast
                sse += e * e
                let newLevel = alpha * (z[t] - seasonal[s]) + (1 - alpha) * (level + trend)
                trend = beta * (newLevel - level) + (1 - beta) * trend
                seasonal[s] = gamma * (z[t] - newLevel) + (1 - gamma) * seasonal[s]
                level = newLevel
                if !sse.isFinite { return nil }
            }
            guard sse.isFinite, level.isFinite, trend.isFinite, seasonal.allSatisfy(\.isFinite) else { return nil }
            return RunState(sse: sse, residuals: n, level: level, trend: trend, seasonal: seasonal)
        }
    }
}
