import Testing
@testable import JECPBuiltins

@Suite("Text analysis: keyword extraction")
struct KeywordExtractorTests {
    static let solar = """
        Solar panels convert sunlight directly into electricity. Many homeowners install solar panels on their roofs to \
        lower their electricity bills. Solar energy is clean, renewable and increasingly affordable. Modern solar panels \
        are far more efficient than the models sold twenty years ago. Governments offer tax credits that make solar \
        energy even cheaper for families. The cost of solar panels has fallen by almost ninety percent since 2010. On \
        cloudy days, solar panels still produce some electricity, although output drops. Batteries can store solar \
        energy for use at night.
        """

    @Test func solarTextRanksSolarPanelsAndSolarEnergyFirst() throws {
        let result = try KeywordExtractor.extract(from: Self.solar, limit: 10)
        #expect(result.language == "en")
        #expect(result.ranked.prefix(2).map(\.text) == ["solar panels", "solar energy"], "\(result.ranked.map(\.text))")
        #expect(result.ranked.first?.score == 1)
        #expect(result.ranked.first?.occurrences == 5)
        #expect(result.ranked.contains { $0.text == "electricity" })
        #expect(result.phrases.prefix(2).map(\.text) == ["solar panels", "solar energy"])
        #expect(result.keywords.first?.text == "solar")
    }

    @Test func scoresAreNormalizedAndSorted() throws {
        let result = try KeywordExtractor.extract(from: Self.solar, limit: 20)
        for list in [result.ranked, result.keywords, result.phrases] {
            #expect(list.allSatisfy { (0...1).contains($0.score) })
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.score >= $1.score })
        }
        #expect(result.keywords.allSatisfy { !$0.isPhrase })
        #expect(result.phrases.allSatisfy { $0.isPhrase })
    }

    @Test func resultsAreDeduplicated() throws {
        let result = try KeywordExtractor.extract(from: Self.solar, limit: 30)
        let texts = result.ranked.map { $0.text.lowercased() }
        #expect(Set(texts).count == texts.count)
        // Parts of a better phrase and plural variants are folded away.
        #expect(!texts.contains("solar"))
        #expect(!texts.contains("panels"))
        #expect(!texts.contains("solar panel"))
        #expect(!texts.contains("modern solar panels"))
        let keywordTexts = result.keywords.map(\.text)
        #expect(Set(keywordTexts).count == keywordTexts.count)
    }

    @Test func stopwordsNumbersAndPunctuationAreNeverKeywords() throws {
        let result = try KeywordExtractor.extract(from: Self.solar, limit: 50)
        let words = Set(result.ranked.flatMap { $0.text.split(separator: " ").map(String.init) })
        for stop in ["the", "and", "their", "into", "for", "can", "is", "are", "2010", "of"] {
            #expect(!words.contains(stop), "\(stop) in \(result.ranked.map(\.text))")
        }
        #expect(result.ranked.allSatisfy { $0.text.allSatisfy { $0.isLetter || $0 == " " || $0 == "-" || $0 == "'" } })
    }

    @Test func limitIsRespectedAndValidated() throws {
        #expect(try KeywordExtractor.extract(from: Self.solar, limit: 1).ranked.count == 1)
        #expect(try KeywordExtractor.extract(from: Self.solar, limit: 3).keywords.count == 3)
        #expect(throws: TextAnalysisError.invalidParameter(name: "limit", reason: "must be in 1...50")) {
            try KeywordExtractor.extract(from: Self.solar, limit: 0)
        }
        #expect(throws: TextAnalysisError.self) { try KeywordExtractor.extract(from: Self.solar, limit: 51) }
        #expect(throws: TextAnalysisError.self) {
            try KeywordExtractor.extract(from: String(repeating: "solar ", count: 40_000))
        }
    }

    @Test func usesStopwordsOfTheDetectedLanguage() throws {
        let text = """
            Die Solaranlage auf dem Dach erzeugt Strom für das ganze Haus. Eine Solaranlage spart jedes Jahr Geld, \
            und der Strom aus der Solaranlage ist sauber. Im Sommer erzeugt die Solaranlage mehr Strom als im Winter.
            """
        let result = try KeywordExtractor.extract(from: text, limit: 5)
        #expect(result.language == "de")
        #expect(result.ranked.first?.text == "Solaranlage")  // German nouns keep their capital
        #expect(result.ranked.contains { $0.text == "Strom" })
        let words = Set(result.ranked.flatMap { $0.text.lowercased().split(separator: " ").map(String.init) })
        #expect(words.isDisjoint(with: ["die", "der", "und", "im", "als", "auf", "ist", "eine"]))
    }

    @Test func languageOverride() throws {
        // Forcing Italian leaves English function words in place, so they may become candidates.
        let forced = try KeywordExtractor.extract(from: "The cat and the dog. The cat and the dog.", limit: 5, language: "it")
        #expect(forced.language == "it")
        #expect(forced.ranked.contains { $0.text.contains("the") })
        let detected = try KeywordExtractor.extract(from: "The cat and the dog. The cat and the dog.", limit: 5)
        #expect(!detected.ranked.contains { $0.text.contains("the") })
    }

    @Test func properNounsAndAcronymsKeepTheirCase() throws {
        let text = """
            NASA launched a new telescope. The telescope was built by NASA engineers in Houston. Engineers in Houston \
            tested the telescope for years before NASA approved it.
            """
        let result = try KeywordExtractor.extract(from: text, limit: 10)
        let texts = result.ranked.map(\.text)
        #expect(texts.contains { $0.contains("NASA") })
        #expect(texts.contains { $0.contains("Houston") })
        #expect(texts.contains("telescope"))
    }

    @Test func japaneseAndChineseKeywords() throws {
        let ja = "太陽光パネルは電気を作ります。太陽光パネルの価格は下がりました。多くの家庭が太陽光パネルを使っています。"
        let jaResult = try KeywordExtractor.extract(from: ja, limit: 5)
        #expect(jaResult.language == "ja")
        #expect(jaResult.ranked.first?.text == "太陽光パネル", "\(jaResult.ranked.map(\.text))")
        #expect(jaResult.ranked.first?.occurrences == 3)

        let zh = "太阳能电池板把阳光转化为电能。太阳能电池板的价格下降了。很多家庭安装了太阳能电池板。"
        let zhResult = try KeywordExtractor.extract(from: zh, limit: 5)
        #expect(zhResult.language == "zh")
        #expect(zhResult.ranked.first?.text == "太阳能电池板", "\(zhResult.ranked.map(\.text))")
        // Particles such as 的 / 了 never appear inside a candidate.
        #expect(zhResult.ranked.allSatisfy { !$0.text.contains("的") && !$0.text.contains("了") })
    }

    @Test func emptyAndWordlessInputGiveNoKeywords() throws {
        for text in ["", "   ", "the and of", "!!! ??? ...", "😀🎉 👍🏽", "2024 3.14 1,000"] {
            let result = try KeywordExtractor.extract(from: text)
            #expect(result.ranked.isEmpty, "\(text.debugDescription): \(result.ranked.map(\.text))")
            #expect(result.keywords.isEmpty)
            #expect(result.phrases.isEmpty)
        }
    }

    @Test func nastyInputsDoNotCrash() throws {
        for text in TextFixtures.nastyInputs {
            let result = try KeywordExtractor.extract(from: text, limit: 50)
            #expect(result.ranked.count <= 50)
            #expect(result.ranked.allSatisfy { (0...1).contains($0.score) && !$0.text.isEmpty && $0.occurrences >= 1 })
        }
    }
}
