import JECPHubCore
import JECPModels

extension ContentFactory {
    /// The actions that need a language model: listed only when one is configured.
    static let generativeActionNames = ["translate", "rewrite", "generate-social"]

    /// Input bounds keep one call within a model's context and the 8192-token answer cap.
    static let maxGenerativeCharacters = 10_000

    /// Longest published post (text plus ` #tag` for each hashtag), in characters.
    static let platformLimits: [(name: String, limit: Int)] = [
        ("twitter", 280), ("bluesky", 300), ("threads", 500), ("mastodon", 500),
        ("instagram", 2_200), ("linkedin", 3_000), ("facebook", 5_000),
    ]
    static let styles = ["formal", "casual", "concise", "friendly"]
    static let tones = ["professional", "casual", "friendly", "enthusiastic", "witty", "informative"]

    static func generativeActions(timeoutSeconds: Double) -> [ActionDescriptor] {
        [
            ActionDescriptor(name: "translate",
                             description: "Translation by a language model into target_lang (BCP 47); source_language is detected unless given.",
                             price: Money(micros: 10_000), trustTierRequired: .bronze, rateLimitPerMinute: 20,
                             inputSchema: translateInput, outputSchema: translateOutput, examples: [translateExample],
                             timeoutSeconds: timeoutSeconds),
            ActionDescriptor(name: "rewrite",
                             description: "The text rewritten by a language model in a style (formal, casual, concise, friendly), in its own language.",
                             price: Money(micros: 8_000), trustTierRequired: .bronze, rateLimitPerMinute: 20,
                             inputSchema: rewriteInput, outputSchema: rewriteOutput, examples: [rewriteExample], timeoutSeconds: timeoutSeconds),
            ActionDescriptor(name: "generate-social",
                             description: "One post per platform from a topic or source text; each post plus its hashtags fits the platform's limit.",
                             price: Money(micros: 8_000), trustTierRequired: .bronze, rateLimitPerMinute: 10,
                             inputSchema: socialInput, outputSchema: socialOutput, examples: [socialExample], timeoutSeconds: timeoutSeconds),
        ]
    }

    static let languageTag: JSONValue = [
        "type": "string", "minLength": 2, "maxLength": 35, "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        "description": "BCP 47 language tag, e.g. en, ja, pt-BR.",
    ]
    static let generativeText: JSONValue = [
        "type": "string", "minLength": 1, "maxLength": .number(JSONNumber(maxGenerativeCharacters)),
        "description": .string("At most \(maxGenerativeCharacters) characters."),
    ]
    static let modelText: JSONValue = ["type": "string", "minLength": 1, "maxLength": 100_000]

    static func object(_ properties: JSONValue, required: [String], root: Bool = true) -> JSONValue {
        var schema: JSONValue = ["type": "object", "additionalProperties": false, "required": .array(required.map { .string($0) }),
                                 "properties": properties]
        if root, case .object(var members) = schema {
            members["$schema"] = "https://json-schema.org/draft/2020-12/schema"
            schema = .object(members)
        }
        return schema
    }

    static let translateInput = object(["text": generativeText, "target_lang": languageTag, "source_lang": languageTag],
                                       required: ["text", "target_lang"])
    static let translateOutput = object(
        ["translated": modelText, "source_language": ["type": "string", "minLength": 2, "maxLength": 35], "target_language": languageTag],
        required: ["translated", "source_language", "target_language"])
    static let translateExample: JSONValue = ["input": ["text": "The meeting moved to Thursday at 10 am.", "target_lang": "de"]]

    static let rewriteInput = object(
        ["text": generativeText, "style": ["type": "string", "enum": .array(styles.map { .string($0) })],
         "instructions": ["type": "string", "minLength": 1, "maxLength": 1_000, "description": "Extra guidance, e.g. 'keep it under 50 words'."]],
        required: ["text"])
    static let rewriteOutput = object(["rewritten": modelText], required: ["rewritten"])
    static let rewriteExample: JSONValue = ["input": ["text": "hey, we cant make it tmrw, can we do next week instead?", "style": "formal"]]

    static let platformNames: JSONValue = .array(platformLimits.map { .string($0.name) })
    static let socialInput: JSONValue = [
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "additionalProperties": false,
        "required": ["platforms"],
        "anyOf": [["required": ["topic"]], ["required": ["text"]]],
        "properties": [
            "topic": ["type": "string", "minLength": 1, "maxLength": 500],
            "text": generativeText,
            "platforms": ["type": "array", "minItems": 1, "maxItems": 7, "uniqueItems": true, "items": ["enum": platformNames]],
            "tone": ["type": "string", "enum": .array(tones.map { .string($0) })],
            "max_hashtags": ["type": "integer", "minimum": 0, "maximum": 10, "default": 3],
        ],
    ]
    static let socialOutput = object(
        ["posts": ["type": "array", "minItems": 1, "maxItems": 7, "items": object(
            ["platform": ["enum": platformNames],
             "text": ["type": "string", "minLength": 1, "maxLength": 5_000, "description": "The post without its hashtags."],
             "hashtags": ["type": "array", "maxItems": 10, "items": ["type": "string", "minLength": 1, "maxLength": 100]],
             "characters": ["type": "integer", "minimum": 1, "maximum": 5_000, "description": "Length of text plus ' #tag' per hashtag."]],
            required: ["platform", "text", "hashtags", "characters"], root: false)]],
        required: ["posts"])
    static let socialExample: JSONValue = [
        "input": ["topic": "An open-source payment hub that lets AI agents pay per call", "platforms": ["twitter", "linkedin"],
                  "tone": "professional"],
    ]
}
