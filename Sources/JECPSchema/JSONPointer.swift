import JECPModels

/// RFC 6901 helpers.
enum JSONPointer {
    /// Escapes one reference token (`~` → `~0`, `/` → `~1`).
    static func escape(_ token: String) -> String {
        let needsEscaping =
            token.utf8.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: "~")) || $0.contains(UInt8(ascii: "/")) }
            ?? true
        guard needsEscaping else { return token }
        var result = ""
        result.reserveCapacity(token.utf8.count + 2)
        for character in token.unicodeScalars {
            switch character {
            case "~": result += "~0"
            case "/": result += "~1"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// Unescapes one reference token.
    static func unescape(_ token: Substring) -> String {
        guard token.contains("~") else { return String(token) }
        return token.replacingTildeEscapes()
    }

    /// `pointer` + `/` + escaped `token`.
    static func appending(_ pointer: String, _ token: String) -> String {
        pointer + "/" + escape(token)
    }

    static func appending(_ pointer: String, _ index: Int) -> String {
        pointer + "/" + String(index)
    }

    /// The unescaped tokens of `pointer` (which must be `""` or start with `/`).
    static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map {
            unescape(Substring($0))
        }
    }

    /// The value `pointer` designates inside `document`, if any.
    static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard let tokens = tokens(pointer) else { return nil }
        var current = document
        for token in tokens {
            guard let next = step(current, token) else { return nil }
            current = next
        }
        return current
    }

    static func step(_ value: JSONValue, _ token: String) -> JSONValue? {
        switch value {
        case .object(let object):
            return object[token]
        case .array(let array):
            guard let index = arrayIndex(token), index < array.count else { return nil }
            return array[index]
        default:
            return nil
        }
    }

    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        if token.utf8.count > 1 && token.utf8.first == 0x30 { return nil }
        return Int(token)
    }
}

extension Substring {
    fileprivate func replacingTildeEscapes() -> String {
        var result = ""
        var iterator = unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "~" {
                switch iterator.next() {
                case "0": result += "~"
                case "1": result += "/"
                case let other?: result += "~"; result.unicodeScalars.append(other)
                case nil: result += "~"
                }
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
