import Foundation

// Extractive summarization: sentences are scored by cosine similarity to the document's
// TF-IDF centroid (stopwords removed, light stemming), adjusted for position and length,
// then picked greedily with Maximal Marginal Relevance so near-duplicates are not chosen
// twice. The summary keeps the selected sentences in their original order.

/// Result of `TextSummarizer.summarize(_:)`.
struct TextSummary: Equatable, Sendable {
    /// Selected sentences joined in original order.
    let summary: String
    /// The selected sentences, in original order.
    let sentences: [String]
    /// Indices (into the document's sentences) of `sentences`.
    let sentenceIndices: [Int]
    /// The highest ranked sentences (best first), shortened for use as bullet points.
    let keyPoints: [String]
    let originalWordCount: Int
    let summaryWordCount: Int
    /// `summaryWordCount / originalWordCount` (0 for an empty document).
    let compressionRatio: Double
    /// Number of sentences found in the document.
    let totalSentences: Int
    /// Language whose stopwords were used ("und" when unknown).
    let language: String
}

enum TextSummarizer {
    static let maxSentencesRange = 1...100
    static let maxWordsRange = 1...20_000
    static let maxKeyPointsRange = 0...20
    /// Weight of relevance versus novelty in Maximal Marginal Relevance.
    static let mmrLambda = 0.7
    /// Longest key point, in words.
    static let keyPointWords = 25
    /// Sentences considered by MMR (the most relevant ones).
    static let mmrPoolSize = 150

    /// Summarizes `text`.
    /// - Parameters:
    ///   - maxSentences: at most this many sentences (1...100).
    ///   - maxWords: optional word budget (1...20,000); sentences that do not fit are skipped, and
    ///     if even the best sentence does not fit it is cut to the budget and ends with "…".
    ///   - maxKeyPoints: number of key points (0...20).
    ///   - language: ISO code whose stopwords to use; detected when nil.
    static func summarize(_ text: String, maxSentences: Int = 3, maxWords: Int? = nil, maxKeyPoints: Int = 5,
                          language: String? = nil) throws(TextAnalysisError) -> TextSummary {
        try TextLimits.validate(text)
        guard maxSentencesRange.contains(maxSentences) else {
            throw .invalidParameter(name: "maxSentences", reason: "must be in \(maxSentencesRange.lowerBound)...\(maxSentencesRange.upperBound)")
        }
        if let maxWords, !maxWordsRange.contains(maxWords) {
            throw .invalidParameter(name: "maxWords", reason: "must be in \(maxWordsRange.lowerBound)...\(maxWordsRange.upperBound)")
        }
        guard maxKeyPointsRange.contains(maxKeyPoints) else {
            throw .invalidParameter(name: "maxKeyPoints", reason: "must be in \(maxKeyPointsRange.lowerBound)...\(maxKeyPointsRange.upperBound)")
        }

        let chars = Array(text)
        let lang = language?.lowercased() ?? LanguageDetector.detectUnchecked(text).language
        let sentences = TextTokenizer.sentences(in: chars)
        let sentenceTokens = sentences.map { TextTokenizer.words(in: $0.text) }
        let wordCounts = sentenceTokens.map(\.count)
        let originalWordCount = TextTokenizer.words(in: chars).count
        guard !sentences.isEmpty else {
            return TextSummary(summary: "", sentences: [], sentenceIndices: [], keyPoints: [], originalWordCount: originalWordCount,
                               summaryWordCount: 0, compressionRatio: 0, totalSentences: 0, language: lang)
        }

        let ranking = rank(sentenceTokens: sentenceTokens, language: lang)

        // Fill the summary in ranking order, honoring the sentence and word budgets.
        var chosen: [Int] = []
        var used = 0
        for index in ranking where chosen.count < maxSentences {
            if let maxWords, used + wordCounts[index] > maxWords { continue }
            chosen.append(index)
            used += wordCounts[index]
        }
        var selectedTexts: [String]
        if chosen.isEmpty, let maxWords, let best = ranking.first {
            chosen = [best]
            selectedTexts = [truncate(sentences[best].text, words: maxWords, tokens: sentenceTokens[best])]
            used = min(maxWords, wordCounts[best])
        } else {
            chosen.sort()
            selectedTexts = chosen.map { sentences[$0].text }
        }
        let keyPoints = ranking.prefix(maxKeyPoints).map { keyPoint(sentences[$0].text, tokens: sentenceTokens[$0]) }
        let ratio = originalWordCount > 0 ? Double(used) / Double(originalWordCount) : 0
        return TextSummary(summary: join(selectedTexts), sentences: selectedTexts, sentenceIndices: chosen,
                           keyPoints: keyPoints, originalWordCount: originalWordCount, summaryWordCount: used,
                           compressionRatio: min(ratio, 1), totalSentences: sentences.count, language: lang)
    }

    // MARK: Scoring

