import Foundation

/// `--expires-in` values: plain seconds (`300`) or units (`90s`, `5m`, `1h30m`, `2d`).
enum DurationText {
    static let maximumSeconds = 366 * 86_400

    static func seconds(_ text: String) throws(CLIFailure) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        func invalid() -> CLIFailure {
            CLIFailure.usage("--expires-in must be seconds or a duration such as 300, 90s, 5m, 1h30m or 2d; got '\(text)'")
        }
        guard !trimmed.isEmpty else { throw invalid() }
        if let plain = Int(trimmed) {
            guard plain > 0, plain <= maximumSeconds else { throw invalid() }
            return plain
        }
        var total = 0
        var digits = ""
        var lastUnitRank = Int.max
        for character in trimmed {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            let (multiplier, rank): (Int, Int) = switch character {
            case "d": (86_400, 3)
            case "h": (3_600, 2)
            case "m": (60, 1)
            case "s": (1, 0)
            default: (0, -1)
            }
            // Units must come largest first, once each: "1h30m", not "30m1h" or "1m1m".
            guard rank >= 0, rank < lastUnitRank, let value = Int(digits), digits.count <= 9 else { throw invalid() }
            lastUnitRank = rank
            total += value * multiplier
            digits = ""
        }
        guard digits.isEmpty, total > 0, total <= maximumSeconds else { throw invalid() }
        return total
    }
}
