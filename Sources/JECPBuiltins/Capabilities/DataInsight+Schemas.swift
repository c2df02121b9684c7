import JECPModels

extension DataInsight {
    static let csvField: JSONValue = ["type": "string", "minLength": 1, "maxLength": 10_485_760,
                                      "description": "RFC 4180 CSV with a header row; at most 100000 rows, 200 columns, 10 MB."]
    static let delimiterField: JSONValue = ["type": "string", "enum": [",", ";", "\t", "|"], "default": ","]
    static let seriesField: JSONValue = ["type": "array", "minItems": 3, "maxItems": 10_000, "items": ["type": "number"]]
    static let columnField: JSONValue = ["oneOf": [["type": "string", "minLength": 1], ["type": "integer", "minimum": 0]],
                                         "description": "Column name or 0-based index; default: the first numeric column."]
    static let number: JSONValue = ["type": "number"]
    static let nullableNumber: JSONValue = ["type": ["number", "null"]]

    /// Either `series`, or `csv` (+ optional `column`).
    static func seriesInput(_ extra: [String: JSONValue]) -> JSONValue {
        var properties: [String: JSONValue] = ["series": seriesField, "csv": csvField, "column": columnField, "delimiter": delimiterField]
        for (key, value) in extra { properties[key] = value }
        return [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object", "additionalProperties": false, "properties": .object(properties),
            "oneOf": [["required": ["series"], "not": ["required": ["csv"]]], ["required": ["csv"], "not": ["required": ["series"]]]],
        ]
    }

    static let analyzeInput: JSONValue = [
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object", "additionalProperties": false, "required": ["csv"],
        "properties": ["csv": csvField, "delimiter": delimiterField],
    ]

    static let analyzeOutput: JSONValue = [
        "type": "object", "required": ["rows", "columns", "correlations"],
        "properties": [
            "rows": ["type": "integer", "minimum": 0],
            "columns": ["type": "array", "items": [
                "type": "object", "required": ["name", "type", "count", "missing", "unique"],
                "properties": [
                    "name": ["type": "string"], "type": ["enum": ["integer", "number", "boolean", "date", "text", "empty"]],
                    "count": ["type": "integer"], "missing": ["type": "integer"], "unique": ["type": "integer"],
                    "mean": number, "median": number, "stddev": nullableNumber, "min": number, "max": number,
                    "quantiles": ["type": "object", "required": ["p25", "p50", "p75"]],
                    "distinct": ["type": "integer"],
                    "top_values": ["type": "array", "maxItems": 5, "items": ["type": "object", "required": ["value", "count"]]],
                ],
            ]],
            "correlations": ["type": "array", "items": [
                "type": "object", "required": ["column_a", "column_b", "r", "pairs"],
                "properties": ["r": ["type": "number", "minimum": -1, "maximum": 1]],
            ]],
            "omitted_from_correlation": ["type": "array", "items": ["type": "string"]],
        ],
    ]

    static let forecastInput = seriesInput([
        "horizon": ["type": "integer", "minimum": 1, "maximum": 365, "default": 12],
        "level": ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.95, "description": "Prediction interval level."],
        "season_period": ["type": "integer", "minimum": 1, "maximum": 5000, "description": "1 forces no season; omit to detect."],
        "chart": ["type": "boolean", "default": false, "description": "Also return an 800x400 PNG chart (history, forecast, interval band)."],
    ])

    static let forecastOutput: JSONValue = [
        "type": "object", "required": ["method", "level", "predictions", "metrics", "parameters"],
        "properties": [
            "method": ["enum": ["holt", "holt-winters", "naive"]],
            "season_period": ["type": ["integer", "null"]],
            "level": number,
            "parameters": ["type": "object", "required": ["alpha"]],
            "predictions": ["type": "array", "minItems": 1, "items": [
                "type": "object", "required": ["step", "predicted", "lower_bound", "upper_bound"],
                "properties": ["step": ["type": "integer", "minimum": 1], "predicted": number, "lower_bound": number, "upper_bound": number],
            ]],
            "chart": ["type": "string", "contentEncoding": "base64", "contentMediaType": "image/png"],
            "metrics": ["type": "object", "required": ["mae", "mape_percent", "holdout_points"],
                        "properties": ["mae": nullableNumber, "mape_percent": nullableNumber, "holdout_points": ["type": "integer"]]],
        ],
    ]

    static let anomaliesInput = seriesInput([
        "method": ["enum": ["robust_zscore", "iqr"], "default": "robust_zscore"],
        "threshold": ["type": "number", "exclusiveMinimum": 0, "maximum": 100,
                      "description": "z-score cut-off (default 3.5) or IQR multiplier (default 1.5)."],
    ])

    static let anomaliesOutput: JSONValue = [
        "type": "object", "required": ["method", "threshold", "anomalies", "count"],
        "properties": [
            "method": ["type": "string"], "threshold": number, "count": ["type": "integer"],
            "anomalies": ["type": "array", "items": [
                "type": "object", "required": ["index", "value", "score"],
                "properties": ["index": ["type": "integer", "minimum": 0], "value": number, "score": number],
            ]],
        ],
    ]

    static let analyzeExample: JSONValue = [
        "input": ["csv": "city,temp,rain\nOslo,4.5,yes\nRome,18.2,no\nLima,19.0,no\n"],
    ]
    static let forecastExample: JSONValue = [
        "input": ["series": [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140],
                  "horizon": 6, "level": 0.9],
    ]
    static let anomaliesExample: JSONValue = [
        "input": ["series": [10, 11, 9, 10, 12, 95, 10, 11, 9, 10], "method": "robust_zscore"],
    ]
}
