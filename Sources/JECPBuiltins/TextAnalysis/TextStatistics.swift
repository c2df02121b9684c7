import Foundation

// Counts and classic English readability formulas. Words, sentences and syllables come from
// `TextTokenizer`; the formulas are the published ones:
//   Flesch Reading Ease   206.835 − 1.015·(W/S) − 84.6·(Syl/W)
//   Flesch–Kincaid grade  0.39·(W/S) + 11.8·(Syl/W) − 15.59
//   Gunning fog           0.4·((W/S) + 100·(Complex/W))
//   SMOG                  1.0430·√(Poly·30/S) + 3.1291            (only with ≥ 3 sentences)
//   Coleman–Liau          0.0588·L − 0.296·S100 − 15.8            (L = letters/100 words, S100 = sentences/100 words)
//   ARI                   4.71·(Chars/W) + 0.5·(W/S) − 21.43
// where Poly = words of ≥ 3 syllables and Complex = Poly minus proper nouns, hyphenated words
// and words that only reach 3 syllables through an -es/-ed/-ing ending (Gunning's rules).
// Letters/Chars count letters and digits inside words. The formulas are designed for English;
// for other languages they are computed the same way and are only indicative.

struct TextStatistics: Equatable, Sendable {
    /// Characters (extended grapheme clusters, so an emoji counts once).
    let characters: Int
    let charactersExcludingSpaces: Int
    /// Letters and digits inside words.
    let letters: Int
    let words: Int
    /// Distinct words, case-insensitive.
    let uniqueWords: Int
    let sentences: Int
    let paragraphs: Int
    let syllables: Int
    /// Words with three or more syllables.
    let polysyllabicWords: Int
    /// Gunning fog "complex" words (see above).
    let complexWords: Int
    /// Letters per word.
    let averageWordLength: Double
    /// Words per sentence.
    let averageSentenceLength: Double
    let averageSyllablesPerWord: Double
    /// nil when the text has no words.
    let fleschReadingEase: Double?
    let fleschKincaidGrade: Double?
    let gunningFog: Double?
    /// nil with fewer than 3 sentences.
    let smogIndex: Double?
    let colemanLiauIndex: Double?
    let automatedReadabilityIndex: Double?
    /// At 238 words per minute.
    let readingTimeSeconds: Double
    /// At 150 words per minute.
    let speakingTimeSeconds: Double
    /// Type/token ratio: uniqueWords / words (0 without words).
    let lexicalDiversity: Double

    static let readingWordsPerMinute = 238.0
    static let speakingWordsPerMinute = 150.0

    static func analyze(_ text: String) throws(TextAnalysisError) -> TextStatistics {
        try TextLimits.validate(text)
        let chars = Array(text)
        let sentences = TextTokenizer.sentences(in: chars)

        var words = 0
        var letters = 0
        var syllables = 0
        var polysyllabic = 0
        var complex = 0
        var unique = Set<String>()
        var syllableCache: [String: Int] = [:]
        for sentence in sentences {
            for (position, token) in TextTokenizer.words(in: sentence.text).enumerated() {
                words += 1
                letters += token.text.filter { $0.isLetter || $0.isNumber }.count
                unique.insert(token.lowercased)
                let count: Int
                if let cached = syllableCache[token.text] {
                    count = cached
                } else {
                    count = TextTokenizer.syllables(in: token.text)
                    syllableCache[token.text] = count
                }
                syllables += count
                guard count >= 3, token.kind == .word else { continue }
                polysyllabic += 1
                if isComplex(token.text, syllables: count, sentenceInitial: position == 0) { complex += 1 }
            }
        }

        let characters = chars.count
        let nonSpace = chars.filter { !$0.isWhitespace }.count
        let paragraphs = TextTokenizer.paragraphs(in: text).count
        let w = Double(words)
        let s = Double(max(sentences.count, 1))
        let hasWords = words > 0
        let wordsPerSentence = hasWords ? w / s : 0
        let syllablesPerWord = hasWords ? Double(syllables) / w : 0
        let lettersPerWord = hasWords ? Double(letters) / w : 0

        func ifWords(_ value: @autoclosure () -> Double) -> Double? { hasWords ? value() : nil }
        return TextStatistics(
            characters: characters,
            charactersExcludingSpaces: nonSpace,
            letters: letters,
            words: words,
            uniqueWords: unique.count,
            sentences: sentences.count,
            paragraphs: paragraphs,
            syllables: syllables,
            polysyllabicWords: polysyllabic,
            complexWords: complex,
            averageWordLength: lettersPerWord,
            averageSentenceLength: wordsPerSentence,
            averageSyllablesPerWord: syllablesPerWord,
            fleschReadingEase: ifWords(206.835 - 1.015 * wordsPerSentence - 84.6 * syllablesPerWord),
            fleschKincaidGrade: ifWords(0.39 * wordsPerSentence + 11.8 * syllablesPerWord - 15.59),
            gunningFog: ifWords(0.4 * (wordsPerSentence + 100 * Double(complex) / w)),
            smogIndex: sentences.count >= 3 ? 1.0430 * (Double(polysyllabic) * 30 / s).squareRoot() + 3.1291 : nil,
            colemanLiauIndex: ifWords(0.0588 * (Double(letters) / w * 100) - 0.296 * (s / w * 100) - 15.8),
            automatedReadabilityIndex: ifWords(4.71 * lettersPerWord + 0.5 * wordsPerSentence - 21.43),
            readingTimeSeconds: w / readingWordsPerMinute * 60,
            speakingTimeSeconds: w / speakingWordsPerMinute * 60,
            lexicalDiversity: hasWords ? Double(unique.count) / w : 0
        )
    }

    /// Gunning's "complex word": ≥ 3 syllables, but not a proper noun (capitalized mid-sentence),
    /// not hyphenated, and not reaching 3 syllables only through an -es/-ed/-ing ending.
    static func isComplex(_ word: String, syllables: Int, sentenceInitial: Bool) -> Bool {
        guard syllables >= 3 else { return false }
        if word.contains("-") || word.contains("\u{2010}") { return false }
        if !sentenceInitial, word.first?.isUppercase == true { return false }
        let lower = word.lowercased()
        var stemSyllables = syllables
        if lower.hasSuffix("ing"), lower.count > 5 {
            stemSyllables = TextTokenizer.syllables(in: String(lower.dropLast(3)))
        } else if lower.hasSuffix("ed") || lower.hasSuffix("es"), lower.count > 4 {
            // "created" → "create", "processes" → "processe": does the ending add a syllable?
            stemSyllables = TextTokenizer.syllables(in: String(lower.dropLast()))
        }
        return stemSyllables >= 3
    }
}
