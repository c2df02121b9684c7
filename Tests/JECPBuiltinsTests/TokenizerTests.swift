import Testing
@testable import JECPBuiltins

/// Inputs every text API must survive (no crash, sane invariants).
enum TextFixtures {
    static let nastyInputs: [String] = [
        "", " ", "\n\n\n", "\r\n\r\n", "\t", ".", "...", "!?!?", "?", "''''", "----", "- - -", "1.", "1. 2. 3.",
        "😀", "👨‍👩‍👧‍👦🏳️‍🌈👍🏽", "😀 😀. 🎉! 👍🏽?", "e\u{301}\u{302}\u{303}\u{304}", "\u{301}", "\u{200F}\u{200E}\u{202E}\u{FEFF}\u{200B}",
        "مرحبا بالعالم. كيف حالك؟", "שלום עולם! מה שלומך?", "\u{202B}שלום\u{202C} hello \u{202E}olleh",
        "Hello мир 世界 مرحبا 🌍 नमस्ते 안녕", "a\u{0}b\u{0}", "\u{0}", "ـــــ", "Mr. Dr. e.g. U.S. etc.", "3.14.15.92",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝔱𝔢𝔵𝔱", "ﬁnance ﬂow", "İstanbul IŞIK ığdır", "ǅemal", "ひらがなだけのぶんしょう",
        "Z̸̢̛̗͈̗a̴̛̹͓l̵̰̈́g̷̜̈o̶̰͝ t̷̰̂e̵̢͝x̶̣̊t̸͈̄", String(repeating: "!", count: 5_000),
        String(repeating: "word ", count: 2_000), String(repeating: "。", count: 500), "\"\"\"(((]]]}}}",
        "A.B.C.D.E.F.G.", "e.g.", "....a....", "…", "x", "X. Y. Z.",
    ]
}

@Suite("Text analysis: tokenizer")
struct TokenizerTests {
    private func sentences(_ text: String) -> [String] {
        TextTokenizer.sentences(in: text).map(\.text)
    }

    // MARK: Sentences

    @Test func splitsSimpleSentences() {
        #expect(sentences("One. Two! Three? Four") == ["One.", "Two!", "Three?", "Four"])
        #expect(sentences("  Leading and trailing space.  ") == ["Leading and trailing space."])
    }

    @Test func keepsAbbreviationsInsideSentences() {
        #expect(sentences("Dr. Smith went to Washington. He arrived late.") == ["Dr. Smith went to Washington.", "He arrived late."])
        #expect(sentences("It was e.g. a good year. Prices rose.") == ["It was e.g. a good year.", "Prices rose."])
        #expect(sentences("Mrs. Jones and Prof. Lee met i.e. they talked.") == ["Mrs. Jones and Prof. Lee met i.e. they talked."])
        #expect(sentences("See Fig. 3 and No. 5 for details. Done.") == ["See Fig. 3 and No. 5 for details.", "Done."])
        #expect(sentences("J. R. R. Tolkien wrote books. They sold well.") == ["J. R. R. Tolkien wrote books.", "They sold well."])
    }

    @Test func dottedAcronymsBreakOnlyBeforeSentenceStarters() {
        #expect(sentences("The U.S. Army agreed. Then it rained.") == ["The U.S. Army agreed.", "Then it rained."])
        #expect(sentences("He moved to the U.S. The weather was cold.") == ["He moved to the U.S.", "The weather was cold."])
        #expect(sentences("She works for Apple Inc. in California.") == ["She works for Apple Inc. in California."])
    }

    @Test func decimalsUrlsAndNumbersDoNotSplit() {
        #expect(sentences("Pi is 3.14 roughly. Visit example.com today.") == ["Pi is 3.14 roughly.", "Visit example.com today."])
        #expect(sentences("It costs $1,000.50 now. Really.") == ["It costs $1,000.50 now.", "Really."])
        #expect(sentences("It grew in 2020. 2021 was better.") == ["It grew in 2020.", "2021 was better."])
    }

    @Test func ellipsesAndTerminatorRuns() {
        #expect(sentences("Wait... What?! No way… Fine.") == ["Wait...", "What?!", "No way…", "Fine."])
        #expect(sentences("I don't know... maybe tomorrow.") == ["I don't know... maybe tomorrow."])
        #expect(sentences("\"Stop!\" she cried. \"Go.\" He left.") == ["\"Stop!\" she cried.", "\"Go.\"", "He left."])
        #expect(sentences("(It was late.) We slept.") == ["(It was late.)", "We slept."])
    }

