import Foundation
import JECPClient

/// Binary outputs of an invocation (PDFs, images) that `--out DIR` writes to files.
///
/// A property counts when the action's output schema marks it `contentEncoding: base64` or gives
/// a `contentMediaType`, or, without a schema, when its base64 decodes to a recognizable PDF,
/// PNG or JPEG (so providers whose schema says less still work).
struct Artifact: Equatable, Sendable {
    /// JSON pointer tokens of the property inside `output`.
    var path: [String]
    var mediaType: String?
    var bytes: [UInt8]

    var fileExtension: String { Self.fileExtension(mediaType: mediaType, bytes: bytes) }
    var pointer: String { "/" + path.joined(separator: "/") }

    static func fileExtension(mediaType: String?, bytes: [UInt8]) -> String {
        if let sniffed = sniff(bytes) { return sniffed.ext }
        switch mediaType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "application/pdf": return "pdf"
        case "image/png": return "png"
        case "image/jpeg", "image/jpg": return "jpg"
        case "image/gif": return "gif"
        case "image/webp": return "webp"
        case "image/svg+xml": return "svg"
        case "text/csv": return "csv"
        case "text/plain": return "txt"
        case "text/html": return "html"
        case "text/markdown": return "md"
        case "application/json": return "json"
        case "application/zip": return "zip"
        default: return "bin"
        }
    }

    /// Magic bytes win over a declared type: the file must open in the program its name promises.
    static func sniff(_ bytes: [UInt8]) -> (ext: String, mediaType: String)? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return ("pdf", "application/pdf") }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return ("png", "image/png") }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return ("jpg", "image/jpeg") }
        if bytes.starts(with: Array("GIF8".utf8)) { return ("gif", "image/gif") }
        return nil
    }

    /// Pointer paths of the properties the schema declares as encoded content, with their media types.
    static func declaredFields(in schema: JSONValue?) -> [[String]: String?] {
        var fields: [[String]: String?] = [:]
        func walk(_ node: JSONValue?, path: [String], depth: Int) {
            guard let node, depth < 8 else { return }
            if !path.isEmpty, node["contentEncoding"]?.stringValue?.lowercased() == "base64" || node["contentMediaType"] != nil {
                fields[path] = node["contentMediaType"]?.stringValue
            }
            for (name, child) in node["properties"]?.objectValue ?? [:] { walk(child, path: path + [name], depth: depth + 1) }
        }
        walk(schema, path: [], depth: 0)
        return fields
    }

    /// Artifacts present in `output`, in pointer order.
    static func extract(from output: JSONValue, outputSchema: JSONValue?) -> [Artifact] {
        let declared = declaredFields(in: outputSchema)
        var found: [Artifact] = []
        func walk(_ value: JSONValue, path: [String], depth: Int) {
            switch value {
            case .object(let fields) where depth < 8:
                for (name, child) in fields { walk(child, path: path + [name], depth: depth + 1) }
            case .string(let text):
                if let mediaType = declared[path] {
                    if let bytes = decodeBase64(text) { found.append(Artifact(path: path, mediaType: mediaType ?? sniff(bytes)?.mediaType, bytes: bytes)) }
                } else if looksLikeEncodedFile(text), let bytes = decodeBase64(text), let kind = sniff(bytes) {
                    found.append(Artifact(path: path, mediaType: kind.mediaType, bytes: bytes))
                }
            default:
                break
            }
        }
        walk(output, path: [], depth: 0)
        return found.sorted { $0.pointer < $1.pointer }
    }

    /// Base64 prefixes of the formats `sniff` knows, checked before decoding every string.
    static func looksLikeEncodedFile(_ text: String) -> Bool {
        text.count >= 16 && (text.hasPrefix("JVBERi0") || text.hasPrefix("iVBORw0KGgo") || text.hasPrefix("/9j/") || text.hasPrefix("R0lGOD"))
    }

    static func decodeBase64(_ text: String) -> [UInt8]? {
        var normalized = text.filter { !$0.isWhitespace }
        // Accept the URL-safe alphabet and missing padding too.
        normalized = normalized.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while normalized.count % 4 != 0 { normalized += "=" }
        return Data(base64Encoded: normalized).map { [UInt8]($0) }
    }

    /// Writes each artifact as `<stem>-<property path>.<ext>` in `directory` (created if needed)
    /// and returns the paths written.
    static func write(_ artifacts: [Artifact], to directory: String, stem: String) throws(CLIFailure) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIFailure.io("cannot create the output directory \(directory): \(error.localizedDescription)")
        }
        var paths: [String] = []
        for artifact in artifacts {
            let name = artifact.path.map { $0.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } }.joined(separator: "-")
            let file = (directory as NSString).appendingPathComponent("\(safe(stem))-\(name.isEmpty ? "output" : name).\(artifact.fileExtension)")
            do {
                try Data(artifact.bytes).write(to: URL(fileURLWithPath: file), options: .atomic)
            } catch {
                throw CLIFailure.io("cannot write \(file): \(error.localizedDescription)")
            }
            paths.append(file)
        }
        return paths
    }

    private static func safe(_ text: String) -> String {
        let cleaned = text.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        return cleaned.isEmpty ? "artifact" : String(cleaned.prefix(80))
    }
}
