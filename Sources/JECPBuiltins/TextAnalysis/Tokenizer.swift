import Foundation

// Local, dependency-free text tokenization used by the `content-factory` text engine:
// sentence splitting, Unicode-aware word tokenization and English syllable estimation.
// Everything here is pure computation over `Character`s (extended grapheme clusters), so
// emoji, combining marks, RTL text and mixed scripts are handled without special casing.

/// Errors raised by the text engine. `description` is safe to show to API callers.
enum TextAnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is longer than `TextLimits.maxCharacters` characters.
    case textTooLong(characters: Int, limit: Int)
    /// A numeric option is out of its documented range.
    case invalidParameter(name: String, reason: String)

    var description: String {
        switch self {
        case let .textTooLong(characters, limit):
            "text is too long: \(characters) characters exceeds the limit of \(limit) characters"
        case let .invalidParameter(name, reason):
            "invalid parameter '\(name)': \(reason)"
        }
    }
}

enum TextLimits {
    /// Maximum accepted input length, in characters (extended grapheme clusters).
    static let maxCharacters = 200_000

    /// Throws `textTooLong` when `text` exceeds the limit. Cheap for in-range text: a UTF-8
    /// length within the limit proves the character count is within it too.
    static func validate(_ text: String) throws(TextAnalysisError) {
        if text.utf8.count <= maxCharacters { return }
        var count = 0
        for _ in text {
            count += 1
            if count > maxCharacters {
                throw .textTooLong(characters: text.count, limit: maxCharacters)
            }
        }
    }
}

/// One sentence found by `TextTokenizer.sentences(in:)`.
struct TextSentence: Equatable, Sendable {
    /// Position among the returned sentences (0-based).
    let index: Int
    /// Trimmed sentence text, terminator included.
    let text: String
    /// Offsets in characters (grapheme clusters) of `text` inside the source string.
    let characterRange: Range<Int>
}

/// One word-like token.
struct WordToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A run of letters/marks/digits (with inner apostrophes or hyphens).
        case word
        /// Digits, possibly with inner `.` or `,` separators ("3.14", "1,000").
        case number
        /// A single Han, Hiragana or Katakana character (these scripts are not space separated).
        case ideograph
    }

    let text: String
    let kind: Kind
    /// Offsets in characters inside the tokenized string.
    let characterRange: Range<Int>

    var lowercased: String { text.lowercased() }
}

enum TextTokenizer {
    // MARK: Character classes

    static func isIdeographic(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        return isIdeographicScalar(v)
    }

    static func isIdeographicScalar(_ v: UInt32) -> Bool {
        switch v {
        case 0x3040...0x30FF,  // Hiragana, Katakana
             0x31F0...0x31FF,  // Katakana phonetic extensions
             0x3400...0x4DBF,  // CJK extension A
             0x4E00...0x9FFF,  // CJK unified ideographs
             0xF900...0xFAFF,  // CJK compatibility ideographs
             0xFF66...0xFF9F,  // half-width Katakana
             0x20000...0x3134F:  // CJK extensions B...G
            true
        default:
            false
        }
    }

