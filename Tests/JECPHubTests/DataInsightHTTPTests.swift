import Foundation
import JECPModels
import Testing

/// `data-insight` through `POST /v1/invoke`: a 200 also proves the output matched its output_schema.
@Suite struct DataInsightHTTPTests {
    @Test func bronzeAgentsAreSentToEarnTrust() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, capability: "data-insight", action: "analyze-csv", input: ["csv": "a\n1\n"])
            #expect(response.errorCode == "INSUFFICIENT_TRUST")
            #expect(response.nextAction?["required_tier"] == "silver")
        }
    }

    @Test func analyzeCSVProfilesColumnsAndCorrelations() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "silver")
            let csv = "\u{FEFF}city,temp,rain,visits\r\n\"Oslo, NO\",4.5,true,10\r\nRome,18.2,false,20\r\n\"Li\"\"ma\",19.0,false,30\r\nBern,,true,40\r\n"
            let response = try await hub.invoke(agent, capability: "data-insight", action: "analyze-csv", input: ["csv": .string(csv)])
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let output = try #require(response.json["result"]?["output"])
            #expect(output["rows"] == 4)
            let columns = try #require(output["columns"]?.arrayValue)
            #expect(columns.map { $0["name"]?.stringValue ?? "" } == ["city", "temp", "rain", "visits"])
            #expect(columns[0]["top_values"]?.arrayValue?.contains { $0["value"] == "Li\"ma" } == true)
            #expect(columns[1]["type"] == "number")
            #expect(columns[1]["missing"] == 1)
            #expect(columns[1]["max"]?.numberValue?.double == 19.0)
            #expect(columns[3]["mean"]?.numberValue?.double == 25)
            #expect(columns[2]["type"] == "boolean")
            let correlation = try #require(output["correlations"]?.arrayValue?.first)
            #expect(correlation["column_a"] == "temp")
            #expect(correlation["column_b"] == "visits")
            #expect((correlation["r"]?.numberValue?.double ?? 0) > 0.8)
        }
    }

    @Test func forecastDetectsSeasonAndBracketsPredictions() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "silver")
            let series: [JSONValue] = (0..<48).map { month in
                .number(JSONNumber(100 + Double(month) * 2 + 15 * sin(Double(month) * .pi / 6)))
            }
            let response = try await hub.invoke(agent, capability: "data-insight", action: "forecast",
                                                input: ["series": .array(series), "horizon": 12, "level": 0.9])
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let output = try #require(response.json["result"]?["output"])
            #expect(output["method"] == "holt-winters")
            #expect(output["season_period"] == 12)
            let predictions = try #require(output["predictions"]?.arrayValue)
            #expect(predictions.count == 12)
            for point in predictions {
                let predicted = point["predicted"]?.numberValue?.double ?? .nan
                #expect((point["lower_bound"]?.numberValue?.double ?? .infinity) <= predicted)
                #expect(predicted <= (point["upper_bound"]?.numberValue?.double ?? -.infinity))
            }
            // The agent still has free calls, and data-insight is Hub-operated: no money moves.
            #expect(response.json["billing"]?["method"] == "free_call")
            #expect(response.json["billing"]?["cost_usdc"]?.money == .zero)
        }
    }

    @Test func forecastFromACSVColumnAndBadInputs() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "silver")
            let csv = "day,sales\n" + (1...10).map { "\($0),\(10 + $0 * 3)" }.joined(separator: "\n")
            let ok = try await hub.invoke(agent, capability: "data-insight", action: "forecast", input: ["csv": .string(csv), "column": "sales", "horizon": 3])
            #expect(ok.status == 200, "\(ok.text.prefix(300))")
            let first = ok.json["result"]?["output"]?["predictions"]?.arrayValue?.first?["predicted"]?.numberValue?.double ?? 0
            #expect(abs(first - 43) < 1.5)
            let missingColumn = try await hub.invoke(agent, capability: "data-insight", action: "forecast", input: ["csv": .string(csv), "column": "nope"])
            #expect(missingColumn.status == 400)
            #expect(missingColumn.errorCode == "INPUT_SCHEMA_VIOLATION")
            let both = try await hub.invoke(agent, capability: "data-insight", action: "forecast", input: ["csv": .string(csv), "series": [1, 2, 3]])
            #expect(both.errorCode == "INPUT_SCHEMA_VIOLATION")
            let ragged = try await hub.invoke(agent, capability: "data-insight", action: "analyze-csv", input: ["csv": "a,b\n1\n"])
            #expect(ragged.status == 400)
            #expect(ragged.text.contains("row"))
            #expect(try await hub.profile(agent)["total_calls"] == 1)
        }
    }

    @Test func anomaliesAreFoundByBothMethods() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register(tier: "silver")
            let series: JSONValue = [10, 11, 9, 10, 12, 95, 10, 11, 9, 10, -40, 10]
            for method in ["robust_zscore", "iqr"] {
                let response = try await hub.invoke(agent, capability: "data-insight", action: "detect-anomalies",
                                                    input: ["series": series, "method": .string(method)])
                #expect(response.status == 200, "\(response.text.prefix(300))")
                let indexes = response.json["result"]?["output"]?["anomalies"]?.arrayValue?.compactMap { $0["index"]?.numberValue?.integerValue } ?? []
                #expect(indexes == [5, 10], "\(method)")
            }
        }
    }
}
