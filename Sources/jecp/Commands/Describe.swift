import ArgumentParser
import Foundation
import JECPClient

struct Describe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a capability's actions: price, trust tier, input and output schemas, and an example command.")

    @Argument(help: "The capability id, e.g. hub/document-pipeline or document-pipeline.")
    var capability: String

    @Flag(help: "Print the full JSON Schemas instead of a summary of their properties.")
    var schemas = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let (id, fullSchemas) = (capability, schemas)
        try await CommandRunner.run(global, context: .init(capability: id)) { context throws(CLIFailure) in
            let detail = try await context.withClient { client throws(CLIFailure) in
                try await context.call("Loading \(id)") { () async throws -> JSONValue in try await client.capability(id: id) }
            }
            let console = context.console
            if console.json {
                context.emit(detail)
                return
            }
            let capabilityID = detail["id"]?.stringValue ?? id
            var header = console.styled(capabilityID, .bold)
            if let display = detail["display_name"]?.stringValue { header += "  " + display }
            if let version = detail["version"]?.stringValue { header += console.styled("  v\(version)", .dim) }
            console.out(header)
            if let description = detail["description"]?.stringValue { console.out(description) }
            if let tags = detail["tags"]?.arrayValue, !tags.isEmpty { console.out(console.styled("tags: ", .dim) + JSONValue.array(tags).cellText) }
            for action in detail["actions"]?.arrayValue ?? [] {
                let name = action["id"]?.stringValue ?? action["name"]?.stringValue ?? "?"
                console.out()
                var line = console.styled(name, .bold, .cyan)
                if let price = action["price_usdc"]?.numberValue?.text { line += "  \(price) USDC" }
                if let tier = action["trust_tier_required"]?.stringValue { line += "  tier \(tier)" }
                if action["streaming"]?.boolValue == true { line += "  streams (--stream)" }
                if let limit = action["rate_limit_rpm"]?.numberValue?.text { line += "  \(limit)/min" }
                console.out(line)
                if let description = action["description"]?.stringValue { console.out("  " + description) }
                for (label, key) in [("input", "input_schema"), ("output", "output_schema")] {
                    guard let schema = action[key] else { continue }
                    if fullSchemas {
                        console.out("  \(label) schema:")
                        console.out(schema.prettyPrinted().split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
                    } else {
                        console.out("  \(label):")
                        for row in Self.summarize(schema) { console.out("    " + row) }
                    }
                }
                if let example = action["examples"]?.arrayValue?.first, let input = example["input"] {
                    console.out("  example:")
                    console.out("    jecp invoke \(capabilityID) \(name) --input \(Self.shellQuoted(input.serializedString()))")
                }
            }
            if !fullSchemas { console.note("\nFull JSON Schemas: jecp describe \(id) --schemas") }
        }
    }

    /// One line per top-level property: name (`*` when required), type, format or media type,
    /// and the description.
    static func summarize(_ schema: JSONValue) -> [String] {
        let properties = schema["properties"]?.objectValue ?? [:]
        guard !properties.isEmpty else { return [schema["type"]?.cellText ?? "(any)"] }
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var table = Table(["", "", ""])
        for name in properties.keys.sorted() {
            let property = properties[name]!
            var type = property["type"]?.cellText ?? (property["enum"] != nil ? "enum" : "any")
            if let items = property["items"]?["type"]?.stringValue, type == "array" { type += " of \(items)" }
            if let media = property["contentMediaType"]?.stringValue { type += " (\(media), base64)" }
            if let format = property["format"]?.stringValue { type += " (\(format))" }
            if let values = property["enum"]?.arrayValue { type += " " + values.map(\.cellText).joined(separator: "|") }
            table.append([name + (required.contains(name) ? "*" : ""), type, property["description"]?.stringValue ?? ""])
        }
        return table.render().split(separator: "\n", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }

    /// Single-quoted for POSIX shells.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