    /// Letters, digits and (stand-alone) combining marks make up words. Emoji, symbols,
    /// punctuation, whitespace and format characters (RTL marks, ZWSP) do not.
    static func isWordCharacter(_ c: Character) -> Bool {
        if c.isLetter || c.isNumber { return true }
        guard let first = c.unicodeScalars.first else { return false }
        switch first.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    private static let innerWordJoiners: Set<Character> = ["'", "\u{2019}", "-", "\u{2010}", "\u{00B7}", "\u{05F3}", "\u{05F4}"]
    private static let innerNumberJoiners: Set<Character> = [".", ",", "\u{066B}", "\u{066C}"]

    // MARK: Words

    /// Unicode-aware word tokenization. Han/Kana characters become one token each; other
    /// scripts are split on anything that is not a letter, mark or digit, keeping inner
    /// apostrophes/hyphens ("don't", "state-of-the-art") and decimal separators ("3.14").
    static func words(in text: String) -> [WordToken] {
        words(in: Array(text))
    }

    static func words(in chars: [Character]) -> [WordToken] {
        var tokens: [WordToken] = []
        tokens.reserveCapacity(chars.count / 5)
        var i = 0
        let n = chars.count
        while i < n {
            let c = chars[i]
            if isIdeographic(c) {
                tokens.append(WordToken(text: String(c), kind: .ideograph, characterRange: i..<(i + 1)))
                i += 1
                continue
            }
            guard isWordCharacter(c) else {
                i += 1
                continue
            }
            let start = i
            var allDigits = c.isNumber
            i += 1
            while i < n {
                let d = chars[i]
                if isIdeographic(d) { break }
                if isWordCharacter(d) {
                    if !d.isNumber { allDigits = false }
                    i += 1
                    continue
                }
                // A joiner is kept only between two word characters of the right kind.
                guard i + 1 < n else { break }
                let next = chars[i + 1]
                if innerNumberJoiners.contains(d), chars[i - 1].isNumber, next.isNumber {
                    i += 2
                    continue
                }
                if innerWordJoiners.contains(d), isWordCharacter(chars[i - 1]), isWordCharacter(next), !isIdeographic(next) {
                    allDigits = false
                    i += 2
                    continue
                }
                break
            }
            let text = String(chars[start..<i])
            tokens.append(WordToken(text: text, kind: allDigits ? .number : .word, characterRange: start..<i))
        }
        return tokens
    }

    /// Lowercased word strings (numbers included).
    static func wordStrings(in text: String) -> [String] {
        words(in: text).map(\.lowercased)
    }

    // MARK: Paragraphs

    /// Paragraphs are separated by one or more blank lines; whitespace-only paragraphs are dropped.
    static func paragraphs(in text: String) -> [String] {
        var result: [String] = []
        var current: [Substring] = []
        func flush() {
            let joined = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !joined.isEmpty { result.append(joined) }
            current.removeAll()
        }
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.allSatisfy(\.isWhitespace) {
                flush()
            } else {
                current.append(line)
            }
        }
        flush()
        return result
    }

    // MARK: Sentences

    /// Terminators that end a sentence only when followed by whitespace / end of text.
    private static let latinTerminators: Set<Character> = [".", "!", "?", "\u{2026}", "\u{203C}", "\u{2047}", "\u{2048}", "\u{2049}"]
    /// Terminators that end a sentence unconditionally (CJK full stops, Devanagari danda, Arabic question mark).
    /// (Armenian full stop and Ethiopic full stop too.)
    private static let hardTerminators: Set<Character> = ["\u{3002}", "\u{FF01}", "\u{FF1F}", "\u{FF0E}", "\u{FF61}", "\u{061F}", "\u{06D4}", "\u{0964}", "\u{0965}", "\u{0589}", "\u{1362}"]
    private static let closers: Set<Character> = ["\"", "'", "\u{201D}", "\u{2019}", "\u{00BB}", "\u{203A}", ")", "]", "}", "\u{300D}", "\u{300F}", "\u{FF09}", "\u{3011}", "\u{3015}", "\u{FF63}"]
    private static let bullets: Set<Character> = ["-", "*", "\u{2022}", "\u{2023}", "\u{25E6}", "\u{2043}", "\u{00B7}", "\u{2013}", "\u{2014}"]

