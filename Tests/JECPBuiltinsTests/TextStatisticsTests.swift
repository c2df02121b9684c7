import Testing
@testable import JECPBuiltins

@Suite("Text analysis: statistics and readability")
struct TextStatisticsTests {
    /// Known passage: 4 sentences, 34 words, 50 syllables, 163 letters, 3 words of ≥ 3 syllables
    /// (happily, carefully, beautiful — all "complex" for Gunning fog as well).
    ///
    /// Syllables per word are dictionary counts (Merriam-Webster hyphenation):
    ///   The 1 quick 1 brown 1 fox 1 jumps 1 over 2 the 1 lazy 2 dog 1                    → 9 words, 11
    ///   It 1 was 1 a 1 sunny 2 morning 2 in 1 the 1 quiet 2 village 2                     → 9 words, 13
    ///   Children 2 played 1 happily 3 near 1 the 1 old 1 wooden 2 bridge 1                → 8 words, 12
    ///   Their 1 parents 2 watched 1 carefully 3 from 1 the 1 beautiful 3 garden 2         → 8 words, 14
    /// Expected values computed with this Python script using the published formulas:
    ///   W, S, Syl, L, P = 34, 4, 50, 163, 3
    ///   fre  = 206.835 - 1.015*W/S - 84.6*Syl/W            # 73.7957
    ///   fk   = 0.39*W/S + 11.8*Syl/W - 15.59               # 5.0779
    ///   fog  = 0.4*(W/S + 100*P/W)                         # 6.9294
    ///   smog = 1.0430*math.sqrt(P*30/S) + 3.1291           # 8.0765
    ///   cli  = 0.0588*(L/W*100) - 0.296*(S/W*100) - 15.8   # 8.9071
    ///   ari  = 4.71*L/W + 0.5*W/S - 21.43                  # 5.4003
    static let passage = """
        The quick brown fox jumps over the lazy dog. It was a sunny morning in the quiet village. \
        Children played happily near the old wooden bridge. Their parents watched carefully from the beautiful garden.
        """

    private func close(_ value: Double?, _ expected: Double, tolerance: Double = 0.001) -> Bool {
        guard let value else { return false }
        return abs(value - expected) <= tolerance
    }

    @Test func countsOfTheKnownPassage() throws {
        let stats = try TextStatistics.analyze(Self.passage)
        #expect(stats.words == 34)
        #expect(stats.sentences == 4)
        #expect(stats.paragraphs == 1)
        #expect(stats.syllables == 50)
        #expect(stats.letters == 163)
        #expect(stats.polysyllabicWords == 3)
        #expect(stats.complexWords == 3)
        #expect(stats.characters == Self.passage.count)
        #expect(stats.charactersExcludingSpaces == Self.passage.count - 33)  // 33 spaces between 34 words
        #expect(stats.uniqueWords == 30)  // "the" ×5 (case-insensitive) → 4 repeats
        #expect(close(stats.averageSentenceLength, 8.5))
        #expect(close(stats.averageSyllablesPerWord, 50.0 / 34))
        #expect(close(stats.averageWordLength, 163.0 / 34))
        #expect(close(stats.lexicalDiversity, 30.0 / 34))
    }

    @Test func readabilityOfTheKnownPassageMatchesPublishedFormulas() throws {
        let stats = try TextStatistics.analyze(Self.passage)
        #expect(close(stats.fleschReadingEase, 73.7957))
        #expect(close(stats.fleschKincaidGrade, 5.0779))
        #expect(close(stats.gunningFog, 6.9294))
        #expect(close(stats.smogIndex, 8.0765))
        #expect(close(stats.colemanLiauIndex, 8.9071))
        #expect(close(stats.automatedReadabilityIndex, 5.4003))
    }

    @Test func textbookFleschExample() throws {
        // "The cat sat on the mat." — 6 one-syllable words, 1 sentence:
        // FRE = 206.835 − 1.015·6 − 84.6·1 = 116.145; FKGL = 0.39·6 + 11.8·1 − 15.59 = −1.45.
        let stats = try TextStatistics.analyze("The cat sat on the mat.")
        #expect(close(stats.fleschReadingEase, 116.145))
        #expect(close(stats.fleschKincaidGrade, -1.45))
        #expect(stats.smogIndex == nil)  // fewer than 3 sentences
    }

    @Test func harderTextScoresAsHarder() throws {
        let easy = try TextStatistics.analyze(Self.passage)
        let hard = try TextStatistics.analyze("""
            Institutional accountability necessitates comprehensive documentation of organizational decision-making \
            processes, particularly regarding the allocation of discretionary resources. Consequently, administrative \
            transparency constitutes an indispensable prerequisite for democratic legitimacy.
            """)
        #expect(try #require(hard.fleschReadingEase) < (easy.fleschReadingEase ?? 0) - 40)
        #expect(try #require(hard.fleschKincaidGrade) > (easy.fleschKincaidGrade ?? 0) + 8)
        #expect(try #require(hard.gunningFog) > (easy.gunningFog ?? 0) + 8)
        #expect(hard.smogIndex == nil)
    }

