import Testing
@testable import JECPBuiltins

@Suite("Text analysis: summarizer")
struct SummarizerTests {
    /// Sentences 1 and 3 carry the topic (coffee prices and farmers); the rest are unrelated filler.
    static let coffee = """
        My grandmother kept a small garden behind her house in Lisbon. \
        Coffee is one of the most traded agricultural commodities in the world, and coffee prices affect millions of coffee farmers. \
        The weather that spring was unusually rainy. \
        When global coffee prices fall, coffee farmers in Brazil, Vietnam and Colombia often sell their coffee at a loss. \
        Her neighbour owned a very old bicycle. \
        Some cafés in the city center now serve breakfast all day. \
        A red kite was seen over the hills last Tuesday.
        """

    @Test func picksTheCentralSentencesInOriginalOrder() throws {
        let result = try TextSummarizer.summarize(Self.coffee, maxSentences: 2)
        #expect(result.sentenceIndices == [1, 3])
        #expect(result.sentences.count == 2)
        #expect(result.sentences[0].hasPrefix("Coffee is one of"))
        #expect(result.sentences[1].hasPrefix("When global coffee prices fall"))
        #expect(result.summary == result.sentences.joined(separator: " "))
        #expect(result.totalSentences == 7)
        #expect(result.language == "en")
    }

    @Test func keepsOriginalOrderEvenWhenLaterSentencesRankHigher() throws {
        // The last sentence is the most central one; the summary must still list it last.
        let text = """
            Rain fell on the town. Tea is popular in England. Tea drinkers in England drink tea with milk, and \
            English tea culture values strong black tea above all other tea.
            """
        let result = try TextSummarizer.summarize(text, maxSentences: 2)
        #expect(result.sentenceIndices == result.sentenceIndices.sorted())
        #expect(result.sentenceIndices.contains(2))
        #expect(result.keyPoints.first?.hasPrefix("Tea drinkers in England") == true)
    }

    @Test func redundancyPenaltyAvoidsNearDuplicates() throws {
        let text = """
            Electric cars reduce air pollution in cities because electric cars have no exhaust. \
            Electric cars reduce air pollution in cities because electric cars have no exhaust pipe. \
            Electric cars also need charging stations, and charging stations for electric cars are still rare. \
            The museum opened a new wing last year.
            """
        let result = try TextSummarizer.summarize(text, maxSentences: 2)
        // Without MMR the two near-identical first sentences would both be chosen.
        #expect(result.sentenceIndices.contains(2), "\(result.sentenceIndices)")
        #expect(!(result.sentenceIndices.contains(0) && result.sentenceIndices.contains(1)))
        #expect(!result.sentenceIndices.contains(3))
    }

    @Test func respectsWordBudget() throws {
        let result = try TextSummarizer.summarize(Self.coffee, maxSentences: 5, maxWords: 25)
        #expect(result.summaryWordCount <= 25)
        #expect(result.summaryWordCount == TextTokenizer.words(in: result.summary).count)
        #expect(!result.sentences.isEmpty)
        // The best sentence (20 words) fits; the other central one (21 words) would overflow.
        #expect(result.sentenceIndices.contains(1))
        #expect(!result.sentenceIndices.contains(3))

        let tiny = try TextSummarizer.summarize(Self.coffee, maxSentences: 3, maxWords: 5)
        #expect(tiny.summaryWordCount <= 5)
        #expect(tiny.sentences.count == 1)
        #expect(TextTokenizer.words(in: tiny.summary).count <= 5)
    }

    @Test func truncatesWhenNoSentenceFitsTheBudget() throws {
        let text = "Solar panels on the roof of the community center now supply most of the building's electricity during the summer months."
        let result = try TextSummarizer.summarize(text, maxSentences: 1, maxWords: 4)
        #expect(result.summary == "Solar panels on the\u{2026}")
        #expect(result.summaryWordCount == 4)
    }

    @Test func countsAndCompressionRatio() throws {
        let result = try TextSummarizer.summarize(Self.coffee, maxSentences: 2)
        let total = TextTokenizer.words(in: Self.coffee).count
        #expect(result.originalWordCount == total)
        #expect(result.summaryWordCount == TextTokenizer.words(in: result.summary).count)
        #expect(abs(result.compressionRatio - Double(result.summaryWordCount) / Double(total)) < 1e-9)
        #expect(result.compressionRatio > 0 && result.compressionRatio < 1)
    }

