import Foundation

/// A `pattern`/`patternProperties` regular expression (ECMA-262 syntax, matched on code points,
/// unanchored), compiled once at schema compile time.
///
/// Patterns run on a Thompson NFA: linear time in the input (no catastrophic backtracking from a
/// hostile pattern), and no allocation for patterns of up to a few dozen states. Constructs the NFA
/// cannot express (backreferences, lookaround, `\p{Script=...}`) fall back to ICU through
/// `NSRegularExpression`, after translating the syntax that differs.
final class ECMARegex: Sendable {
    let source: String
    private let engine: Engine

    private enum Engine: Sendable {
        case nfa(RegexProgram)
        case icu(ICURegex)
    }

    init(_ source: String) throws(SchemaError) {
        self.source = source
        do {
            let tree = try RegexParser.parse(source)
            engine = .nfa(try RegexProgram(tree))
        } catch {
            switch error {
            case .unsupported:
                engine = .icu(try ICURegex(source))
            case .syntax(let problem):
                throw SchemaError(message: "invalid regular expression '\(source)': \(problem)")
            }
        }
    }

    /// Whether the pattern matches somewhere in `string`.
    func matches(_ string: String) -> Bool {
        switch engine {
        case .nfa(let program): program.matches(string)
        case .icu(let regex): regex.matches(string)
        }
    }
}

// MARK: - NFA program

/// One NFA state. Trivial (no references), so the program is a flat buffer.
struct RegexInstruction {
    enum Operation: UInt8 {
        case scalar  // consume `operand`
        case set  // consume a member of sets[operand]; ASCII membership inline in `asciiLow/High`
        case split  // continue at `operand` and at `other`
        case jump  // continue at `operand`
        case inputStart
        case inputEnd
        case wordBoundary
        case notWordBoundary
        case match
    }

    var operation: Operation
    var operand: Int32 = 0
    var other: Int32 = 0
    var asciiLow: UInt64 = 0
    var asciiHigh: UInt64 = 0
}

struct RegexProgram: Sendable {
    /// Programs beyond this many states (huge counted repetitions) use the ICU engine instead.
    static let maximumStates = 20_000

    private(set) var instructions: [RegexInstruction] = []
    private(set) var sets: [RegexCharacterSet] = []
    /// Every match must start at the beginning of the input (`^...`).
    private(set) var anchoredAtStart = false

    init(_ tree: RegexNode) throws(RegexParseError) {
        try emit(tree)
        instructions.append(RegexInstruction(operation: .match))
        anchoredAtStart = Self.startsWithAnchor(tree)
    }

    private static func startsWithAnchor(_ node: RegexNode) -> Bool {
        switch node {
        case .inputStart: true
        case .concatenation(let nodes): nodes.first.map(startsWithAnchor) ?? false
        case .alternation(let nodes): nodes.allSatisfy(startsWithAnchor)
        default: false
        }
    }

    // MARK: Compilation

    private var next: Int32 { Int32(instructions.count) }

    private mutating func append(_ instruction: RegexInstruction) throws(RegexParseError) {
        guard instructions.count < Self.maximumStates else { throw .unsupported("pattern too large") }
        instructions.append(instruction)
    }