    @Test func cjkAndOtherScriptTerminators() {
        #expect(sentences("今日は晴れです。明日は雨でしょう！本当ですか？はい。") == ["今日は晴れです。", "明日は雨でしょう！", "本当ですか？", "はい。"])
        #expect(sentences("他说：「好。」我们走吧。") == ["他说：「好。」", "我们走吧。"])
        #expect(sentences("مرحبا بكم. كيف حالك؟ أنا بخير.") == ["مرحبا بكم.", "كيف حالك؟", "أنا بخير."])
        #expect(sentences("यह एक वाक्य है। यह दूसरा है।") == ["यह एक वाक्य है।", "यह दूसरा है।"])
        #expect(sentences("Այսօր եղանակը գեղեցիկ էր։ Մենք զբոսնեցինք։") == ["Այսօր եղանակը գեղեցիկ էր։", "Մենք զբոսնեցինք։"])
        // Georgian letters are lowercase in Unicode but the script is uncased: still a new sentence.
        #expect(sentences("დღეს ამინდი ლამაზი იყო. საღამოს ვისეირნეთ.") == ["დღეს ამინდი ლამაზი იყო.", "საღამოს ვისეირნეთ."])
    }

    @Test func paragraphBreaksAndListsEndSentences() {
        let text = "Heading without period\n\nFirst sentence. Second one\n- bullet one\n- bullet two\n1. first item\n2. second item"
        #expect(sentences(text) == ["Heading without period", "First sentence.", "Second one", "- bullet one", "- bullet two", "1. first item", "2. second item"])
        #expect(sentences("Line one\ncontinues here.") == ["Line one\ncontinues here."])
    }

    @Test func sentenceRangesPointIntoTheSource() {
        let text = "  Hello there. 😀 General Kenobi!  "
        let chars = Array(text)
        let found = TextTokenizer.sentences(in: text)
        #expect(found.count == 2)
        for s in found {
            #expect(String(chars[s.characterRange]) == s.text)
        }
        #expect(found.map(\.index) == [0, 1])
    }

    @Test func dropsSegmentsWithoutWords() {
        #expect(sentences("... !!! 😀 ??? —").isEmpty)
        #expect(sentences("Real sentence. ... 🎉 !!! Another one.") == ["Real sentence.", "Another one."])
    }

    // MARK: Words

