import Foundation

// Keyword and key-phrase extraction, RAKE + TextRank style:
//  1. The text is cut into candidate runs at punctuation, stopwords (of the detected
//     language), numbers and sentence boundaries (RAKE).
//  2. Content words get a TextRank score on their co-occurrence graph (window of 3),
//     blended with their relative frequency.
//  3. Candidates are the 1–3 word n-grams of the runs (2–6 character n-grams for Chinese /
//     Japanese ideograph runs); a candidate scores the sum of its words' scores, damped by
//     √length and boosted by how often it recurs. Multi-word candidates must recur or be a
//     whole short run.
//  4. Plural variants are merged, and the combined list drops candidates whose words are all
//     inside a better-ranked one ("solar" after "solar panels"). Scores are scaled to 0...1.

/// One keyword or key phrase.
struct ExtractedKeyword: Equatable, Sendable {
    /// Most representative surface form (lowercased unless it is a proper noun / acronym).
    let text: String
    /// Relevance in 0...1 (1 for the best candidate of the text).
    let score: Double
    /// Occurrences in the text.
    let occurrences: Int
    /// Number of words (characters for Chinese/Japanese ideograph phrases).
    let wordCount: Int

    var isPhrase: Bool { wordCount > 1 }
}

/// Result of `KeywordExtractor.extract(from:)`.
struct KeywordExtraction: Equatable, Sendable {
    /// Keywords and key phrases together, best first, deduplicated (≤ limit).
    let ranked: [ExtractedKeyword]
    /// Single-word keywords, best first (≤ limit).
    let keywords: [ExtractedKeyword]
    /// Multi-word key phrases, best first (≤ limit).
    let phrases: [ExtractedKeyword]
    /// Language whose stopwords were used.
    let language: String
}

enum KeywordExtractor {
    static let limitRange = 1...50
    static let maxPhraseWords = 3
    /// Longest Chinese/Japanese candidate, in characters.
    static let maxIdeographPhrase = 6
    /// Longer "words" are treated as boundaries.
    static let maxWordLength = 40

    /// Words that are not stopwords in the grammatical sense but make poor English keywords.
    static let extraEnglishStopwords: Set<String> = Set("""
        a about above according across actually after again against ago all almost along already although always am \
        among an another any anyone anything are around away back be became become becomes been before behind being \
        below best better between beyond big can cannot could day days did do does doing done down during each \
        either else enough etc even ever every few first for get gets getting give given go goes going good got \
        great had has have having here how however i if into is it just keep know known last least less let like \
        likely little lot lots made make makes making many may maybe might more most much must need needs never new \
        next nor not nothing now of off often old on once one ones only onto or others otherwise out over own per \
        perhaps put rather really right same say says see seem seems set several shall should show shows since small \
        so something sometimes still such take takes than thing things think this those though three thus today \
        together too toward towards two under unless until upon us use used uses using usually various via want was \
        way ways well went what whatever whether which while whom whose why will within without yet year years \
        make simply easy large long high low per lower higher typically especially mostly quite rather
        """.split(whereSeparator: \.isWhitespace).map(String.init))

    /// Extracts up to `limit` (1...50) keywords/phrases from `text`; `language` overrides detection.
    static func extract(from text: String, limit: Int = 10, language: String? = nil) throws(TextAnalysisError) -> KeywordExtraction {
        try TextLimits.validate(text)
        guard limitRange.contains(limit) else {
            throw .invalidParameter(name: "limit", reason: "must be in \(limitRange.lowerBound)...\(limitRange.upperBound)")
        }
        let lang = language?.lowercased() ?? LanguageDetector.detectUnchecked(text).language
        var stopwords = LanguageDetector.stopwords(for: lang)
        if lang == "en" || lang == "und" { stopwords.formUnion(extraEnglishStopwords) }
        if lang == "und" { stopwords.formUnion(LanguageDetector.stopwords(for: "en")) }

        let chars = Array(text)
        let units = makeUnits(chars: chars, stopwords: stopwords, language: lang)
        let runs = splitRuns(units)
        guard !runs.isEmpty else { return KeywordExtraction(ranked: [], keywords: [], phrases: [], language: lang) }

        let wordScores = scoreWords(runs: runs, units: units)
        var candidates = collectCandidates(runs: runs, units: units, wordScores: wordScores)
        guard let top = candidates.map(\.score).max(), top > 0 else {
            return KeywordExtraction(ranked: [], keywords: [], phrases: [], language: lang)
        }
        for i in candidates.indices { candidates[i].score /= top }
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.key < $1.key }

