import ArgumentParser
import Foundation
import JECPClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

struct Invoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invoke an action of a capability, pay for it and print its output.",
        discussion: """
            The capability is hub/document-pipeline or, as two words, hub document-pipeline.
            Input: --input '{"key": "value"}', --input @file.json, --input - (stdin), or piped stdin; {} when none is given.
            Resending with the same --request-id returns the stored result and is not charged again.

            Example:
              jecp invoke hub document-pipeline generate-invoice --input @invoice.json --out invoices/
            """)

    @Argument(help: ArgumentHelp("<capability> <action>, or <provider> <capability> <action>.", valueName: "target"))
    var target: [String]

    @Option(help: ArgumentHelp("The input: JSON text, @file.json, or - for stdin.", valueName: "json|@file|-"))
    var input: String?

    @Option(help: ArgumentHelp("Spend at most this much on the call (mandate budget), e.g. 0.01.", valueName: "usdc"))
    var budget: String?

    @Option(name: .customLong("expires-in"), help: ArgumentHelp("Mandate lifetime: seconds or 90s, 5m, 1h.", valueName: "duration"))
    var expiresIn: String?

    @Option(name: .customLong("request-id"), help: ArgumentHelp("Idempotency id; the same id never pays twice.", valueName: "id"))
    var requestID: String?

    @Flag(help: "Stream the action's progress events live (actions marked as streaming).")
    var stream = false

    @Option(help: ArgumentHelp("Write binary outputs (PDF, PNG, ...) as files into this directory and print their paths.", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Seconds to wait for each attempt.", valueName: "seconds"))
    var timeout: Int = 120

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (2...3).contains(target.count) else {
            throw ValidationError("expected <capability> <action> or <provider> <capability> <action>, got \(target.count) argument(s)")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    var capabilityID: String { target.count == 3 ? "\(target[0])/\(target[1])" : target[0] }
    var action: String { target[target.count - 1] }

    static func newRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "req_" + (0..<12).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    func mandate() throws(CLIFailure) -> MandateOptions? {
        guard budget != nil || expiresIn != nil else { return nil }
        var limit: Money?
        if let budget {
            do {
                limit = try Money(decimal: budget)
            } catch {
                throw CLIFailure.usage("--budget must be a USDC amount with at most 6 decimals, e.g. 0.01; got '\(budget)'")
            }
            guard let limit, limit > .zero else { throw CLIFailure.usage("--budget must be greater than 0") }
        }
        let lifetime = try expiresIn.map { text throws(CLIFailure) in try DurationText.seconds(text) }
        return MandateOptions(budget: limit, expiresIn: lifetime.map { .seconds($0) })
    }

    func run() async throws {
        let capability = capabilityID
        try await CommandRunner.run(global, context: .init(capability: capability)) { context throws(CLIFailure) in
            let payload = try InputSource.read(input) {
                isatty(STDIN_FILENO) == 1 ? nil : FileHandle.standardInput.readDataToEndOfFile()
            }
            let options = InvokeOptions(requestID: requestID ?? Self.newRequestID(), mandate: try mandate())
            _ = try context.requireCredentials()
            try await context.withClient(timeout: .seconds(timeout)) { client throws(CLIFailure) in
                if stream {
                    try await streamed(client, input: payload, options: options, context: context)
                } else {
                    try await buffered(client, input: payload, options: options, context: context)
                }
            }
        }
    }

    func buffered(_ client: JECPClient, input: JSONValue, options: InvokeOptions, context: CommandContext) async throws(CLIFailure) {
        let (capability, action) = (capabilityID, action)
        let result = try await context.call("Invoking \(capability) \(action)") { () async throws -> InvokeResult<JSONValue> in
            try await client.invoke(capability, action, input: input, options: options)
        }
        let console = context.console
        let schema = out != nil || !console.json ? await outputSchema(client, context: context) : nil
        let written = try saveArtifacts(result.output, schema: schema, requestID: result.requestID)
        if console.json {
            var document = result.raw.objectValue ?? ["output": result.output]
            if out != nil { document["artifacts"] = .array(written.map(\.json)) }
            context.emit(.object(document))
            return
        }
        printOutput(result.output, schema: schema, written: written, context: context)
        console.note(console.styled(Self.footer(billing: result.billing, execution: result.execution, requestID: result.requestID,
                                                replayed: result.replayed), .dim, stderr: true))
    }

    func streamed(_ client: JECPClient, input: JSONValue, options: InvokeOptions, context: CommandContext) async throws(CLIFailure) {
        let console = context.console
        var output: JSONValue?
        var finish: (billing: Billing, execution: Execution, raw: JSONValue)?
        var events: [JSONValue] = []
        do {
            for try await event in client.invokeStream(capabilityID, action, input: input, options: options) {
                let json = Self.json(event)
                events.append(json)
                if !console.json, let line = Self.line(event) { console.out(console.styled("▸ ", .cyan) + line) }
                switch event {
                case .result(let value): output = value
                case .done(let billing, let execution, let raw): finish = (billing, execution, raw)
                case .error(let error): throw CLIFailure(error)
                case .cancelled(let reason):
                    throw CLIFailure(code: "CANCELLED", message: "The stream ended before the result: \(reason). Nothing is charged for an unfinished call.",
                                     exitCode: .network)
                default: break
                }
            }
        } catch {
            throw CLIFailure.from(error)
        }
        let requestID = options.requestID ?? ""
        let result = output ?? .null
        let schema = out != nil || !console.json ? await outputSchema(client, context: context) : nil
        let written = try saveArtifacts(result, schema: schema, requestID: requestID)
        if console.json {
            var document: [String: JSONValue] = [
                "jecp": "1.0", "status": "completed", "id": .string(requestID), "output": result, "events": .array(events),
            ]
            if let finish { document["done"] = finish.raw }
            if out != nil { document["artifacts"] = .array(written.map(\.json)) }
            context.emit(.object(document))
            return
        }
        printOutput(result, schema: schema, written: written, context: context)
        if let finish {
            console.note(console.styled(Self.footer(billing: finish.billing, execution: finish.execution, requestID: requestID, replayed: false),
                                        .dim, stderr: true))
        }
    }

    struct WrittenArtifact {
        var artifact: Artifact
        var file: String
        var json: JSONValue {
            ["path": .string(artifact.pointer), "file": .string(file), "media_type": artifact.mediaType.map { .string($0) } ?? .null,
             "bytes": .number(JSONNumber(artifact.bytes.count))]
        }
    }

    /// The action's output schema, which says which properties are files. Best effort: magic
    /// bytes still find PDFs and images without it.
    func outputSchema(_ client: JECPClient, context: CommandContext) async -> JSONValue? {
        let (capability, action) = (capabilityID, action)
        let detail = try? await context.call("Reading the output schema") { () async throws -> JSONValue in try await client.capability(id: capability) }
        return detail?["actions"]?.arrayValue?.first { ($0["id"]?.stringValue ?? $0["name"]?.stringValue) == action }?["output_schema"]
    }

    /// With `--out`: writes every artifact and returns where each went.
    func saveArtifacts(_ output: JSONValue, schema: JSONValue?, requestID: String) throws(CLIFailure) -> [WrittenArtifact] {
        guard let out else { return [] }
        let artifacts = Artifact.extract(from: output, outputSchema: schema)
        let files = try Artifact.write(artifacts, to: (out as NSString).expandingTildeInPath, stem: requestID)
        return zip(artifacts, files).map { WrittenArtifact(artifact: $0, file: $1) }
    }

    /// The output without base64 blobs: written artifacts show their file, others a size note.
    func printOutput(_ output: JSONValue, schema: JSONValue?, written: [WrittenArtifact], context: CommandContext) {
        let console = context.console
        var shown = output
        let files = Dictionary(written.map { ($0.artifact.path, $0.file) }, uniquingKeysWith: { first, _ in first })
        for artifact in Artifact.extract(from: output, outputSchema: schema) where files[artifact.path] == nil {
            shown = Self.replacing(shown, at: artifact.path[...],
                                   with: .string("<\(artifact.mediaType ?? "binary"), \(artifact.bytes.count) bytes: use --out DIR to save>"))
        }
        for (path, file) in files { shown = Self.replacing(shown, at: path[...], with: .string("<saved to \(file)>")) }
        console.out(shown.prettyPrinted())
        for item in written {
            console.out(console.styled("saved ", .green) + item.file + console.styled("  (\(item.artifact.mediaType ?? "binary"), \(item.artifact.bytes.count) bytes)", .dim))
        }
    }

    static func replacing(_ value: JSONValue, at path: ArraySlice<String>, with replacement: JSONValue) -> JSONValue {
        guard let key = path.first else { return replacement }
        guard case .object(var fields) = value, let child = fields[key] else { return value }
        fields[key] = replacing(child, at: path.dropFirst(), with: replacement)
        return .object(fields)
    }

    static func footer(billing: Billing, execution: Execution, requestID: String, replayed: Bool) -> String {
        var parts: [String] = []
        if billing.cost == .zero || billing.method.contains("free") {
            parts.append("free call" + (billing.freeCallsRemaining.map { " (\($0) left)" } ?? ""))
        } else {
            parts.append("paid \(billing.cost.decimalString) USDC")
        }
        if let balance = billing.balanceAfter { parts.append("balance \(balance.decimalString) USDC") }
        if let duration = execution.durationMilliseconds { parts.append("\(duration) ms") }
        parts.append(requestID + (replayed ? " (replayed, not charged again)" : ""))
        return parts.joined(separator: " · ")
    }

    static func line(_ event: StreamEvent) -> String? {
        switch event {
        case .status(let state, let step, let progress), .progress(let state, let step, let progress):
            var text = state
            if let step { text += " \(step)" }
            if let progress { text += " \(Int((progress <= 1 ? progress * 100 : progress).rounded()))%" }
            return text
        case .result: return "result"
        case .done(let billing, _, _): return "done (\(billing.cost.decimalString) USDC)"
        case .error(let error): return "error \(error.code.rawValue)"
        case .open: return "open"
        case .chunk(let delta, _): return delta
        case .meter(let value): return "meter \(value.serializedString())"
        case .completed: return "completed"
        case .cancelled(let reason): return "cancelled: \(reason)"
        case .other(let name, let data): return "\(name) \(data)"
        }
    }

    static func json(_ event: StreamEvent) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { .finite($0) } ?? .null }
        switch event {
        case .status(let state, let step, let progress):
            return ["event": "status", "state": .string(state), "step": step.map { .string($0) } ?? .null, "progress": number(progress)]
        case .progress(let state, let step, let progress):
            return ["event": "progress", "state": .string(state), "step": step.map { .string($0) } ?? .null, "progress": number(progress)]
        case .result: return ["event": "result"]  // the output is the document's `output`
        case .done(_, _, let raw): return ["event": "done", "data": raw]
        case .error(let error): return ["event": "error", "data": CLIFailure(error).envelope]
        case .open(let value): return ["event": "open", "data": value]
        case .chunk(let delta, let index): return ["event": "chunk", "delta": .string(delta), "index": index.map { .number(JSONNumber($0)) } ?? .null]
        case .meter(let value): return ["event": "meter", "data": value]
        case .completed(let value): return ["event": "completed", "data": value]
        case .cancelled(let reason): return ["event": "cancelled", "reason": .string(reason)]
        case .other(let name, let data): return ["event": .string(name), "data": .string(data)]
        }
    }
}