    /// Abbreviations that never end a sentence (titles, Latin shorthands). Lowercased, inner dots kept.
    static let nonTerminalAbbreviations: Set<String> = [
        "mr", "mrs", "ms", "mx", "dr", "prof", "st", "mt", "gen", "col", "capt", "lt", "sgt", "cpl", "rev", "hon",
        "gov", "sen", "rep", "pres", "supt", "e.g", "i.e", "cf", "viz", "vs", "approx", "ca", "dept", "univ",
        "assn", "bros", "messrs", "mme", "mlle", "sra", "sr", "srta", "hr", "fr", "av", "ave", "blvd", "rd",
        "z.b", "d.h", "u.a", "bzw", "usw", "ggf", "vgl", "p.ex", "ex",
    ]
    /// Abbreviations that do not end a sentence when a number follows ("No. 5", "Fig. 3", "Jan. 12").
    static let numericAbbreviations: Set<String> = [
        "no", "nos", "nr", "fig", "figs", "vol", "vols", "pp", "p", "ch", "chap", "sec", "art", "eq", "eqs", "ref",
        "refs", "op", "ed", "para", "tab", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]
    /// Capitalized words that usually start a sentence; after an ambiguous abbreviation ("U.S.",
    /// "Inc.", "etc.") one of these means the abbreviation also ended the sentence.
    static let sentenceStarters: Set<String> = [
        "the", "a", "an", "it", "its", "this", "that", "these", "those", "he", "she", "we", "they", "i", "you",
        "in", "on", "at", "but", "and", "however", "so", "if", "when", "as", "for", "there", "his", "her", "their",
        "our", "my", "many", "some", "most", "after", "before", "while", "although", "since", "then", "now", "yet",
        "also", "meanwhile", "today", "still", "what", "why", "how", "who", "where", "one", "each", "all", "no",
        "not", "both", "every", "other", "such", "thus", "therefore", "moreover", "furthermore", "instead",
    ]

    /// Sentence segmentation. Handles abbreviations ("e.g.", "Dr.", "U.S."), decimals ("3.14"),
    /// ellipses, runs like "?!", closing quotes/brackets after the terminator, CJK full stops
    /// (。！？), blank-line paragraph breaks and bullet lines. Segments without any letter or
    /// digit (e.g. "...", "😀") are dropped.
    static func sentences(in text: String) -> [TextSentence] {
        sentences(in: Array(text))
    }

    static func sentences(in chars: [Character]) -> [TextSentence] {
        let n = chars.count
        var cuts: [Int] = []
        var segmentStart = 0
        var i = 0
        while i < n {
            let c = chars[i]
            if c.isNewline {
                if let next = breakAfterNewline(chars, i) {
                    cuts.append(i)
                    segmentStart = i
                    i = next
                } else {
                    i += 1
                }
                continue
            }
            let hard = hardTerminators.contains(c)
            guard hard || latinTerminators.contains(c) else {
                i += 1
                continue
            }
            // Consume the whole terminator run ("?!", "...", "。」") and closing quotes/brackets.
            var j = i
            var sawHard = false
            var dots = 0
            var sawOther = false
            while j < n, hardTerminators.contains(chars[j]) || latinTerminators.contains(chars[j]) {
                if hardTerminators.contains(chars[j]) { sawHard = true }
                if chars[j] == "." { dots += 1 } else { sawOther = true }
                j += 1
            }
            while j < n, closers.contains(chars[j]) { j += 1 }
            if sawHard || shouldBreak(chars, terminatorStart: i, end: j, segmentStart: segmentStart,
                                      singlePeriod: dots == 1 && !sawOther) {
                cuts.append(j)
                segmentStart = j
            }
            i = j
        }
        var result: [TextSentence] = []
        var start = 0
        for cut in cuts + [n] where cut > start {
            appendSentence(chars, start..<cut, into: &result)
            start = cut
        }
        return result
    }

    private static func appendSentence(_ chars: [Character], _ range: Range<Int>, into result: inout [TextSentence]) {
        var lo = range.lowerBound
        var hi = range.upperBound
        while lo < hi, chars[lo].isWhitespace || isInvisibleFormat(chars[lo]) { lo += 1 }
        while hi > lo, chars[hi - 1].isWhitespace || isInvisibleFormat(chars[hi - 1]) { hi -= 1 }
        guard lo < hi, chars[lo..<hi].contains(where: isWordCharacter) else { return }
        result.append(TextSentence(index: result.count, text: String(chars[lo..<hi]), characterRange: lo..<hi))
    }

    private static func isInvisibleFormat(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { $0.properties.generalCategory == .format }
    }

