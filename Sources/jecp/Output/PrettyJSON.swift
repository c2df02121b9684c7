import JECPClient

extension JSONValue {
    /// Indented JSON with sorted keys: stable output for `--json` and readable for people.
    /// Numbers keep their literal text, so money prints exactly as the Hub sent it.
    func prettyPrinted(indent: Int = 2) -> String {
        var out = ""
        writePretty(into: &out, level: 0, indent: indent)
        return out
    }

    private func writePretty(into out: inout String, level: Int, indent: Int) {
        let pad = String(repeating: " ", count: (level + 1) * indent)
        let closing = String(repeating: " ", count: level * indent)
        switch self {
        case .array(let elements) where !elements.isEmpty:
            out += "[\n"
            for (offset, element) in elements.enumerated() {
                out += pad
                element.writePretty(into: &out, level: level + 1, indent: indent)
                out += offset == elements.count - 1 ? "\n" : ",\n"
            }
            out += closing + "]"
        case .object(let fields) where !fields.isEmpty:
            out += "{\n"
            let keys = fields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (offset, key) in keys.enumerated() {
                out += pad + JSONValue.string(key).serializedString() + ": "
                fields[key]!.writePretty(into: &out, level: level + 1, indent: indent)
                out += offset == keys.count - 1 ? "\n" : ",\n"
            }
            out += closing + "}"
        default:
            out += serializedString()
        }
    }

    /// Plain text for a table cell: strings without quotes, `null` as empty.
    var cellText: String {
        switch self {
        case .null: ""
        case .string(let text): text
        case .number(let number): number.text
        case .bool(let flag): flag ? "yes" : "no"
        case .array(let elements): elements.map(\.cellText).joined(separator: ", ")
        case .object: serializedString()
        }
    }
}