    private mutating func emit(_ node: RegexNode) throws(RegexParseError) {
        switch node {
        case .empty:
            break
        case .scalar(let value):
            try append(RegexInstruction(operation: .scalar, operand: Int32(bitPattern: value)))
        case .set(let set):
            sets.append(set)
            try append(
                RegexInstruction(
                    operation: .set, operand: Int32(sets.count - 1), asciiLow: set.asciiLow, asciiHigh: set.asciiHigh))
        case .concatenation(let nodes):
            for node in nodes { try emit(node) }
        case .alternation(let nodes):
            // split L1, next; L1: a; jump end; next: split L2, ... ; last alternative inline.
            var jumps: [Int] = []
            for (offset, alternative) in nodes.enumerated() {
                if offset < nodes.count - 1 {
                    let split = instructions.count
                    try append(RegexInstruction(operation: .split, operand: next + 1))
                    try emit(alternative)
                    jumps.append(instructions.count)
                    try append(RegexInstruction(operation: .jump))
                    instructions[split].other = next
                } else {
                    try emit(alternative)
                }
            }
            for jump in jumps { instructions[jump].operand = next }
        case .repetition(let body, let min, let max):
            for _ in 0..<min { try emit(body) }
            if let max {
                // (body (body (...)?)?)? : each optional copy may skip to the end.
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(instructions.count)
                    try append(RegexInstruction(operation: .split, operand: next + 1))
                    try emit(body)
                }
                for split in splits { instructions[split].other = next }
            } else {
                // loop: split body, end; body; jump loop
                let loop = instructions.count
                try append(RegexInstruction(operation: .split, operand: next + 1))
                try emit(body)
                try append(RegexInstruction(operation: .jump, operand: Int32(loop)))
                instructions[loop].other = next
            }
        case .inputStart:
            try append(RegexInstruction(operation: .inputStart))
        case .inputEnd:
            try append(RegexInstruction(operation: .inputEnd))
        case .wordBoundary(let negated):
            try append(RegexInstruction(operation: negated ? .notWordBoundary : .wordBoundary))
        }
    }

    // MARK: Matching

    /// "No character": before the start or after the end of the input.
    private static let none: UInt32 = .max

    /// Simulates the NFA over the input's code points, tracking the set of live states.
    func matches(_ string: String) -> Bool {
        let stateCount = instructions.count
        return instructions.withUnsafeBufferPointer { program in
            // [current list | next list | generation marks | work stack (each state pushes at most 2)]
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: stateCount * 5 + 2) { scratch in
                let base = scratch.baseAddress!
                var current = base
                var upcoming = base + stateCount
                let marks = base + 2 * stateCount
                let stack = base + 3 * stateCount
                marks.initialize(repeating: 0, count: stateCount)
                var currentCount = 0
                var upcomingCount = 0
                var generation: Int32 = 1

                var scalars = string.unicodeScalars.makeIterator()
                var previous = Self.none
                var character = scalars.next()?.value ?? Self.none
                var atStart = true

                /// Adds `state` and everything reachable without consuming input to `list`;
                /// true when that reaches `match`.
                func add(_ state: Int32, to list: UnsafeMutablePointer<Int32>, _ count: inout Int, before: UInt32, after: UInt32) -> Bool {
                    var depth = 0
                    stack[0] = state
                    depth = 1
                    while depth > 0 {
                        depth -= 1
                        let state = Int(stack[depth])
                        if marks[state] == generation { continue }
                        marks[state] = generation
                        let instruction = program[state]
                        switch instruction.operation {
                        case .scalar, .set:
                            list[count] = Int32(state)
                            count += 1
                        case .match:
                            return true
                        case .jump:
                            stack[depth] = instruction.operand
                            depth += 1
                        case .split:
                            stack[depth] = instruction.other
                            stack[depth + 1] = instruction.operand
                            depth += 2
                        case .inputStart:
                            if before == Self.none {
                                stack[depth] = Int32(state + 1)
                                depth += 1
                            }
                        case .inputEnd:
                            if after == Self.none {
                                stack[depth] = Int32(state + 1)
                                depth += 1
                            }
                        case .wordBoundary, .notWordBoundary:
                            let boundary = Self.isWord(before) != Self.isWord(after)
                            if boundary == (instruction.operation == .wordBoundary) {
                                stack[depth] = Int32(state + 1)
                                depth += 1
                            }
                        }
                    }
                    return false
                }

                while true {
                    // A match may start at every position (only at the first for `^...`).
                    if atStart || !anchoredAtStart {
                        if add(0, to: current, &currentCount, before: previous, after: character) { return true }
                    }
                    atStart = false
                    if currentCount == 0 && anchoredAtStart { return false }
                    if character == Self.none { return false }

                    generation += 1
                    upcomingCount = 0
                    let following = scalars.next()?.value ?? Self.none
                    for position in 0..<currentCount {
                        let state = Int(current[position])
                        let instruction = program[state]
                        let accepted: Bool
                        if instruction.operation == .scalar {
                            accepted = UInt32(bitPattern: instruction.operand) == character
                        } else if character < 64 {
                            accepted = instruction.asciiLow & (1 << UInt64(character)) != 0
                        } else if character < 128 {
                            accepted = instruction.asciiHigh & (1 << UInt64(character - 64)) != 0
                        } else {
                            accepted = sets[Int(instruction.operand)].contains(character)
                        }
                        if accepted && add(Int32(state + 1), to: upcoming, &upcomingCount, before: character, after: following) {
                            return true
                        }
                    }
                    swap(&current, &upcoming)
                    currentCount = upcomingCount
                    previous = character
                    character = following
                }
            }
        }
    }

    @inline(__always)
    private static func isWord(_ codePoint: UInt32) -> Bool {
        codePoint != none && RegexCharacterSet.isWordCharacter(codePoint)
    }
}

// MARK: - ICU fallback

/// `NSRegularExpression`, for the few patterns the NFA does not handle.
struct ICURegex: Sendable {
    private let regex: NSRegularExpression

    init(_ source: String) throws(SchemaError) {
        do {
            regex = try NSRegularExpression(pattern: Self.translate(source), options: [])
        } catch {
            throw SchemaError(message: "invalid regular expression '\(source)'")
        }
    }

    func matches(_ string: String) -> Bool {
        regex.firstMatch(in: string, options: [], range: NSRange(location: 0, length: string.utf16.count)) != nil
    }

    /// Rewrites the ECMA-262 constructs whose ICU meaning differs: `\d \w \s` and their negations
    /// (ASCII-only / ECMA white space), `$` (end of input only), `.` (line terminators), `\u{...}`,
    /// `[]` and `[^]`.
    static func translate(_ source: String) -> String {
        let space = "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"
        var result = ""
        var scalars = Array(source.unicodeScalars)[...]
        var inClass = false
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\\":
                guard let next = scalars.popFirst() else {
                    result += "\\\\"
                    break
                }
                switch next {
                case "d": result += inClass ? "0-9" : "[0-9]"
                case "D": result += "[^0-9]"
                case "w": result += inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"
                case "W": result += "[^a-zA-Z0-9_]"
                case "s": result += inClass ? space : "[" + space + "]"
                case "S": result += "[^" + space + "]"
                case "u" where scalars.first == "{": result += "\\x"
                default:
                    result += "\\"
                    result.unicodeScalars.append(next)
                }
            case "[" where !inClass:
                if scalars.starts(with: ["^", "]"]) {
                    scalars.removeFirst(2)
                    result += "[\\x{0}-\\x{10FFFF}]"  // `[^]`: anything
                } else if scalars.first == "]" {
                    scalars.removeFirst()
                    result += "(?!)"  // `[]`: nothing
                } else {
                    inClass = true
                    result += "["
                    if scalars.first == "^" {
                        scalars.removeFirst()
                        result += "^"
                    }
                }
            case "[":
                result += "\\["
            case "]" where inClass:
                inClass = false
                result += "]"
            case "$" where !inClass:
                result += "(?!(?s:.))"
            case "." where !inClass:
                result += "[^\\n\\r\\x{2028}\\x{2029}]"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
