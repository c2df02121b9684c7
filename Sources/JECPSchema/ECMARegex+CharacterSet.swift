/// A set of code points from an ECMA-262 character class (`[a-z\d]`, `\w`, `\p{L}`, `.`).
///
/// Membership of ASCII code points is precomputed into a 128-bit map (the common case costs one
/// shift); other code points go through the ranges and Unicode property tests.
struct RegexCharacterSet: Sendable {
    enum Item: Sendable {
        case range(UInt32, UInt32)
        /// Code points *not* in these ranges (`\D`, `\W`, `\S` inside a class).
        case complement([ClosedRange<UInt32>])
        case property(UnicodeProperty, negated: Bool)
    }

    private(set) var items: [Item]
    private(set) var negated: Bool
    /// Membership (negation applied) of code points 0..<64 and 64..<128.
    private(set) var asciiLow: UInt64 = 0
    private(set) var asciiHigh: UInt64 = 0

    init(items: [Item], negated: Bool) {
        self.items = items
        self.negated = negated
        for codePoint in UInt32(0)..<128 where slowContains(codePoint) {
            if codePoint < 64 { asciiLow |= 1 << UInt64(codePoint) } else { asciiHigh |= 1 << UInt64(codePoint - 64) }
        }
    }

    @inline(__always)
    func contains(_ codePoint: UInt32) -> Bool {
        if codePoint < 64 { return asciiLow & (1 << UInt64(codePoint)) != 0 }
        if codePoint < 128 { return asciiHigh & (1 << UInt64(codePoint - 64)) != 0 }
        return slowContains(codePoint)
    }

    private func slowContains(_ codePoint: UInt32) -> Bool {
        var found = false
        for item in items {
            switch item {
            case .range(let low, let high):
                found = codePoint >= low && codePoint <= high
            case .complement(let ranges):
                found = !ranges.contains { $0.contains(codePoint) }
            case .property(let property, let negated):
                found = property.contains(codePoint) != negated
            }
            if found { break }
        }
        return found != negated
    }

    // MARK: ECMA-262 predefined classes

    static let digitRanges: [ClosedRange<UInt32>] = [0x30...0x39]
    static let wordRanges: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    /// WhiteSpace and LineTerminator.
    static let spaceRanges: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029,
        0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ]
    static let lineTerminators: [ClosedRange<UInt32>] = [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]

    static func items(_ ranges: [ClosedRange<UInt32>]) -> [Item] {
        ranges.map { .range($0.lowerBound, $0.upperBound) }
    }

    /// `.`: anything but a line terminator.
    static let dot = RegexCharacterSet(items: items(lineTerminators), negated: true)

    @inline(__always)
    static func isWordCharacter(_ codePoint: UInt32) -> Bool {
        (codePoint >= 0x61 && codePoint <= 0x7A) || (codePoint >= 0x41 && codePoint <= 0x5A)
            || (codePoint >= 0x30 && codePoint <= 0x39) || codePoint == 0x5F
    }
}

/// `\p{...}` values answered from Swift's Unicode tables: general categories and a few binary
/// properties. (Scripts are not available; such patterns fall back to ICU.)
enum UnicodeProperty: Sendable {
    case categories([Unicode.GeneralCategory])
    case any
    case ascii
    case assigned
    case alphabetic
    case whiteSpace
    case uppercase
    case lowercase
    case emoji

    func contains(_ codePoint: UInt32) -> Bool {
        // Swift strings never hold surrogate code points, so only `Any` could match one.
        guard let scalar = Unicode.Scalar(codePoint) else {
            if case .any = self { return true }
            return false
        }
        switch self {
        case .categories(let categories): return categories.contains(scalar.properties.generalCategory)
        case .any: return true
        case .ascii: return codePoint < 0x80
        case .assigned: return scalar.properties.generalCategory != .unassigned
        case .alphabetic: return scalar.properties.isAlphabetic
        case .whiteSpace: return scalar.properties.isWhitespace
        case .uppercase: return scalar.properties.isUppercase
        case .lowercase: return scalar.properties.isLowercase
        case .emoji: return scalar.properties.isEmoji
        }
    }