    /// Returns the index to continue from if the newline at `i` ends a sentence: a blank line
    /// (paragraph break) or a following bullet / numbered list line.
    private static func breakAfterNewline(_ chars: [Character], _ i: Int) -> Int? {
        var k = i + 1
        while k < chars.count, chars[k].isWhitespace, !chars[k].isNewline { k += 1 }
        guard k < chars.count else { return nil }
        if chars[k].isNewline { return k }
        if bullets.contains(chars[k]), k + 1 < chars.count, chars[k + 1].isWhitespace { return k }
        // "1. " / "2) " numbered list items
        var d = k
        while d < chars.count, chars[d].isASCII, chars[d].isNumber, d - k < 3 { d += 1 }
        if d > k, d + 1 < chars.count, chars[d] == "." || chars[d] == ")", chars[d + 1].isWhitespace { return k }
        return nil
    }

    private static func shouldBreak(_ chars: [Character], terminatorStart i: Int, end j: Int, segmentStart: Int,
                                    singlePeriod: Bool) -> Bool {
        let n = chars.count
        if j == n { return true }
        // "3.14", "example.com", "Yahoo!Inc": a Latin terminator needs whitespace after it.
        guard chars[j].isWhitespace || isInvisibleFormat(chars[j]) else { return false }
        var k = j
        while k < n, chars[k].isWhitespace || isInvisibleFormat(chars[k]) || chars[k] == "\"" || chars[k] == "\u{201C}"
            || chars[k] == "(" || chars[k] == "\u{00AB}" || chars[k] == "\u{2018}" || chars[k] == "\u{00BF}" || chars[k] == "\u{00A1}"
        {
            k += 1
        }
        guard k < n else { return true }
        let next = chars[k]
        // "e.g. the", "“Help!” she cried", "wait... and then": lowercase continuation. Only for
        // scripts that capitalize sentence starts (Georgian letters are "lowercase" but uncased in use).
        if next.isLowercase, let scalar = next.unicodeScalars.first, [.latin, .greek, .cyrillic].contains(TextScript.of(scalar)) {
            return false
        }
        guard singlePeriod else { return true }

        // Word (with inner dots) right before the period: "Dr", "e.g", "U.S".
        var w = i
        while w > segmentStart, chars[w - 1].isLetter || (chars[w - 1] == "." && w - 1 > segmentStart && chars[w - 2].isLetter) {
            w -= 1
        }
        let word = String(chars[w..<i])
        let lower = word.lowercased()
        if word.isEmpty {
            // "1. First item" at the start of a segment is list numbering, not a sentence.
            var d = i
            while d > segmentStart, chars[d - 1].isNumber { d -= 1 }
            let before = chars[segmentStart..<d].allSatisfy(\.isWhitespace)
            if d < i, i - d <= 3, before { return false }
            return true
        }
        if nonTerminalAbbreviations.contains(lower) { return false }
        if numericAbbreviations.contains(lower), next.isNumber { return false }
        // Initials: "J. R. R. Tolkien", "A. Smith".
        if word.count == 1, word.first?.isUppercase == true, next.isUppercase { return false }
        // Dotted acronyms ("U.S.", "Ph.D.") and company suffixes are ambiguous: break only
        // when a typical sentence opener follows.
        if word.contains(".") || ["etc", "inc", "ltd", "co", "corp", "llc", "jr", "al", "esq", "plc", "gmbh"].contains(lower) {
            var e = k
            while e < n, chars[e].isLetter { e += 1 }
            let nextWord = String(chars[k..<e]).lowercased()
            return sentenceStarters.contains(nextWord)
        }
        return true
    }

    // MARK: Syllables

