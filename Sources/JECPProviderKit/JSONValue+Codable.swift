import Foundation
import JECPModels

// JECPModels keeps JSONValue free of Codable (the Hub parses and writes bytes itself); manifests are
// Codable, and their schemas, examples and metadata are arbitrary JSON, so the bridge lives here.
// Numbers keep their exact text: integers go through Int64 and decimals through Decimal, so a
// price rate such as 0.000002 is written back as 0.000002, never 2e-06.
extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .number(JSONNumber(value))
        } else if let value = try? container.decode(Decimal.self), value.isFinite {
            self = .number(JSONNumber(decimalText: value.description))
        } else if let value = try? container.decode(Double.self), value.isFinite {
            self = .number(JSONNumber(value))
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a JSON value.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .number(let number):
            if let integer = Int64(number.text) {
                try container.encode(integer)
            } else if let decimal = Decimal(string: number.text), decimal.isFinite {
                try container.encode(decimal)
            } else {
                try container.encode(number.double)
            }
        }
    }
}