    /// Parses the inside of `\p{...}`: `L`, `Letter`, `gc=Lu`, `General_Category=Letter`, `Alphabetic`...
    init?(name: String) {
        var name = name
        if let equals = name.firstIndex(of: "=") {
            let key = name[..<equals]
            guard key == "gc" || key == "General_Category" else { return nil }  // scripts are not supported
            name = String(name[name.index(after: equals)...])
        }
        if let categories = Self.generalCategories[name] {
            self = .categories(categories)
            return
        }
        switch name {
        case "Any": self = .any
        case "ASCII": self = .ascii
        case "Assigned": self = .assigned
        case "Alphabetic", "Alpha": self = .alphabetic
        case "White_Space", "space": self = .whiteSpace
        case "Uppercase", "Upper": self = .uppercase
        case "Lowercase", "Lower": self = .lowercase
        case "Emoji": self = .emoji
        default: return nil
        }
    }

    private static let generalCategories: [String: [Unicode.GeneralCategory]] = {
        typealias C = Unicode.GeneralCategory
        let groups: [([String], [C])] = [
            (["L", "Letter"], [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]),
            (["LC", "Cased_Letter"], [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter]),
            (["Lu", "Uppercase_Letter"], [.uppercaseLetter]),
            (["Ll", "Lowercase_Letter"], [.lowercaseLetter]),
            (["Lt", "Titlecase_Letter"], [.titlecaseLetter]),
            (["Lm", "Modifier_Letter"], [.modifierLetter]),
            (["Lo", "Other_Letter"], [.otherLetter]),
            (["M", "Mark", "Combining_Mark"], [.nonspacingMark, .spacingMark, .enclosingMark]),
            (["Mn", "Nonspacing_Mark"], [.nonspacingMark]),
            (["Mc", "Spacing_Mark"], [.spacingMark]),
            (["Me", "Enclosing_Mark"], [.enclosingMark]),
            (["N", "Number"], [.decimalNumber, .letterNumber, .otherNumber]),
            (["Nd", "Decimal_Number", "digit"], [.decimalNumber]),
            (["Nl", "Letter_Number"], [.letterNumber]),
            (["No", "Other_Number"], [.otherNumber]),
            (
                ["P", "Punctuation", "punct"],
                [.connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                 .finalPunctuation, .otherPunctuation]
            ),
            (["Pc", "Connector_Punctuation"], [.connectorPunctuation]),
            (["Pd", "Dash_Punctuation"], [.dashPunctuation]),
            (["Ps", "Open_Punctuation"], [.openPunctuation]),
            (["Pe", "Close_Punctuation"], [.closePunctuation]),
            (["Pi", "Initial_Punctuation"], [.initialPunctuation]),
            (["Pf", "Final_Punctuation"], [.finalPunctuation]),
            (["Po", "Other_Punctuation"], [.otherPunctuation]),
            (["S", "Symbol"], [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]),
            (["Sm", "Math_Symbol"], [.mathSymbol]),
            (["Sc", "Currency_Symbol"], [.currencySymbol]),
            (["Sk", "Modifier_Symbol"], [.modifierSymbol]),
            (["So", "Other_Symbol"], [.otherSymbol]),
            (["Z", "Separator"], [.spaceSeparator, .lineSeparator, .paragraphSeparator]),
            (["Zs", "Space_Separator"], [.spaceSeparator]),
            (["Zl", "Line_Separator"], [.lineSeparator]),
            (["Zp", "Paragraph_Separator"], [.paragraphSeparator]),
            (["C", "Other"], [.control, .format, .surrogate, .privateUse, .unassigned]),
            (["Cc", "Control", "cntrl"], [.control]),
            (["Cf", "Format"], [.format]),
            (["Cs", "Surrogate"], [.surrogate]),
            (["Co", "Private_Use"], [.privateUse]),
            (["Cn", "Unassigned"], [.unassigned]),
        ]
        var table: [String: [C]] = [:]
        for (names, categories) in groups {
            for name in names { table[name] = categories }
        }
        return table
    }()
}