        let ranked = deduplicated(candidates, limit: limit)
        let keywords = candidates.filter { $0.words.count == 1 }.prefix(limit).map(\.keyword)
        let phrases = deduplicated(candidates.filter { $0.words.count > 1 }, limit: limit)
        return KeywordExtraction(ranked: ranked, keywords: Array(keywords), phrases: phrases, language: lang)
    }

    // MARK: Units and runs

    /// A content word (or ideograph / katakana word), or a boundary.
    struct Unit {
        enum Kind { case content, boundary }
        let kind: Kind
        /// Comparison key (lowercased, plural-folded).
        let key: String
        let surface: String
        /// Ideograph units are joined without spaces.
        let ideographic: Bool
        let sentenceInitial: Bool
    }

    private static func isKatakana(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        return (0x30A0...0x30FF).contains(v) || (0x31F0...0x31FF).contains(v) || (0xFF66...0xFF9F).contains(v)
    }

    private static func isHiragana(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        return (0x3040...0x309F).contains(v)
    }

    static func makeUnits(chars: [Character], stopwords: Set<String>, language: String) -> [Unit] {
        let tokens = TextTokenizer.words(in: chars)
        let sentenceStarts = Set(TextTokenizer.sentences(in: chars).map(\.characterRange.lowerBound))
        var units: [Unit] = []
        units.reserveCapacity(tokens.count * 2)
        var previousEnd = 0
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            let start = token.characterRange.lowerBound
            // Punctuation or a sentence start between tokens ends a run; plain whitespace does not.
            let gap = chars[previousEnd..<start]
            if gap.contains(where: { !$0.isWhitespace }) || sentenceStarts.contains(start) || (token.kind == .ideograph && !gap.isEmpty) {
                units.append(Unit(kind: .boundary, key: "", surface: "", ideographic: false, sentenceInitial: false))
            }
            let initial = sentenceStarts.contains(start)
            if token.kind == .ideograph {
                let c = chars[start]
                if isKatakana(c) {
                    // Katakana words (loanwords) are kept whole: "ソーラーパネル".
                    var j = i
                    while j + 1 < tokens.count, tokens[j + 1].kind == .ideograph,
                          tokens[j + 1].characterRange.lowerBound == tokens[j].characterRange.upperBound,
                          isKatakana(chars[tokens[j + 1].characterRange.lowerBound])
                    {
                        j += 1
                    }
                    let surface = String(chars[start..<tokens[j].characterRange.upperBound])
                    units.append(Unit(kind: surface.count > 1 ? .content : .boundary, key: surface, surface: surface,
                                      ideographic: true, sentenceInitial: false))
                    previousEnd = tokens[j].characterRange.upperBound
                    i = j + 1
                    continue
                }
                let text = String(c)
                let isStop = stopwords.contains(text) || isHiragana(c)
                units.append(Unit(kind: isStop ? .boundary : .content, key: text, surface: text, ideographic: true, sentenceInitial: false))
            } else {
                let lower = token.lowercased
                // Very long tokens are unsegmented scripts (Thai) or junk, not keywords.
                let isStop = token.kind == .number || lower.count < 2 || lower.count > maxWordLength || stopwords.contains(lower)
                    || stopwords.contains(lower.replacingOccurrences(of: "\u{2019}", with: "'"))
                    || lower.hasSuffix("'s") && stopwords.contains(String(lower.dropLast(2)))
                    || !lower.contains(where: \.isLetter)
                units.append(Unit(kind: isStop ? .boundary : .content, key: TextTokenizer.termKey(lower, language: language),
                                  surface: token.text, ideographic: false, sentenceInitial: initial))
            }
            previousEnd = token.characterRange.upperBound
            i += 1
        }
        return units
    }

    /// Maximal runs of consecutive content units (indices into `units`).
    static func splitRuns(_ units: [Unit]) -> [[Int]] {
        var runs: [[Int]] = []
        var current: [Int] = []
        for (i, unit) in units.enumerated() {
            if unit.kind == .content {
                current.append(i)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    // MARK: Word scores (TextRank blended with frequency)

    static func scoreWords(runs: [[Int]], units: [Unit]) -> [String: Double] {
        // Integer ids keep the graph cheap on long texts.
        var ids: [String: Int] = [:]
        var vocabulary: [String] = []
        var frequency: [Int] = []
        // Co-occurrence window over content units in reading order (stopwords between two
        // content words do not break the window; sentence boundaries do).
        var sequences: [[Int]] = [[]]
        var lastIndex = -1
        for run in runs {
            for index in run {
                if lastIndex >= 0, (lastIndex + 1..<index).contains(where: { units[$0].kind == .boundary && isSentenceBreak(units, $0) }) {
                    sequences.append([])
                }
                let key = units[index].key
                let id: Int
                if let existing = ids[key] {
                    id = existing
                } else {
                    id = vocabulary.count
                    ids[key] = id
                    vocabulary.append(key)
                    frequency.append(0)
                }
                frequency[id] += 1
                sequences[sequences.count - 1].append(id)
                lastIndex = index
            }
        }
        let count = vocabulary.count
        var edges = [[Int: Double]](repeating: [:], count: count)
        for sequence in sequences {
            for (i, a) in sequence.enumerated() {
                for b in sequence[(i + 1)..<min(sequence.count, i + 3)] where a != b {
                    edges[a][b, default: 0] += 1
                    edges[b][a, default: 0] += 1
                }
            }
        }
        let adjacency: [[(Int, Double)]] = edges.map { $0.map { ($0.key, $0.value) } }
        let outWeight: [Double] = adjacency.map { $0.reduce(0) { $0 + $1.1 } }
        var rank = [Double](repeating: 1, count: count)
        let damping = 0.85
        for _ in 0..<30 {
            var next = [Double](repeating: 0, count: count)
            var delta = 0.0
            for word in 0..<count {
                var sum = 0.0
                for (other, weight) in adjacency[word] where outWeight[other] > 0 {
                    sum += weight / outWeight[other] * rank[other]
                }
                next[word] = (1 - damping) + damping * sum
                delta += abs(next[word] - rank[word])
            }
            rank = next
            if delta < 1e-4 * Double(max(count, 1)) { break }
        }
        let maxRank = rank.max() ?? 1
        let maxFrequency = Double(frequency.max() ?? 1)
        var scores: [String: Double] = [:]
        scores.reserveCapacity(count)
        for id in 0..<count {
            scores[vocabulary[id]] = 0.5 * rank[id] / maxRank + 0.5 * Double(frequency[id]) / maxFrequency
        }
        return scores
    }

    /// A boundary unit right before a sentence-initial word marks a sentence break.
    private static func isSentenceBreak(_ units: [Unit], _ index: Int) -> Bool {
        index + 1 < units.count && units[index + 1].sentenceInitial
    }

    // MARK: Candidates

    struct Candidate {
        let key: String
        let words: [String]
        var score: Double
        let occurrences: Int
        let surface: String
        let ideographic: Bool

        var keyword: ExtractedKeyword {
            ExtractedKeyword(text: surface, score: min(max(score, 0), 1), occurrences: occurrences,
                             wordCount: ideographic ? surface.count : words.count)
        }
    }

    private struct Tally {
        let words: [String]
        let size: Int
        let cjk: Bool
        /// Index (into `units`) of the first unit of each occurrence.
        var positions: [Int] = []
        var wholeRun = false
    }

    static func collectCandidates(runs: [[Int]], units: [Unit], wordScores: [String: Double]) -> [Candidate] {
        var tallies: [String: Tally] = [:]
        var order: [String] = []
        for run in runs {
            // Runs are consecutive unit indices.
            let cjk = run.contains { units[$0].ideographic && units[$0].surface.count == 1 }
            let sizes = cjk ? 1...maxIdeographPhrase : 1...maxPhraseWords
            for start in run.indices {
                for size in sizes where start + size <= run.count {
                    let first = run[start]
                    // Single ideographs are poor keywords on their own.
                    if cjk, size == 1, units[first].surface.count == 1 { continue }
                    let words = (first..<(first + size)).map { units[$0].key }
                    if hasRepeats(words) { continue }
                    let key = size == 1 ? words[0] : words.joined(separator: " ")
                    if tallies[key] == nil {
                        tallies[key] = Tally(words: words, size: size, cjk: cjk)
                        order.append(key)
                    }
                    tallies[key]?.positions.append(first)
                    if size == run.count { tallies[key]?.wholeRun = true }
                }
            }
        }

        var candidates: [Candidate] = []
        for key in order {
            guard let tally = tallies[key] else { continue }
            let n = tally.size
            let count = tally.positions.count
            // Phrases must recur, or be a whole short run ("machine learning" said once).
            if n > 1, count < 2, !(tally.wholeRun && n <= (tally.cjk ? maxIdeographPhrase : maxPhraseWords)) { continue }
            let sum = tally.words.reduce(0) { $0 + (wordScores[$1] ?? 0) }
            var score = sum / Double(n).squareRoot() * (1 + 0.3 * log(Double(count)))
            if n > 1, count == 1 { score *= 0.8 }

            // Surface forms: the most frequent one, cased as a keyword.
            var surfaces: [String: Int] = [:]
            var lowercaseSeen = false
            var onlySentenceInitial = true
            var ideographic = false
            for first in tally.positions {
                var surface = ""
                var previousIdeographic = false
                for index in first..<(first + n) {
                    let unit = units[index]
                    if index > first, !(unit.ideographic || previousIdeographic) { surface += " " }
                    surface += unit.surface
                    previousIdeographic = unit.ideographic
                    if unit.ideographic { ideographic = true }
                }
                surfaces[surface, default: 0] += 1
                if surface == surface.lowercased() { lowercaseSeen = true }
                if !units[first].sentenceInitial { onlySentenceInitial = false }
            }
            let best = surfaces.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? key
            candidates.append(Candidate(key: key, words: tally.words, score: score, occurrences: count,
                                        surface: displayForm(best, lowercaseSeen: lowercaseSeen, onlySentenceInitial: onlySentenceInitial),
                                        ideographic: ideographic))
        }
        return candidates
    }

    private static func hasRepeats(_ words: [String]) -> Bool {
        for i in words.indices {
            for j in (i + 1)..<words.count where words[i] == words[j] { return true }
        }
        return false
    }

    /// Lowercase unless the form looks like a proper noun or acronym ("Berlin", "NASA").
    static func displayForm(_ surface: String, lowercaseSeen: Bool, onlySentenceInitial: Bool) -> String {
        if lowercaseSeen { return surface.lowercased() }
        let hasInnerCapital = surface.split(separator: " ").contains { $0.dropFirst().contains(where: \.isUppercase) }
        if hasInnerCapital { return surface }
        return onlySentenceInitial ? surface.lowercased() : surface
    }

    // MARK: Deduplication

    static func deduplicated(_ sorted: [Candidate], limit: Int) -> [ExtractedKeyword] {
        var chosen: [Candidate] = []
        var chosenSets: [Set<String>] = []
        for candidate in sorted where chosen.count < limit {
            let words = Set(candidate.words)
            // Inside a better phrase ("solar" after "solar panels"), or a one-off extension of
            // one ("modern solar panels" after "solar panels").
            if chosenSets.contains(where: { words.isSubset(of: $0) }) { continue }
            if candidate.occurrences < 2, chosenSets.contains(where: { $0.isSubset(of: words) }) { continue }
            chosen.append(candidate)
            chosenSets.append(words)
        }
        return chosen.map(\.keyword)
    }
}
