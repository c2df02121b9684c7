import Foundation
import JECPHubCore
import JECPModels

/// `data-insight`: CSV profiling, forecasting and anomaly detection, computed locally.
public struct DataInsight: HubCapability {
    public init() {}

    public var descriptor: CapabilityDescriptor {
        CapabilityDescriptor(
            name: "data-insight", displayName: "Data Insight",
            description: "Statistics, correlations, forecasts with prediction intervals, and anomaly detection over CSV data or number series.",
            version: "1.0.0", tags: ["data", "statistics", "forecast", "csv"],
            actions: [
                ActionDescriptor(name: "analyze-csv",
                                 description: "Parse an RFC 4180 CSV; per-column type, counts, mean/median/stddev/min/max/quantiles, top values, pairwise correlations.",
                                 price: Money(micros: 10_000), trustTierRequired: .silver, rateLimitPerMinute: 60,
                                 inputSchema: Self.analyzeInput, outputSchema: Self.analyzeOutput, examples: [Self.analyzeExample]),
                ActionDescriptor(name: "forecast",
                                 description: "Holt or Holt-Winters (seasonality detected) forecast with prediction intervals and holdout MAE/MAPE.",
                                 price: Money(micros: 20_000), trustTierRequired: .silver, rateLimitPerMinute: 30,
                                 inputSchema: Self.forecastInput, outputSchema: Self.forecastOutput, examples: [Self.forecastExample], streaming: true),
                ActionDescriptor(name: "detect-anomalies",
                                 description: "Robust z-score (median/MAD) or IQR fences; returns flagged points with scores.",
                                 price: Money(micros: 10_000), trustTierRequired: .silver, rateLimitPerMinute: 60,
                                 inputSchema: Self.anomaliesInput, outputSchema: Self.anomaliesOutput, examples: [Self.anomaliesExample]),
            ])
    }

    public func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue {
        do {
            switch action {
            case "analyze-csv": return try analyze(input)
            case "forecast": return try await forecast(input, progress: context.progress)
            case "detect-anomalies": return try detectAnomalies(input)
            default: throw JECPError(.actionNotFound, "data-insight has no action '\(action)'.")
            }
        } catch let error as DataInsightError {
            throw Self.translate(error)
        }
    }

    func analyze(_ input: JSONValue) throws -> JSONValue {
        let table = try CSVTable(parsing: input["csv"]?.stringValue ?? "", delimiter: Self.delimiter(input))
        let statistics = ColumnStatistics.describe(table)
        let correlations = Correlation.matrix(table, statistics: statistics)
        return [
            "rows": .number(JSONNumber(table.rowCount)),
            "columns": .array(statistics.map(Self.render)),
            "correlations": .array(correlations.pairs.compactMap { pair in
                guard let r = pair.r else { return nil }
                return ["column_a": .string(pair.firstName), "column_b": .string(pair.secondName), "r": Self.number(r),
                        "pairs": .number(JSONNumber(pair.pairs))]
            }),
            "omitted_from_correlation": .array(correlations.omittedColumns.map { .string(table.header[$0]) }),
        ]
    }

    func forecast(_ input: JSONValue, progress: ProgressReporter) async throws -> JSONValue {
        await progress("parsing", 0)
        let series = try Self.series(from: input)
        await progress("forecasting", 0.2)
        let horizon = Int(input["horizon"]?.numberValue?.integerValue ?? 12)
        let level = input["level"]?.numberValue?.double ?? 0.95
        let period = input["season_period"]?.numberValue?.integerValue.map(Int.init)
        let result = try Forecaster.forecast(series, horizon: horizon, level: level, seasonPeriod: period)
        var parameters: [String: JSONValue] = ["alpha": Self.number(result.alpha)]
        if let beta = result.beta { parameters["beta"] = Self.number(beta) }
        if let gamma = result.gamma { parameters["gamma"] = Self.number(gamma) }
        var metrics: [String: JSONValue] = ["holdout_points": .number(JSONNumber(result.holdout)),
                                            "residual_stddev": Self.number(result.residualStandardDeviation)]
        metrics["mae"] = result.mae.map(Self.number) ?? .null
        metrics["mape_percent"] = result.mape.map(Self.number) ?? .null
        var output: [String: JSONValue] = [
            "method": .string(result.method.rawValue),
            "season_period": result.seasonPeriod.map { .number(JSONNumber($0)) } ?? .null,
            "level": Self.number(result.level),
            "history_points": .number(JSONNumber(series.count)),
            "parameters": .object(parameters),
            "predictions": .array(result.predictions.map { point in
                ["step": .number(JSONNumber(point.step)), "predicted": Self.number(point.predicted),
                 "lower_bound": Self.number(point.lower), "upper_bound": Self.number(point.upper)]
            }),
            "metrics": .object(metrics),
        ]
        if input["chart"]?.boolValue == true {
            await progress("charting", 0.7)
            output["chart"] = .string(try Self.chart(series, result))
        }
        return .object(output)
    }