    /// Sentence indices, best first (all sentences are ranked).
    static func rank(sentenceTokens: [[WordToken]], language: String) -> [Int] {
        let stopwords = LanguageDetector.stopwords(for: language)
        let vectors = sentenceTokens.map { termCounts($0, stopwords: stopwords, language: language) }
        let n = vectors.count
        guard n > 1 else { return Array(0..<n) }

        // Document frequency (in sentences) and total term frequency.
        var df: [String: Int] = [:]
        var tf: [String: Int] = [:]
        for v in vectors {
            for (term, count) in v {
                df[term, default: 0] += 1
                tf[term, default: 0] += count
            }
        }
        func idf(_ term: String) -> Double { log(1 + Double(n) / Double(df[term] ?? 1)) }
        // Centroid: document term frequency × idf, so recurring topic terms dominate.
        var centroid: [String: Double] = [:]
        for (term, count) in tf where count > 1 || n < 4 {
            centroid[term] = Double(count) * idf(term)
        }
        let weighted: [[String: Double]] = vectors.map { v in
            var w: [String: Double] = [:]
            for (term, count) in v { w[term] = (1 + log(Double(count))) * idf(term) }
            return w
        }

        var scores = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var score = cosine(weighted[i], centroid)
            // Position: documents tend to state their topic early (small bonus only).
            if i == 0 { score += 0.05 } else if i == 1 { score += 0.02 }
            // Length: fragments and run-on sentences make poor summaries.
            let words = sentenceTokens[i].count
            if words < 5 { score *= 0.6 } else if words > 45 { score *= 0.85 }
            if vectors[i].isEmpty { score = 0 }
            scores[i] = score
        }
        let top = scores.max() ?? 0
        let relevance = top > 0 ? scores.map { $0 / top } : scores

        // Maximal Marginal Relevance over the most relevant sentences (bounded pool keeps this
        // cheap on long documents); the rest follow by relevance.
        let byRelevance = (0..<n).sorted { relevance[$0] != relevance[$1] ? relevance[$0] > relevance[$1] : $0 < $1 }
        let pool = Array(byRelevance.prefix(mmrPoolSize))
        var remaining = pool
        var order: [Int] = []
        var maxSimilarity = [Int: Double]()
        while !remaining.isEmpty {
            var bestPosition = 0
            var bestValue = -Double.infinity
            for (position, i) in remaining.enumerated() {
                let value = mmrLambda * relevance[i] - (1 - mmrLambda) * (maxSimilarity[i] ?? 0)
                if value > bestValue { bestValue = value; bestPosition = position }
            }
            let best = remaining.remove(at: bestPosition)
            order.append(best)
            for i in remaining {
                maxSimilarity[i] = max(maxSimilarity[i] ?? 0, cosine(weighted[i], weighted[best]))
            }
        }
        order.append(contentsOf: byRelevance.dropFirst(mmrPoolSize))
        return order
    }

    /// Content-term counts of one sentence: stopwords, numbers and one-letter words removed,
    /// English plurals folded; adjacent ideographs also contribute bigrams.
    static func termCounts(_ tokens: [WordToken], stopwords: Set<String>, language: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        var previousIdeograph: WordToken?
        for token in tokens {
            defer { previousIdeograph = token.kind == .ideograph ? token : nil }
            if token.kind == .number { continue }
            let lower = token.lowercased
            if stopwords.contains(lower) { continue }
            if token.kind == .ideograph {
                counts[lower, default: 0] += 1
                if let prev = previousIdeograph, prev.characterRange.upperBound == token.characterRange.lowerBound,
                   !stopwords.contains(prev.lowercased)
                {
                    counts[prev.lowercased + lower, default: 0] += 1
                }
                continue
            }
            guard lower.count > 1 else { continue }
            counts[TextTokenizer.termKey(lower, language: language), default: 0] += 1
        }
        return counts
    }

    static func cosine(_ a: [String: Double], _ b: [String: Double]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        var dot = 0.0
        for (term, x) in small { if let y = large[term] { dot += x * y } }
        guard dot > 0 else { return 0 }
        let na = a.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let nb = b.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return dot / (na * nb)
    }

    // MARK: Output helpers

    private static let hardTerminators: Set<Character> = ["\u{3002}", "\u{FF01}", "\u{FF1F}", "\u{FF0E}", "\u{FF61}", "\u{300D}", "\u{300F}"]

    /// Joins sentences with a space, without one after CJK full stops.
    static func join(_ sentences: [String]) -> String {
        var out = ""
        for s in sentences {
            if let last = out.last, !hardTerminators.contains(last) { out += " " }
            out += s
        }
        return out
    }

    private static let leadingConnectives: [String] = [
        "however", "moreover", "furthermore", "in addition", "additionally", "also", "therefore", "thus", "so", "and",
        "but", "in fact", "indeed", "finally", "overall", "in short", "as a result", "for example", "for instance",
    ]

    /// A sentence as a bullet: leading connective removed, capitalized, at most `keyPointWords`
    /// words (cut ones end with "…"), trailing period dropped.
    static func keyPoint(_ sentence: String, tokens: [WordToken]) -> String {
        var text = sentence
        let lower = text.lowercased()
        for connective in leadingConnectives where lower.hasPrefix(connective + ",") || lower.hasPrefix(connective + " ") {
            let rest = text.dropFirst(connective.count).drop { $0 == "," || $0.isWhitespace }
            if rest.contains(where: TextTokenizer.isWordCharacter) { text = String(rest) }
            break
        }
        if let first = text.first, first.isLowercase {
            text = first.uppercased() + text.dropFirst()
        }
        let retokenized = TextTokenizer.words(in: text)
        if retokenized.count > keyPointWords {
            text = truncate(text, words: keyPointWords, tokens: retokenized)
        } else if text.hasSuffix("."), !text.hasSuffix("..") {
            text.removeLast()
        }
        return text
    }

    /// The first `words` word tokens of `text`, followed by "…" when anything was cut.
    static func truncate(_ text: String, words: Int, tokens: [WordToken]) -> String {
        guard tokens.count > words, words > 0 else { return text }
        let end = tokens[words - 1].characterRange.upperBound
        var cut = String(Array(text)[0..<end])
        while let last = cut.last, !TextTokenizer.isWordCharacter(last) { cut.removeLast() }
        return cut + "\u{2026}"
    }
}