    @Test func keyPointsAreRankedAndShortened() throws {
        let long = "However, " + Array(repeating: "coffee farmers depend on coffee prices", count: 6).joined(separator: " and ") + "."
        let text = Self.coffee + " " + long
        let result = try TextSummarizer.summarize(text, maxSentences: 2, maxKeyPoints: 3)
        #expect(result.keyPoints.count == 3)
        for point in result.keyPoints {
            #expect(TextTokenizer.words(in: point).count <= TextSummarizer.keyPointWords)
            #expect(!point.hasSuffix("."))
            #expect(point.first?.isLowercase != true)
        }
        let shortened = try #require(result.keyPoints.first { $0.hasSuffix("\u{2026}") })
        #expect(shortened.hasPrefix("Coffee farmers depend"))  // "However," removed, capitalized
        #expect(try TextSummarizer.summarize(text, maxKeyPoints: 0).keyPoints.isEmpty)
    }

    @Test func shortDocumentsAreReturnedWhole() throws {
        let result = try TextSummarizer.summarize("First point here. Second point there.", maxSentences: 5)
        #expect(result.summary == "First point here. Second point there.")
        #expect(result.compressionRatio == 1)
        #expect(try TextSummarizer.summarize("Just one line without a period", maxSentences: 3).summary == "Just one line without a period")
    }

    @Test func emptyAndWordlessInput() throws {
        for text in ["", "   ", "!!! ... ???", "😀🎉"] {
            let result = try TextSummarizer.summarize(text)
            #expect(result.summary.isEmpty)
            #expect(result.keyPoints.isEmpty)
            #expect(result.originalWordCount == 0)
            #expect(result.compressionRatio == 0)
        }
    }

    @Test func cjkSummaryIsJoinedWithoutSpaces() throws {
        let text = "咖啡价格下跌了。咖啡农民的收入减少了，咖啡价格影响很多咖啡农民。今天下雨。我的猫很可爱。咖啡价格和咖啡农民的生活密切相关。"
        let result = try TextSummarizer.summarize(text, maxSentences: 2)
        #expect(result.language == "zh")
        #expect(!result.summary.contains(" "))
        #expect(!result.summary.contains("我的猫很可爱"))
        #expect(!result.summary.contains("今天下雨"))
    }

    @Test func summarizesOtherLanguagesWithTheirStopwords() throws {
        let text = """
            Mein Nachbar hat einen roten Hund. Die Solaranlage auf dem Dach erzeugt Strom, und die Solaranlage spart \
            jedes Jahr viel Geld. Gestern war das Wetter schlecht. Eine Solaranlage erzeugt auch im Winter noch Strom.
            """
        let result = try TextSummarizer.summarize(text, maxSentences: 2)
        #expect(result.language == "de")
        #expect(result.sentenceIndices == [1, 3])
    }

    @Test func validatesParameters() {
        #expect(throws: TextAnalysisError.self) { try TextSummarizer.summarize("Text.", maxSentences: 0) }
        #expect(throws: TextAnalysisError.self) { try TextSummarizer.summarize("Text.", maxSentences: 101) }
        #expect(throws: TextAnalysisError.self) { try TextSummarizer.summarize("Text.", maxWords: 0) }
        #expect(throws: TextAnalysisError.self) { try TextSummarizer.summarize("Text.", maxKeyPoints: 21) }
        #expect(throws: TextAnalysisError.self) {
            try TextSummarizer.summarize(String(repeating: "Word. ", count: 40_000))
        }
    }

    @Test func nastyInputsDoNotCrash() throws {
        for text in TextFixtures.nastyInputs {
            let result = try TextSummarizer.summarize(text, maxSentences: 2, maxWords: 50)
            #expect(result.sentences.count <= 2)
            #expect(result.summaryWordCount <= 50)
            #expect((0...1).contains(result.compressionRatio))
            #expect(result.sentenceIndices == result.sentenceIndices.sorted())
        }
    }
}