    /// History, forecast and interval band as a PNG (base64).
    static func chart(_ series: [Double], _ result: Forecast) throws -> String {
        do {
            let chart = try LineChart(
                title: "FORECAST (\(result.method.rawValue.uppercased()))", history: series, forecast: result.predictions.map(\.predicted),
                lower: result.predictions.map(\.lower), upper: result.predictions.map(\.upper),
                intervalLabel: "\(Int((result.level * 100).rounded()))% INTERVAL")
            return Data(try chart.renderPNG()).base64EncodedString()
        } catch {
            throw JECPError(.executionFailed, "The chart could not be drawn: \(error.description).", details: ["reason": .string(error.description)])
        }
    }

    func detectAnomalies(_ input: JSONValue) throws -> JSONValue {
        let series = try Self.series(from: input)
        let report: AnomalyReport
        if input["method"]?.stringValue == "iqr" {
            report = try AnomalyDetector.iqr(series, multiplier: input["threshold"]?.numberValue?.double ?? AnomalyDetector.defaultIQRMultiplier)
        } else {
            report = try AnomalyDetector.robustZScore(series, threshold: input["threshold"]?.numberValue?.double ?? AnomalyDetector.defaultZThreshold)
        }
        return [
            "method": .string(report.method.rawValue),
            "threshold": Self.number(report.threshold),
            "lower_bound": Self.number(report.lowerBound),
            "upper_bound": Self.number(report.upperBound),
            "center": Self.number(report.center),
            "spread": Self.number(report.spread),
            "count": .number(JSONNumber(report.count)),
            "anomalies": .array(report.anomalies.map { anomaly in
                ["index": .number(JSONNumber(anomaly.index)), "value": Self.number(anomaly.value), "score": Self.number(anomaly.score)]
            }),
        ]
    }

    /// The numbers to work on: `series`, or one column of `csv` picked by `column` (name or 0-based index).
    static func series(from input: JSONValue) throws -> [Double] {
        if let array = input["series"]?.arrayValue {
            return array.compactMap { $0.numberValue?.double }
        }
        let table = try CSVTable(parsing: input["csv"]?.stringValue ?? "", delimiter: delimiter(input))
        let index: Int
        switch input["column"] {
        case .string(let name)?:
            guard let found = table.header.firstIndex(of: name) else {
                throw violation("/column", "no column named '\(name)'; the header is \(table.header.joined(separator: ", "))")
            }
            index = found
        case .number(let number)?:
            guard let position = number.integerValue, position >= 0, position < Int64(table.columnCount) else {
                throw violation("/column", "column index out of range 0..<\(table.columnCount)")
            }
            index = Int(position)
        default:
            guard let numeric = ColumnStatistics.describe(table).first(where: { $0.type.isNumeric }) else {
                throw violation("/csv", "no numeric column found")
            }
            index = numeric.index
        }
        let values = ColumnStatistics.numericValues(table.column(index))
        let present = values.compactMap { $0 }
        guard present.count == values.count else {
            throw violation("/csv", "column '\(table.header[index])' has \(values.count - present.count) missing or non-numeric cells")
        }
        return present
    }

    static func delimiter(_ input: JSONValue) -> Character {
        input["delimiter"]?.stringValue?.first ?? ","
    }

    static func render(_ column: ColumnStatistics) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(column.name), "type": .string(column.type.rawValue), "count": .number(JSONNumber(column.count)),
            "missing": .number(JSONNumber(column.missing)), "unique": .number(JSONNumber(column.unique)),
        ]
        if let numeric = column.numeric {
            object["mean"] = number(numeric.mean)
            object["median"] = number(numeric.median)
            object["stddev"] = numeric.stddev.map(number) ?? .null
            object["min"] = number(numeric.min)
            object["max"] = number(numeric.max)
            object["quantiles"] = ["p25": number(numeric.p25), "p50": number(numeric.p50), "p75": number(numeric.p75)]
        }
        if let categorical = column.categorical {
            object["distinct"] = .number(JSONNumber(categorical.distinct))
            object["top_values"] = .array(categorical.top.map { ["value": .string($0.value), "count": .number(JSONNumber($0.count))] })
        }
        return .object(object)
    }

    /// Finite numbers only (the engine guarantees it); anything else would be a bug, rendered as null.
    static func number(_ value: Double) -> JSONValue { .finite(value) }

    static func violation(_ path: String, _ reason: String) -> JECPError {
        JECPError(.inputSchemaViolation, "input cannot be analyzed: \(reason).",
                  details: ["errors": [["instance_path": .string(path), "schema_path": "", "reason": .string(reason)]]])
    }

    static func translate(_ error: DataInsightError) -> JECPError {
        switch error {
        case .tooLarge(let what, let limit):
            JECPError(.inputTooLarge, "input is too large: \(error.description).",
                      details: ["what": .string(what), "limit": .number(JSONNumber(limit))])
        case .numericalFailure:
            JECPError(.executionFailed, "The computation failed: \(error.description).", details: ["reason": .string(error.description)])
        default:
            violation(error.csvRelated ? "/csv" : "", error.description)
        }
    }
}

extension DataInsightError {
    var csvRelated: Bool {
        switch self {
        case .emptyInput, .invalidEncoding, .invalidDelimiter, .unterminatedQuote, .unexpectedCharacterAfterQuote, .raggedRow: true
        default: false
        }
    }
}
