/// ECMA-262 pattern syntax (with the Annex B leniencies browsers accept: a `{` that does not start
/// a quantifier and a lone `]` are literals, unknown escapes are identity escapes), parsed into a
/// small tree and compiled to a Thompson NFA program.
indirect enum RegexNode {
    case empty
    case scalar(UInt32)
    case set(RegexCharacterSet)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)
    case inputStart
    case inputEnd
    case wordBoundary(negated: Bool)
}

enum RegexParseError: Error {
    /// Not valid ECMA-262 syntax.
    case syntax(String)
    /// Valid, but beyond the NFA (backreferences, lookaround, scripts): use the fallback engine.
    case unsupported(String)
}

struct RegexParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    static func parse(_ pattern: String) throws(RegexParseError) -> RegexNode {
        var parser = RegexParser(pattern)
        let node = try parser.parseDisjunction()
        if parser.index < parser.scalars.count {
            throw .syntax("unmatched ')'")
        }
        return node
    }

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func next() -> Unicode.Scalar? {
        guard index < scalars.count else { return nil }
        defer { index += 1 }
        return scalars[index]
    }

    // MARK: Structure

    private mutating func parseDisjunction() throws(RegexParseError) -> RegexNode {
        var alternatives = [try parseAlternative()]
        while peek == "|" {
            index += 1
            alternatives.append(try parseAlternative())
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func parseAlternative() throws(RegexParseError) -> RegexNode {
        var terms: [RegexNode] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            terms.append(try parseTerm())
        }
        switch terms.count {
        case 0: return .empty
        case 1: return terms[0]
        default: return .concatenation(terms)
        }
    }

    private mutating func parseTerm() throws(RegexParseError) -> RegexNode {
        guard let scalar = next() else { throw .syntax("unexpected end") }
        let atom: RegexNode
        switch scalar {
        case "^":
            return .inputStart
        case "$":
            return .inputEnd
        case "\\":
            switch peek {
            case "b":
                index += 1
                return .wordBoundary(negated: false)
            case "B":
                index += 1
                return .wordBoundary(negated: true)
            default:
                atom = try parseAtomEscape()
            }
        case "(":
            atom = try parseGroup()
        case ".":
            atom = .set(RegexCharacterSet.dot)
        case "[":
            atom = .set(try parseClass())
        case "*", "+", "?":
            throw .syntax("nothing to repeat")
        case "{":
            if isQuantifierAhead(from: index - 1) { throw .syntax("nothing to repeat") }
            atom = .scalar(scalar.value)
        default:
            atom = .scalar(scalar.value)
        }
        return try parseQuantifier(atom)
    }

    private mutating func parseGroup() throws(RegexParseError) -> RegexNode {
        if peek == "?" {
            switch peek(1) {
            case ":":
                index += 2
            case "=", "!":
                throw .unsupported("lookahead")
            case "<" where peek(2) == "=" || peek(2) == "!":
                throw .unsupported("lookbehind")
            case "<":
                // Named group: the name is irrelevant to matching.
                index += 2
                while let scalar = next(), scalar != ">" {}
            default:
                throw .syntax("invalid group")
            }
        }
        let inner = try parseDisjunction()
        guard next() == ")" else { throw .syntax("missing ')'") }
        return inner
    }

    /// Whether `{n}`, `{n,}` or `{n,m}` starts at `position`.
    private func isQuantifierAhead(from position: Int) -> Bool {
        var cursor = position + 1
        var digits = 0
        while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
            cursor += 1
            digits += 1
        }
        guard digits > 0, cursor < scalars.count else { return false }
        if scalars[cursor] == "}" { return true }
        guard scalars[cursor] == "," else { return false }
        cursor += 1
        while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) { cursor += 1 }
        return cursor < scalars.count && scalars[cursor] == "}"
    }

    private mutating func parseQuantifier(_ atom: RegexNode) throws(RegexParseError) -> RegexNode {
        let min: Int
        let max: Int?
        switch peek {
        case "*":
            index += 1
            (min, max) = (0, nil)
        case "+":
            index += 1
            (min, max) = (1, nil)
        case "?":
            index += 1
            (min, max) = (0, 1)
        case "{" where isQuantifierAhead(from: index):
            index += 1
            min = readNumber()
            if peek == "," {
                index += 1
                max = peek == "}" ? nil : readNumber()
            } else {
                max = min
            }
            index += 1  // "}"
            if let max, max < min { throw .syntax("numbers out of order in quantifier") }
        default:
            return atom
        }
        if peek == "?" { index += 1 }  // lazy: the same language
        if peek == "*" || peek == "+" || peek == "?" || (peek == "{" && isQuantifierAhead(from: index)) {
            throw .syntax("nothing to repeat")
        }
        return .repetition(atom, min: min, max: max)
    }

    private mutating func readNumber() -> Int {
        var value = 0
        while let scalar = peek, ("0"..."9").contains(scalar) {
            value = Swift.min(value * 10 + Int(scalar.value - 0x30), 1_000_000)
            index += 1
        }
        return value
    }

    // MARK: Escapes

    private mutating func parseAtomEscape() throws(RegexParseError) -> RegexNode {
        guard let scalar = peek else { throw .syntax("\\ at end of pattern") }
        if ("1"..."9").contains(scalar) { throw .unsupported("backreference") }
        if scalar == "k" && peek(1) == "<" { throw .unsupported("named backreference") }
        if let set = try parseClassEscape() { return .set(set) }
        return .scalar(try parseCharacterEscape())
    }

    /// `\d \D \w \W \s \S \p{..} \P{..}` (after the backslash), or nil for other escapes.
    private mutating func parseClassEscape() throws(RegexParseError) -> RegexCharacterSet? {
        guard let scalar = peek else { return nil }
        let ranges: [ClosedRange<UInt32>]
        switch scalar {
        case "d", "D": ranges = RegexCharacterSet.digitRanges
        case "w", "W": ranges = RegexCharacterSet.wordRanges
        case "s", "S": ranges = RegexCharacterSet.spaceRanges
        case "p", "P":
            guard peek(1) == "{" else { return nil }
            index += 2
            var name = ""
            while let character = next(), character != "}" { name.unicodeScalars.append(character) }
            guard let property = UnicodeProperty(name: name) else { throw .unsupported("\\p{\(name)}") }
            return RegexCharacterSet(items: [.property(property, negated: false)], negated: scalar == "P")
        default:
            return nil
        }
        index += 1
        let negated = scalar == "D" || scalar == "W" || scalar == "S"
        return RegexCharacterSet(items: RegexCharacterSet.items(ranges), negated: negated)
    }

    /// A single character escape (after the backslash): `\n`, `\x41`, `\u{1F600}`, `\cJ`, `\/`...
    private mutating func parseCharacterEscape() throws(RegexParseError) -> UInt32 {
        guard let scalar = next() else { throw .syntax("\\ at end of pattern") }
        switch scalar {
        case "f": return 0x0C
        case "n": return 0x0A
        case "r": return 0x0D
        case "t": return 0x09
        case "v": return 0x0B
        case "0" where !(peek.map { ("0"..."9").contains($0) } ?? false): return 0
        case "c":
            if let letter = peek, ("a"..."z").contains(letter) || ("A"..."Z").contains(letter) {
                index += 1
                return letter.value % 32
            }
            index -= 1  // Annex B: `\c` is a literal backslash followed by `c`
            return 0x5C
        case "x":
            if let value = readHex(count: 2) { return value }
            return scalar.value
        case "u":
            if peek == "{" {
                let start = index
                index += 1
                var value: UInt32 = 0
                var digits = 0
                while let digit = peek, let nibble = Self.hexValue(digit) {
                    value = value > 0x10FFFF ? value : value * 16 + nibble
                    digits += 1
                    index += 1
                }
                if digits > 0, peek == "}", value <= 0x10FFFF {
                    index += 1
                    return value
                }
                index = start
                return scalar.value
            }
            guard let high = readHex(count: 4) else { return scalar.value }
            // A surrogate pair written as two escapes is one code point.
            if (0xD800...0xDBFF).contains(high), peek == "\\", peek(1) == "u" {
                let save = index
                index += 2
                if let low = readHex(count: 4), (0xDC00...0xDFFF).contains(low) {
                    return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                }
                index = save
            }
            return high
        default:
            return scalar.value  // identity escape
        }
    }

    private mutating func readHex(count: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<count {
            guard let digit = peek(offset), let nibble = Self.hexValue(digit) else { return nil }
            value = value * 16 + nibble
        }
        index += count
        return value
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }

    // MARK: Classes

    private enum ClassAtom {
        case scalar(UInt32)
        case set(RegexCharacterSet)
    }

    private mutating func parseClass() throws(RegexParseError) -> RegexCharacterSet {
        var negated = false
        if peek == "^" {
            negated = true
            index += 1
        }
        var items: [RegexCharacterSet.Item] = []
        while true {
            guard let scalar = peek else { throw .syntax("missing ']'") }
            if scalar == "]" {
                index += 1
                break
            }
            let first = try parseClassAtom()
            // A range `a-z`, unless `-` is last or an end is a class escape (then `-` is literal).
            if peek == "-", let after = peek(1), after != "]" {
                index += 1
                let second = try parseClassAtom()
                switch (first, second) {
                case (.scalar(let low), .scalar(let high)):
                    guard low <= high else { throw .syntax("range out of order in character class") }
                    items.append(.range(low, high))
                default:
                    append(first, to: &items)
                    items.append(.range(0x2D, 0x2D))
                    append(second, to: &items)
                }
            } else {
                append(first, to: &items)
            }
        }
        return RegexCharacterSet(items: items, negated: negated)
    }

    private func append(_ atom: ClassAtom, to items: inout [RegexCharacterSet.Item]) {
        switch atom {
        case .scalar(let value):
            items.append(.range(value, value))
        case .set(let set):
            items.append(contentsOf: set.asItems())
        }
    }

    private mutating func parseClassAtom() throws(RegexParseError) -> ClassAtom {
        guard let scalar = next() else { throw .syntax("missing ']'") }
        guard scalar == "\\" else { return .scalar(scalar.value) }
        guard let escaped = peek else { throw .syntax("\\ at end of pattern") }
        if escaped == "b" {
            index += 1
            return .scalar(0x08)  // backspace inside a class
        }
        if escaped == "-" {
            index += 1
            return .scalar(0x2D)
        }
        if let set = try parseClassEscape() { return .set(set) }
        if ("1"..."9").contains(escaped) { throw .unsupported("octal escape in class") }
        return .scalar(try parseCharacterEscape())
    }
}

extension RegexCharacterSet {
    /// This set as items of an enclosing class (`[\D_]`).
    func asItems() -> [Item] {
        guard negated else { return items }
        var ranges: [ClosedRange<UInt32>] = []
        for item in items {
            switch item {
            case .range(let low, let high): ranges.append(low...high)
            case .property(let property, let negatedProperty): return [.property(property, negated: !negatedProperty)]
            case .complement: return items  // not produced by class escapes
            }
        }
        return [.complement(ranges)]
    }
}
