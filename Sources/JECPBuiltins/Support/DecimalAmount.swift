import Foundation
import JECPModels

/// Exact decimal arithmetic for document amounts (Foundation's base-10 `Decimal`, never Double).
enum DecimalAmount {
    /// Parses a JSON number literal exactly.
    static func parse(_ value: JSONValue) -> Decimal? {
        guard let text = value.numberValue?.text else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Rounds half away from zero to `scale` decimal places (the usual invoicing rule).
    static func round(_ value: Decimal, scale: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return output
    }

    /// Plain text with exactly `scale` decimals, e.g. `1234.50`.
    static func plain(_ value: Decimal, scale: Int) -> String {
        let rounded = round(value, scale: scale)
        let negative = rounded < 0
        let magnitude = negative ? -rounded : rounded
        var text = NSDecimalNumber(decimal: magnitude).stringValue  // shortest exact form, POSIX digits
        if text.contains("e") || text.contains("E") { text = String(describing: magnitude) }
        var parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { parts.append("") }
        var fraction = parts[1]
        while fraction.count < scale { fraction += "0" }
        let body = scale > 0 ? parts[0] + "." + fraction.prefix(scale) : parts[0]
        return (negative ? "-" : "") + body
    }

    /// A JSON number with exactly the decimals of the currency.
    static func json(_ value: Decimal, scale: Int) -> JSONValue {
        .number(JSONNumber(decimalText: plain(value, scale: scale)))
    }
}

/// Currencies the document capabilities format, with their minor units and symbols.
struct DocumentCurrency: Sendable {
    let code: String
    let symbol: String
    let scale: Int

    static let supported: [String: DocumentCurrency] = [
        "USD": .init(code: "USD", symbol: "$", scale: 2),
        "EUR": .init(code: "EUR", symbol: "€", scale: 2),
        "GBP": .init(code: "GBP", symbol: "£", scale: 2),
        "JPY": .init(code: "JPY", symbol: "¥", scale: 0),
    ]

    /// `$1,234.50`, `¥1,235`.
    func format(_ value: Decimal) -> String {
        let text = DecimalAmount.plain(value, scale: scale)
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        var grouped = ""
        for (offset, character) in parts[0].reversed().enumerated() {
            if offset > 0, offset % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let whole = String(grouped.reversed())
        return (negative ? "-" : "") + symbol + whole + (parts.count > 1 ? "." + parts[1] : "")
    }
}