    @Test func tokenizesWordsNumbersAndIdeographs() {
        let tokens = TextTokenizer.words(in: "Don't stop state-of-the-art 3.14 1,000 x-ray 2020-2021 'quoted' 東京タワー 😀 naïve")
        #expect(tokens.map(\.text) == ["Don't", "stop", "state-of-the-art", "3.14", "1,000", "x-ray", "2020-2021", "quoted",
                                       "東", "京", "タ", "ワ", "ー", "naïve"])
        #expect(tokens.first { $0.text == "3.14" }?.kind == .number)
        #expect(tokens.first { $0.text == "1,000" }?.kind == .number)
        #expect(tokens.first { $0.text == "東" }?.kind == .ideograph)
        #expect(tokens.first { $0.text == "x-ray" }?.kind == .word)
    }

    @Test func wordsInOtherScripts() {
        #expect(TextTokenizer.words(in: "שָׁלוֹם עולם").map(\.text) == ["שָׁלוֹם", "עולם"])
        #expect(TextTokenizer.words(in: "हिन्दी भाषा").map(\.text) == ["हिन्दी", "भाषा"])
        #expect(TextTokenizer.words(in: "Привет, мир!").map(\.text) == ["Привет", "мир"])
        #expect(TextTokenizer.words(in: "한국어 문장입니다").map(\.text) == ["한국어", "문장입니다"])
        // Decomposed accents stay inside the word; emoji and RTL marks are not words.
        #expect(TextTokenizer.words(in: "cafe\u{301} \u{200F}👍🏽 ok").map(\.text) == ["cafe\u{301}", "ok"])
    }

    @Test func characterRangesPointIntoTheSource() {
        let text = "Wörter 😀 und 東京, 3.5!"
        let chars = Array(text)
        for token in TextTokenizer.words(in: text) {
            #expect(String(chars[token.characterRange]) == token.text)
        }
    }

    @Test func paragraphs() {
        #expect(TextTokenizer.paragraphs(in: "One\ntwo\n\n\nThree\n   \nFour").count == 3)
        #expect(TextTokenizer.paragraphs(in: "\n\n  \n").isEmpty)
        #expect(TextTokenizer.paragraphs(in: "Windows\r\n\r\nline endings").count == 2)
    }

    // MARK: Syllables

    /// Dictionary syllable counts (Merriam-Webster hyphenation) for words that exercise the rules.
    static let syllableCases: [(String, Int)] = [
        ("the", 1), ("cat", 1), ("table", 2), ("simple", 2), ("make", 1), ("makes", 1), ("boxes", 2), ("places", 2),
        ("jumped", 1), ("wanted", 2), ("played", 1), ("studied", 2), ("agreed", 2), ("happy", 2), ("beyond", 2),
        ("player", 2), ("flying", 2), ("going", 2), ("trying", 2), ("studying", 3), ("nation", 2), ("ratio", 3),
        ("precious", 2), ("various", 3), ("media", 3), ("social", 2), ("actual", 3), ("video", 3), ("people", 2),
        ("lately", 2), ("completely", 3), ("careful", 2), ("carefully", 3), ("statement", 2), ("management", 3),
        ("value", 2), ("unique", 2), ("true", 1), ("tables", 2), ("troubled", 2), ("readability", 5), ("syllable", 3),
        ("estimation", 4), ("important", 3), ("information", 4), ("beautiful", 3), ("every", 2), ("business", 2),
        ("computer", 3), ("university", 5), ("education", 4), ("responsibility", 6), ("average", 3), ("sentence", 2),
        ("sentences", 3), ("language", 2), ("languages", 3), ("energy", 3), ("electricity", 5), ("renewable", 4),
        ("sunlight", 2), ("panels", 2), ("solar", 2), ("installation", 4), ("efficient", 3), ("reduces", 3),
        ("quickly", 2), ("themselves", 2), ("something", 2), ("area", 3), ("idea", 3), ("create", 2), ("tourism", 3),
        ("continuous", 4), ("courteous", 3), ("gorgeous", 2), ("earlier", 3), ("didn't", 2), ("couldn't", 2),
        ("fire", 1), ("hour", 1), ("poem", 2), ("quiet", 2), ("science", 2), ("being", 2), ("doing", 2), ("seeing", 2),
        ("really", 2), ("while", 1), ("there", 1), ("whole", 1), ("one", 1), ("done", 1), ("come", 1), ("before", 2),
        ("because", 2), ("little", 2), ("middle", 2), ("able", 2), ("castle", 2), ("scale", 1), ("smile", 1),
        ("style", 1), ("hoped", 1), ("hoping", 2), ("named", 1), ("needed", 2), ("used", 1), ("uses", 2),
        ("changed", 1), ("changes", 2), ("bridges", 2), ("pages", 2), ("rates", 1), ("notes", 1), ("lives", 1),
        ("houses", 2), ("roses", 2), ("faces", 2), ("prices", 2), ("happily", 3), ("wooden", 2), ("watched", 1),
        ("village", 2), ("children", 2), ("parents", 2), ("morning", 2), ("lazy", 2), ("over", 2), ("their", 1),
    ]

    @Test func englishSyllableEstimates() {
        var wrong: [String] = []
        for (word, expected) in Self.syllableCases where TextTokenizer.syllables(in: word) != expected {
            wrong.append("\(word): \(TextTokenizer.syllables(in: word)) ≠ \(expected)")
        }
        #expect(wrong.isEmpty, "\(wrong)")
    }

    @Test func syllablesOfOddTokens() {
        #expect(TextTokenizer.syllables(in: "") == 0)
        #expect(TextTokenizer.syllables(in: "Table") == 2)  // case-insensitive
        #expect(TextTokenizer.syllables(in: "x-ray") == 2)  // hyphenated parts add up
        #expect(TextTokenizer.syllables(in: "2024") == 4)
        #expect(TextTokenizer.syllables(in: "東") == 1)
        #expect(TextTokenizer.syllables(in: "молоко") == 3)
        #expect(TextTokenizer.syllables(in: "crème") == 1)
        #expect(TextTokenizer.syllables(in: String(repeating: "ab", count: 5_000)) == 5_000)
    }

    // MARK: Limits and robustness

    @Test func lengthLimit() throws {
        try TextLimits.validate(String(repeating: "é", count: TextLimits.maxCharacters))  // 2 UTF-8 bytes each, still fine
        #expect(throws: TextAnalysisError.self) { try TextLimits.validate(String(repeating: "é", count: TextLimits.maxCharacters + 1)) }
        let error = TextAnalysisError.textTooLong(characters: 200_001, limit: 200_000)
        #expect(error.description.contains("200001") && error.description.contains("200000"))
    }

    @Test func nastyInputsDoNotCrash() {
        for text in TextFixtures.nastyInputs {
            let chars = Array(text)
            for s in TextTokenizer.sentences(in: text) {
                #expect(!s.text.isEmpty)
                #expect(String(chars[s.characterRange]) == s.text)
            }
            for token in TextTokenizer.words(in: text) {
                #expect(!token.text.isEmpty)
                #expect(TextTokenizer.syllables(in: token.text) >= 1)
            }
            _ = TextTokenizer.paragraphs(in: text)
        }
    }
}