    @Test func gunningFogExclusions() {
        #expect(TextStatistics.isComplex("beautiful", syllables: 3, sentenceInitial: false))
        #expect(!TextStatistics.isComplex("Washington", syllables: 3, sentenceInitial: false))  // proper noun
        #expect(TextStatistics.isComplex("Beautiful", syllables: 3, sentenceInitial: true))  // capitalized only by position
        #expect(!TextStatistics.isComplex("well-known-ish", syllables: 3, sentenceInitial: false))  // hyphenated
        #expect(!TextStatistics.isComplex("created", syllables: 3, sentenceInitial: false))  // -ed adds the 3rd syllable
        #expect(!TextStatistics.isComplex("beginning", syllables: 3, sentenceInitial: false))  // -ing adds the 3rd syllable
        #expect(TextStatistics.isComplex("interesting", syllables: 4, sentenceInitial: false))
    }

    @Test func readingAndSpeakingTime() throws {
        let text = Array(repeating: "word", count: 238).joined(separator: " ") + "."
        let stats = try TextStatistics.analyze(text)
        #expect(stats.words == 238)
        #expect(close(stats.readingTimeSeconds, 60))
        #expect(close(stats.speakingTimeSeconds, 238.0 / 150 * 60))
        #expect(close(stats.lexicalDiversity, 1.0 / 238))
    }

    @Test func smogNeedsThreeSentences() throws {
        #expect(try TextStatistics.analyze("One sentence here. Two sentences here.").smogIndex == nil)
        #expect(try TextStatistics.analyze("One sentence here. Two sentences here. Three sentences.").smogIndex != nil)
    }

    @Test func charactersParagraphsAndEmoji() throws {
        // 👍🏽 (one grapheme of two scalars) + " ok" + "\n\n" = 6, "Second paragraph." = 17, "\n \n" = 3, "Third 😀" = 7.
        let stats = try TextStatistics.analyze("👍🏽 ok\n\nSecond paragraph.\n \nThird 😀")
        #expect(stats.characters == 33)
        #expect(stats.charactersExcludingSpaces == 25)
        #expect(stats.paragraphs == 3)
        #expect(stats.words == 4)
        #expect(stats.sentences == 3)
    }

    @Test func emptyTextHasZerosAndNoScores() throws {
        for text in ["", "   \n ", "!!! ... ???", "😀🎉"] {
            let stats = try TextStatistics.analyze(text)
            #expect(stats.words == 0)
            #expect(stats.sentences == 0)
            #expect(stats.syllables == 0)
            #expect(stats.fleschReadingEase == nil)
            #expect(stats.fleschKincaidGrade == nil)
            #expect(stats.gunningFog == nil)
            #expect(stats.smogIndex == nil)
            #expect(stats.colemanLiauIndex == nil)
            #expect(stats.automatedReadabilityIndex == nil)
            #expect(stats.readingTimeSeconds == 0)
            #expect(stats.lexicalDiversity == 0)
            #expect(stats.averageWordLength == 0)
        }
    }

    @Test func nonEnglishTextIsCountedToo() throws {
        let stats = try TextStatistics.analyze("今日は晴れです。明日は雨でしょう。")
        #expect(stats.sentences == 2)
        #expect(stats.words == 15)  // one token per Han/Kana character: 7 + 8
        let russian = try TextStatistics.analyze("Молоко очень вкусное. Я люблю молоко.")
        #expect(russian.words == 6)
        #expect(russian.uniqueWords == 5)  // "Молоко"/"молоко" counted once
        #expect(russian.syllables == 3 + 2 + 3 + 1 + 2 + 3)
    }

    @Test func rejectsOverlongText() {
        #expect(throws: TextAnalysisError.textTooLong(characters: 200_005, limit: 200_000)) {
            try TextStatistics.analyze(String(repeating: "abcde", count: 40_001))
        }
    }

    @Test func nastyInputsDoNotCrash() throws {
        for text in TextFixtures.nastyInputs {
            let stats = try TextStatistics.analyze(text)
            #expect(stats.words >= 0 && stats.sentences <= max(stats.words, 0))
            #expect(stats.characters == text.count)
            #expect((0...1).contains(stats.lexicalDiversity))
            for value in [stats.fleschReadingEase, stats.fleschKincaidGrade, stats.gunningFog, stats.colemanLiauIndex,
                          stats.automatedReadabilityIndex, stats.smogIndex] {
                #expect(value.map(\.isFinite) ?? true)
            }
        }
    }
}
