import JECPModels

extension ContentFactory {
    static let text: JSONValue = ["type": "string", "minLength": 1, "maxLength": 200_000, "description": "At most 200000 characters."]
    static let number: JSONValue = ["type": "number"]
    static let nullableNumber: JSONValue = ["type": ["number", "null"]]
    static let count: JSONValue = ["type": "integer", "minimum": 0]

    static func input(_ extra: [String: JSONValue] = [:]) -> JSONValue {
        var properties: [String: JSONValue] = ["text": text]
        for (key, value) in extra { properties[key] = value }
        return ["$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "additionalProperties": false,
                "required": ["text"], "properties": .object(properties)]
    }

    static let textOnlyInput = input()
    static let summarizeInput = input([
        "max_sentences": ["type": "integer", "minimum": 1, "maximum": 100, "default": 3],
        "max_words": ["type": "integer", "minimum": 1, "maximum": 20_000],
        "max_key_points": ["type": "integer", "minimum": 0, "maximum": 20, "default": 5],
    ])
    static let keywordsInput = input(["limit": ["type": "integer", "minimum": 1, "maximum": 50, "default": 10]])

    static let summarizeOutput: JSONValue = [
        "type": "object", "required": ["summary", "key_points", "original_word_count", "summary_word_count", "compression_ratio"],
        "properties": ["summary": ["type": "string"], "key_points": ["type": "array", "items": ["type": "string"]],
                       "original_word_count": count, "summary_word_count": count, "compression_ratio": ["type": "number", "minimum": 0]],
    ]
    static let keywordsOutput: JSONValue = [
        "type": "object", "required": ["keywords"],
        "properties": ["keywords": ["type": "array", "maxItems": 50, "items": [
            "type": "object", "required": ["text", "score"],
            "properties": ["text": ["type": "string"], "score": ["type": "number", "minimum": 0, "maximum": 1]],
        ]]],
    ]
    static let detectOutput: JSONValue = [
        "type": "object", "required": ["language", "confidence", "candidates"],
        "properties": ["language": ["type": "string"], "confidence": ["type": "number", "minimum": 0, "maximum": 1],
                       "candidates": ["type": "array", "maxItems": 3]],
    ]
    static let statsOutput: JSONValue = [
        "type": "object", "required": ["characters", "words", "sentences", "readability", "reading_time_seconds"],
        "properties": ["characters": count, "words": count, "sentences": count, "readability": ["type": "object"],
                       "reading_time_seconds": ["type": "number", "minimum": 0]],
    ]

    static let summarizeExample: JSONValue = [
        "input": ["text": "Solar panels convert sunlight into electricity. They are installed on roofs. Costs fell by 80% in a decade, so more homes use them.",
                  "max_sentences": 1],
    ]
    static let keywordsExample: JSONValue = ["input": ["text": "Solar panels convert sunlight into electricity. Solar energy is renewable.", "limit": 5]]
    static let detectExample: JSONValue = ["input": ["text": "Der schnelle braune Fuchs springt über den faulen Hund."]]
}
