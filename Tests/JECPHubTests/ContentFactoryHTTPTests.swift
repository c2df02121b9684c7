import Foundation
import JECPModels
import Testing

/// `content-factory` through `POST /v1/invoke` (outputs are checked against their schemas by the Hub).
@Suite struct ContentFactoryHTTPTests {
    static let article = """
        Solar panels turn sunlight into electricity without moving parts. Over the last decade the cost of solar panels fell \
        by more than eighty percent. Homeowners now install solar panels on roofs to cut their power bills. My neighbour \
        owns a red bicycle. Utilities also build large solar farms, and storage batteries keep solar energy available at night.
        """

    @Test func summarizeKeywordsLanguageAndStats() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let summary = try await hub.invoke(agent, capability: "content-factory", action: "summarize",
                                               input: ["text": .string(Self.article), "max_sentences": 2])
            #expect(summary.status == 200, "\(summary.text.prefix(300))")
            let output = try #require(summary.json["result"]?["output"])
            #expect(output["summary"]?.stringValue?.contains("bicycle") == false)
            #expect((output["summary_word_count"]?.numberValue?.integerValue ?? 0) < (output["original_word_count"]?.numberValue?.integerValue ?? 0))

            let keywords = try await hub.invoke(agent, capability: "content-factory", action: "keywords", input: ["text": .string(Self.article), "limit": 5])
            #expect(keywords.status == 200)
            let top = keywords.json["result"]?["output"]?["keywords"]?.arrayValue?.first?["text"]?.stringValue?.lowercased() ?? ""
            #expect(top.contains("solar"))

            let german = try await hub.invoke(agent, capability: "content-factory", action: "detect-language",
                                              input: ["text": "Der schnelle braune Fuchs springt über den faulen Hund und läuft in den Wald."])
            #expect(german.json["result"]?["output"]?["language"] == "de")
            let japanese = try await hub.invoke(agent, capability: "content-factory", action: "detect-language", input: ["text": "今日はとても良い天気ですね。"])
            #expect(japanese.json["result"]?["output"]?["language"] == "ja")

            let stats = try await hub.invoke(agent, capability: "content-factory", action: "text-stats", input: ["text": .string(Self.article)])
            #expect(stats.status == 200)
            #expect(stats.json["result"]?["output"]?["sentences"] == 5)
            #expect(stats.json["result"]?["output"]?["readability"]?["flesch_reading_ease"]?.numberValue != nil)
        }
    }

    @Test func generativeActionsNameTheMissingModel() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let inputs: [String: JSONValue] = [
                "translate": ["text": "hello", "target_lang": "ja"], "rewrite": ["text": "hello"],
                "generate-social": ["topic": "hello", "platforms": ["twitter"]],
            ]
            let catalog = try await hub.get("/v1/capabilities/content-factory")
            let actions = catalog.json["actions"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            for (action, input) in inputs {
                let response = try await hub.invoke(agent, capability: "content-factory", action: action, input: input)
                #expect(response.status == 404)
                #expect(response.errorCode == "ACTION_NOT_FOUND")
                #expect(response.json["error"]?["message"]?.stringValue?.contains("has not configured a language model") == true, "\(action)")
                #expect(!actions.contains(action))
            }
        }
    }

    @Test(arguments: ["!!!", "...", "123 456", "🎉", "   \n\n  ", "a", "Dr. U.S. e.g.", "مرحبا بالعالم", "שלום", String(repeating: "x", count: 5000)])
    func nastyTextNeverBreaksAnAction(text: String) async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            for action in ["summarize", "keywords", "detect-language", "text-stats"] {
                let response = try await hub.invoke(agent, capability: "content-factory", action: action, input: ["text": .string(text)])
                #expect([200, 400].contains(response.status), "\(action) on \(text.prefix(20).debugDescription): \(response.text.prefix(200))")
            }
        }
    }

    @Test func emptyAndOversizedTextAreRefused() async throws {
        try await TestHub.run { hub in
            let agent = try await hub.register()
            let empty = try await hub.invoke(agent, capability: "content-factory", action: "summarize", input: ["text": ""])
            #expect(empty.errorCode == "INPUT_SCHEMA_VIOLATION")
            let emoji = try await hub.invoke(agent, capability: "content-factory", action: "text-stats", input: ["text": "🎉🎉 !!! ..."])
            #expect(emoji.status == 200)
        }
    }
}
