import JECPProviderKit

/// The example's four actions: plain text utilities an agent can pay a fraction of a cent for.
public enum TextTools {
    public static let maxTextLength = 10_000
    public static let maxLabelSide = 512

    /// A provider with every action registered; serve it with `register(on:)` or `application(...)`.
    public static func provider(secret: String) -> JECPProvider {
        var provider = JECPProvider(secret: secret)
        provider.action("word-count") { request in
            let text = try text(of: request)
            return .json(["words": .number(JSONNumber(words(in: text).count)),
                          "characters": .number(JSONNumber(text.count)),
                          "sentences": .number(JSONNumber(sentenceCount(text)))])
        }
        provider.action("reverse-words") { request in
            .json(["text": .string(words(in: try text(of: request)).reversed().joined(separator: " "))])
        }
        provider.streamingAction("spell-out") { request, stream in
            let words = words(in: try text(of: request))
            for word in words {
                try await stream.chunk(.string(word))
            }
            try await stream.meter(["words": .number(JSONNumber(words.count))])
            return ["text": .string(words.joined(separator: " ")), "words": .number(JSONNumber(words.count))]
        }
        provider.action("render-label") { request in
            let side = { (key: String, fallback: Int) throws -> Int in
                guard let value = request.input[key] else { return fallback }
                guard let number = value.numberValue?.integerValue, (1...Int64(maxLabelSide)).contains(number) else {
                    throw ProviderError("INVALID_SIZE", "'\(key)' must be a whole number of pixels from 1 to \(maxLabelSide).")
                }
                return Int(number)
            }
            let (width, height) = (try side("width", 120), try side("height", 40))
            guard let color = rgb(request.input["color"]?.stringValue ?? "#1f6feb") else {
                throw ProviderError("INVALID_COLOR", "'color' must be a hex colour like #1f6feb.")
            }
            return .binary(SolidPNG.encode(width: width, height: height, red: color.0, green: color.1, blue: color.2),
                           contentType: "image/png")
        }
        return provider
    }

    static func text(of request: ActionRequest) throws -> String {
        guard let text = request.input["text"]?.stringValue else {
            throw ProviderError("INVALID_INPUT", "'text' must be a string.")
        }
        guard text.count <= maxTextLength else {
            throw ProviderError("TEXT_TOO_LONG", "'text' is limited to \(maxTextLength) characters.", status: 413)
        }
        return text
    }

    static func words(in text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// Runs of text ended by `.`, `!` or `?` (or the end), counting only runs with a letter or digit.
    static func sentenceCount(_ text: String) -> Int {
        text.split(whereSeparator: { ".!?".contains($0) })
            .filter { $0.contains(where: { $0.isLetter || $0.isNumber }) }
            .count
    }

    /// `#rrggbb` or `#rgb`.
    static func rgb(_ hex: String) -> (UInt8, UInt8, UInt8)? {
        guard hex.hasPrefix("#") else { return nil }
        var digits = String(hex.dropFirst())
        if digits.count == 3 { digits = digits.map { "\($0)\($0)" }.joined() }
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else { return nil }
        return (UInt8(value >> 16), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
    }
}