    /// Estimated syllable count of one word. English heuristics (silent "e", "-ed"/"-es",
    /// vowel-group splits like "-ia"/"-io"/"-ing" after a vowel, consonant + "le") plus an
    /// exception list; accented Latin vowels count as vowels. Other scripts: Cyrillic and
    /// Greek count vowel letters, Han/Kana/Hangul/Indic one syllable per character,
    /// numbers one per digit (max 4). Never returns less than 1 for a non-empty word.
    static func syllables(in word: String) -> Int {
        let lower = word.lowercased()
        if lower.isEmpty { return 0 }
        if lower.contains("-") || lower.contains("\u{2010}") {
            let parts = lower.split(whereSeparator: { $0 == "-" || $0 == "\u{2010}" })
            let total = parts.reduce(0) { $0 + syllables(in: String($1)) }
            return max(total, 1)
        }
        let scalars = lower.unicodeScalars
        if scalars.allSatisfy({ $0.properties.numericType != nil || $0 == "." || $0 == "," }) {
            let digits = scalars.filter { $0.properties.numericType != nil }.count
            return min(max(digits, 1), 4)
        }
        guard let first = scalars.first(where: { $0.properties.isAlphabetic }) else { return 1 }
        switch first.value {
        case 0x0000...0x024F, 0x1E00...0x1EFF:
            return englishSyllables(lower)
        case 0x0370...0x03FF, 0x1F00...0x1FFF:
            return max(vowelGroups(lower, vowels: greekVowels), 1)
        case 0x0400...0x052F:
            return max(lower.filter { cyrillicVowels.contains($0) }.count, 1)
        default:
            // Syllabic / logographic scripts: roughly one syllable per grapheme cluster;
            // abjads (Arabic, Hebrew) roughly one per two letters.
            if (0x0590...0x06FF).contains(first.value) { return max((lower.count + 1) / 2, 1) }
            return max(lower.count, 1)
        }
    }

    private static let cyrillicVowels: Set<Character> = ["а", "е", "ё", "и", "о", "у", "ы", "э", "ю", "я", "і", "ї", "є", "ў"]
    private static let greekVowels: Set<Character> = ["α", "ε", "η", "ι", "ο", "υ", "ω", "ά", "έ", "ή", "ί", "ό", "ύ", "ώ", "ϊ", "ϋ", "ΐ", "ΰ"]

    private static func vowelGroups(_ s: String, vowels: Set<Character>) -> Int {
        var groups = 0
        var inVowel = false
        for c in s {
            let v = vowels.contains(c)
            if v && !inVowel { groups += 1 }
            inVowel = v
        }
        return groups
    }

    /// Words the rules get wrong, with their dictionary syllable counts.
    static let syllableExceptions: [String: Int] = [
        "business": 2, "businesses": 3, "every": 2, "everything": 3, "everyone": 3, "different": 3, "interest": 3,
        "interesting": 4, "family": 3, "evening": 2, "several": 3, "science": 2, "sciences": 3, "scientist": 3,
        "quiet": 2, "diet": 2, "client": 2, "clients": 2, "create": 2, "created": 3, "creates": 2, "creating": 3,
        "area": 3, "areas": 3, "idea": 3, "ideas": 3, "recipe": 3, "maybe": 2, "people": 2, "simile": 3,
        "coyote": 3, "karate": 3, "sesame": 3, "apostrophe": 4, "catastrophe": 4, "fuel": 2, "cruel": 2,
        "poem": 2, "poet": 2, "poetry": 3, "element": 3, "elements": 3, "george": 1, "chocolate": 2,
        "vegetable": 3, "vegetables": 3, "camera": 3, "cameras": 3, "general": 3, "natural": 3, "average": 3,
        "real": 1, "really": 2, "being": 2, "ruin": 2, "ruined": 2, "lion": 2, "violent": 3, "naive": 2,
        "whole": 1, "one": 1, "once": 1, "done": 1, "gone": 1, "none": 1, "some": 1, "come": 1, "became": 2,
        "are": 1, "were": 1, "there": 1, "where": 1, "here": 1, "fire": 1, "hour": 1, "hours": 1, "our": 1,
        "fired": 1, "tired": 1, "wire": 1, "desire": 3, "entire": 3, "require": 3, "required": 3, "inspire": 3,
        "therefore": 2, "furthermore": 3, "whereas": 2, "sometimes": 2, "somewhere": 2, "someone": 2,
        "something": 2, "wednesday": 2, "colonel": 2, "choir": 1, "reuse": 2, "reused": 2, "reuses": 3,
        "preexisting": 4, "cooperate": 4, "cooperation": 5, "coordinate": 4, "coordination": 5,
        "reality": 4, "theatre": 3, "theater": 3, "museum": 3, "usually": 4, "actually": 4,
        "the": 1, "a": 1, "i": 1, "you": 1, "your": 1, "lives": 1, "loved": 1, "moved": 1, "saved": 1, "used": 1,
    ]

