import JECPHubCore
import JECPModels

/// `content-factory`: text analysis computed locally, plus generative actions (`translate`,
/// `rewrite`, `generate-social`) that need a language model and stay unavailable without one.
public struct ContentFactory: HubCapability {
    let languageModel: (any LanguageModel)?

    public init(languageModel: (any LanguageModel)? = nil) {
        self.languageModel = languageModel
    }

    static let noModel = "the operator has not configured a language model (JECP_LLM_KIND, JECP_LLM_URL, JECP_LLM_API_KEY, JECP_LLM_MODEL)"

    public var descriptor: CapabilityDescriptor {
        CapabilityDescriptor(
            name: "content-factory", displayName: "Content Factory",
            description: "Extractive summaries, keywords, language detection (35 languages) and readability statistics"
                + (languageModel == nil ? "." : "; translation, rewriting and social posts by a language model."),
            version: "1.0.0", tags: ["text", "nlp", "summary"],
            actions: [
                ActionDescriptor(name: "summarize", description: "Extractive summary: the most central sentences in original order, plus key points.",
                                 price: Money(micros: 3_000), trustTierRequired: .bronze, rateLimitPerMinute: 60,
                                 inputSchema: Self.summarizeInput, outputSchema: Self.summarizeOutput, examples: [Self.summarizeExample]),
                ActionDescriptor(name: "keywords", description: "Ranked keywords and key phrases with scores in 0...1.",
                                 price: Money(micros: 2_000), trustTierRequired: .bronze, rateLimitPerMinute: 60,
                                 inputSchema: Self.keywordsInput, outputSchema: Self.keywordsOutput, examples: [Self.keywordsExample]),
                ActionDescriptor(name: "detect-language", description: "Language (ISO 639-1) with confidence and the top 3 candidates.",
                                 price: Money(micros: 1_000), trustTierRequired: .bronze, rateLimitPerMinute: 120,
                                 inputSchema: Self.textOnlyInput, outputSchema: Self.detectOutput, examples: [Self.detectExample]),
                ActionDescriptor(name: "text-stats", description: "Counts, reading/speaking time and readability scores (Flesch, FK grade, fog, SMOG, Coleman-Liau, ARI).",
                                 price: Money(micros: 1_000), trustTierRequired: .bronze, rateLimitPerMinute: 120,
                                 inputSchema: Self.textOnlyInput, outputSchema: Self.statsOutput, examples: [Self.detectExample]),
            ] + (languageModel.map { Self.generativeActions(timeoutSeconds: $0.timeoutSeconds + 5) } ?? []),
            unavailableActions: languageModel == nil ? Dictionary(uniqueKeysWithValues: Self.generativeActionNames.map { ($0, Self.noModel) }) : [:])
    }

    public func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue {
        if Self.generativeActionNames.contains(action) { return try await generate(action, input: input, context: context) }
        let text = input["text"]?.stringValue ?? ""
        do {
            switch action {
            case "summarize":
                let summary = try TextSummarizer.summarize(
                    text, maxSentences: Int(input["max_sentences"]?.numberValue?.integerValue ?? 3),
                    maxWords: input["max_words"]?.numberValue?.integerValue.map(Int.init),
                    maxKeyPoints: Int(input["max_key_points"]?.numberValue?.integerValue ?? 5))
                return [
                    "summary": .string(summary.summary),
                    "key_points": .array(summary.keyPoints.map { .string($0) }),
                    "sentence_indices": .array(summary.sentenceIndices.map { .number(JSONNumber($0)) }),
                    "original_word_count": .number(JSONNumber(summary.originalWordCount)),
                    "summary_word_count": .number(JSONNumber(summary.summaryWordCount)),
                    "compression_ratio": .finite(summary.compressionRatio),
                    "language": .string(summary.language),
                ]
            case "keywords":
                let extraction = try KeywordExtractor.extract(from: text, limit: Int(input["limit"]?.numberValue?.integerValue ?? 10))
                return [
                    "language": .string(extraction.language),
                    "keywords": .array(extraction.ranked.map { keyword in
                        ["text": .string(keyword.text), "score": .finite(keyword.score),
                         "occurrences": .number(JSONNumber(keyword.occurrences)), "is_phrase": .bool(keyword.isPhrase)]
                    }),
                ]
            case "detect-language":
                let detection = try LanguageDetector.detect(text)
                return [
                    "language": .string(detection.language), "name": .string(detection.name),
                    "confidence": .finite(detection.confidence),
                    "script": detection.script.map { .string($0.rawValue) } ?? .null,
                    "candidates": .array(detection.candidates.map { candidate in
                        ["language": .string(candidate.code), "name": .string(candidate.name), "confidence": .finite(candidate.confidence)]
                    }),
                ]
            case "text-stats":
                return Self.render(try TextStatistics.analyze(text))
            default:
                throw JECPError(.actionNotFound, "content-factory has no action '\(action)'.")
            }
        } catch let error as TextAnalysisError {
            switch error {
            case .textTooLong(let characters, let limit):
                throw JECPError(.inputTooLarge, "text is \(characters) characters; the limit is \(limit).",
                                details: ["field": "text", "limit_characters": .number(JSONNumber(limit))])
            case .invalidParameter(let name, let reason):
                throw JECPError(.inputSchemaViolation, "invalid \(name): \(reason).",
                                details: ["errors": [["instance_path": .string("/\(name)"), "schema_path": "", "reason": .string(reason)]]])
            }
        }
    }

    static func render(_ stats: TextStatistics) -> JSONValue {
        func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.finite) ?? .null }
        return [
            "characters": .number(JSONNumber(stats.characters)),
            "characters_excluding_spaces": .number(JSONNumber(stats.charactersExcludingSpaces)),
            "letters": .number(JSONNumber(stats.letters)),
            "words": .number(JSONNumber(stats.words)),
            "unique_words": .number(JSONNumber(stats.uniqueWords)),
            "sentences": .number(JSONNumber(stats.sentences)),
            "paragraphs": .number(JSONNumber(stats.paragraphs)),
            "syllables": .number(JSONNumber(stats.syllables)),
            "average_word_length": .finite(stats.averageWordLength),
            "average_sentence_length": .finite(stats.averageSentenceLength),
            "lexical_diversity": .finite(stats.lexicalDiversity),
            "reading_time_seconds": .finite(stats.readingTimeSeconds),
            "speaking_time_seconds": .finite(stats.speakingTimeSeconds),
            "readability": [
                "flesch_reading_ease": optional(stats.fleschReadingEase),
                "flesch_kincaid_grade": optional(stats.fleschKincaidGrade),
                "gunning_fog": optional(stats.gunningFog),
                "smog_index": optional(stats.smogIndex),
                "coleman_liau_index": optional(stats.colemanLiauIndex),
                "automated_readability_index": optional(stats.automatedReadabilityIndex),
            ],
        ]
    }
}
