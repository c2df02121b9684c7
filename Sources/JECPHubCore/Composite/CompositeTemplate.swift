import Foundation
import JECPModels

/// Spec 04 §5.2.2: lexical `${...}` substitution in a step's input.
///
/// A string that is exactly one reference takes the referenced value with its JSON type (so
/// `"${input.items}"` passes an array); references inside longer strings are rendered as text.
/// Paths are dotted object keys only; anything unresolved is `COMPOSITE_BIND_ERROR`.
enum CompositeTemplate {
    static func substitute(_ template: JSONValue, bindings: [String: JSONValue], stepID: String) throws(JECPError) -> JSONValue {
        switch template {
        case .string(let text):
            return try substitute(text, bindings: bindings, stepID: stepID)
        case .array(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try substitute(item, bindings: bindings, stepID: stepID)) }
            return .array(out)
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, value) in members { out[key] = try substitute(value, bindings: bindings, stepID: stepID) }
            return .object(out)
        case .null, .bool, .number:
            return template
        }
    }

    private static func substitute(_ text: String, bindings: [String: JSONValue], stepID: String) throws(JECPError) -> JSONValue {
        guard text.contains("${") else { return .string(text) }
        var pieces: [(literal: Substring, reference: Substring?)] = []
        var rest = text[...]
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw bindError(stepID: stepID, reference: String(rest[open.lowerBound...]), reason: "unterminated reference")
            }
            pieces.append((rest[..<open.lowerBound], rest[open.upperBound..<close]))
            rest = rest[rest.index(after: close)...]
        }
        if pieces.count == 1, pieces[0].literal.isEmpty, rest.isEmpty, let reference = pieces[0].reference {
            return try resolve(reference, bindings: bindings, stepID: stepID)
        }
        var out = ""
        for piece in pieces {
            out += piece.literal
            if let reference = piece.reference {
                switch try resolve(reference, bindings: bindings, stepID: stepID) {
                case .string(let string): out += string
                case .number(let number): out += number.text
                case .bool(let bool): out += bool ? "true" : "false"
                case .null: out += "null"
                case let value: out += value.serializedString()
                }
            }
        }
        return .string(out + rest)
    }

    private static func resolve(_ reference: Substring, bindings: [String: JSONValue], stepID: String) throws(JECPError) -> JSONValue {
        let parts = reference.split(separator: ".", omittingEmptySubsequences: false)
        guard let head = parts.first, !parts.contains(where: \.isEmpty) else {
            throw bindError(stepID: stepID, reference: "${\(reference)}", reason: "a reference is input.<path>, <step>, or <step>.<path>")
        }
        guard var value = bindings[String(head)] else {
            throw bindError(stepID: stepID, reference: "${\(reference)}", reason: "'\(head)' is neither input nor an earlier step")
        }
        for key in parts.dropFirst() {
            guard let child = value[String(key)] else {
                throw bindError(stepID: stepID, reference: "${\(reference)}", reason: "'\(key)' does not exist there")
            }
            value = child
        }
        return value
    }

    static func bindError(stepID: String, reference: String, reason: String) -> JECPError {
        JECPError(.compositeBindError, "Step '\(stepID)' cannot resolve \(reference): \(reason).",
                  details: ["step_id": .string(stepID), "reference": .string(reference), "reason": .string(reason)])
    }
}