    /// Rules for words written in the Latin alphabet (tuned for English).
    static func englishSyllables(_ raw: String) -> Int {
        let word = String(raw.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).filter(\.isLetter))
        if word.isEmpty { return 1 }
        if let known = syllableExceptions[word] { return known }
        if word.hasSuffix("s"), let known = syllableExceptions[String(word.dropLast())], !word.hasSuffix("ss") {
            // Regular plural of an exception: "ideas" → "idea". Sibilant endings add a syllable.
            let base = String(word.dropLast())
            return known + (base.hasSuffix("ce") || base.hasSuffix("se") || base.hasSuffix("ge") ? 1 : 0)
        }
        let chars = Array(word)
        let n = chars.count
        if n <= 3 || n > 40 {
            // Short words: vowel groups are exact enough. Absurdly long "words": skip the rules.
            return max(vowelGroupCount(chars), 1)
        }

        var count = vowelGroupCount(chars)
        func ends(_ s: String) -> Bool { word.hasSuffix(s) }
        func isVowel(_ c: Character) -> Bool { "aeiouy".contains(c) }
        func charFromEnd(_ k: Int) -> Character? { n - k >= 0 ? chars[n - k] : nil }

        // Silent final "e" (but "-le" after a consonant is a syllable: "ta-ble", "sim-ple").
        let voicedUe = ends("ue") && !ends("gue") && !ends("que")  // "val-ue", "res-cue" vs "u-nique"
        if ends("e"), !ends("ee"), !ends("ie"), !ends("ye"), !ends("oe"), !voicedUe {
            let consonantLe = ends("le") && charFromEnd(3).map { !isVowel($0) } == true
            if !consonantLe { count -= 1 }
        }
        // "-es": silent after most consonants ("makes"), voiced after sibilants ("boxes", "places"),
        // and "-les" after a consonant ("tables").
        if ends("es"), n > 3, let before = charFromEnd(3), !isVowel(before) {
            let sibilant = "sxzcgj".contains(before) || ends("ches") || ends("shes")
            let consonantLes = ends("les") && charFromEnd(4).map { !isVowel($0) } == true
            if !sibilant, !consonantLes { count -= 1 }
        }
        // "-ed": silent except after t/d ("jumped" 1, "wanted" 2); "-led" after consonant keeps.
        if ends("ed"), n > 3, let before = charFromEnd(3), !"aeioutd".contains(before) {
            let consonantLed = ends("led") && charFromEnd(4).map { !isVowel($0) } == true
            if !consonantLed { count -= 1 }
        }
        // Silent "e" before common suffixes: "lately", "careful", "statement", "hopeless".
        for suffix in ["ely", "eful", "efully", "eless", "elessly", "eness", "ement", "ements"] where ends(suffix) {
            let k = suffix.count
            if n > k + 1, !isVowel(chars[n - k - 1]), isVowel(chars[n - k - 2]) { count -= 1 }
            break
        }
        // Vowel pairs that are two syllables.
        let splitPatterns: [(String, Set<Character>)] = [
            ("ia", ["c", "t", "s"]),  // "me-di-a" but "so-cial", "par-tial", "A-sia"
            ("iu", []),  // "me-di-um"
            ("eo", []),  // "vi-de-o", "the-o-ry"
            ("uou", []),  // "con-tin-u-ous"
        ]
        for (pattern, blockers) in splitPatterns {
            count += occurrences(of: pattern, in: chars, notPrecededBy: blockers)
        }
        // "-io" splits except in "-ion"/"-ious" ("ra-di-o", "vi-o-lin" vs "na-tion", "pre-cious").
        for idx in 0..<(n - 1) where chars[idx] == "i" && chars[idx + 1] == "o" {
            let next: Character? = idx + 2 < n ? chars[idx + 2] : nil
            if next == "n" || next == "u" {
                // "-ious" after a non-sibilant consonant is two syllables: "var-i-ous", "ob-vi-ous".
                if next == "u", idx > 0, !"ctsgx".contains(chars[idx - 1]) { count += 1 }
                continue
            }
            count += 1
        }
        // "peo-ple" is the exception to "eo".
        if word.contains("eop") { count -= 1 }
        // "-ual"/"-uan" after a consonant other than g/q: "ac-tu-al", "u-su-al".
        for idx in 1..<(n - 1) where chars[idx] == "u" && chars[idx + 1] == "a" && !"gq".contains(chars[idx - 1]) {
            if idx + 2 < n, !isVowel(chars[idx + 2]) { count += 1 }
        }
        // "-geous"/"-ceous" keep "eo" together ("gor-geous", "her-ba-ceous"), unlike "cour-te-ous".
        if ends("geous") || ends("ceous") { count -= 1 }
        // Vowel + "-ing": "go-ing", "do-ing", "see-ing".
        if ends("ing") || ends("ings") {
            let base = ends("ing") ? n - 3 : n - 4
            if base > 0, "aeiou".contains(chars[base - 1]) { count += 1 }
        }
        // Consonant + "-ying": "try-ing", "stud-y-ing" ("y" before a vowel counted as a consonant above).
        if ends("ying") || ends("yings") {
            let y = ends("ying") ? n - 4 : n - 5
            if y > 0, !isVowel(chars[y - 1]) { count += 1 }
        }
        // "-ier"/"-iest" after a consonant: "ear-li-er", "hap-pi-est".
        if (ends("ier") || ends("iest")) && n > 5 {
            let base = ends("ier") ? n - 3 : n - 4
            if base > 0, !isVowel(chars[base - 1]) { count += 1 }
        }
        // "-ea" at the end: "i-de-a", "Ko-re-a".
        if ends("ea"), n >= 4 { count += 1 }
        // "-ism": "tour-is-m".
        if ends("ism") { count += 1 }
        // Contractions: "didn't", "couldn't", "isn't" (apostrophe already removed).
        if ends("dnt") || ends("snt") { count += 1 }
        return max(count, 1)
    }

    /// Vowel groups where "y" is a vowel unless it starts the word or precedes a vowel.
    private static func vowelGroupCount(_ chars: [Character]) -> Int {
        var groups = 0
        var inVowel = false
        for (idx, c) in chars.enumerated() {
            var vowel = "aeiou".contains(c)
            if c == "y" {
                let nextIsVowel = idx + 1 < chars.count && "aeiou".contains(chars[idx + 1])
                vowel = idx > 0 && !nextIsVowel
            }
            if vowel && !inVowel { groups += 1 }
            inVowel = vowel
        }
        return groups
    }

    private static func occurrences(of pattern: String, in chars: [Character], notPrecededBy blockers: Set<Character>) -> Int {
        let p = Array(pattern)
        guard chars.count >= p.count else { return 0 }
        var count = 0
        for idx in 0...(chars.count - p.count) where Array(chars[idx..<(idx + p.count)]) == p {
            if idx > 0, blockers.contains(chars[idx - 1]) { continue }
            count += 1
        }
        return count
    }
}

// MARK: - Term normalization shared by the summarizer and the keyword extractor

extension TextTokenizer {
    /// Lowercased, lightly stemmed form used to compare words: English plurals are folded
    /// ("panels" → "panel", "energies" → "energy"); other languages are only lowercased.
    static func termKey(_ word: String, language: String) -> String {
        let lower = word.lowercased()
        guard language == "en" || language == "und" else { return lower }
        var w = lower
        if w.hasSuffix("'s") || w.hasSuffix("\u{2019}s") { w.removeLast(2) }
        let n = w.count
        if n > 4, w.hasSuffix("ies") {
            return String(w.dropLast(3)) + "y"
        }
        if n > 4, w.hasSuffix("sses") || w.hasSuffix("shes") || w.hasSuffix("ches") || w.hasSuffix("xes") || w.hasSuffix("zzes") {
            return String(w.dropLast(2))
        }
        if n > 3, w.hasSuffix("s"), !w.hasSuffix("ss"), !w.hasSuffix("us"), !w.hasSuffix("is"), !w.hasSuffix("'s") {
            return String(w.dropLast())
        }
        return w
    }
}
