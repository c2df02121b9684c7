import Crypto
import Foundation
import JECPModels

/// Spec 01 §3.5 `delivery.format = url` and §7's 50 MB ceiling: moves base64 artifacts out of an
/// output into the store and puts signed Hub URLs in their place.
public struct ArtifactDelivery<Store: HubStore>: Sendable {
    let store: Store
    let signer: ArtifactSigner
    let settings: HubSettings

    public init(store: Store, signer: ArtifactSigner, settings: HubSettings) {
        self.store = store
        self.signer = signer
        self.settings = settings
    }

    /// Whether an inline response would pass the Hub's ceiling; estimated without serializing.
    public func fitsInline(_ output: JSONValue) -> Bool {
        Self.estimatedSize(output, limit: settings.maximumInlineResponseBytes) <= settings.maximumInlineResponseBytes
    }

    /// Stores every artifact present in `output` and returns the output with `<name>_url` fields.
    /// Artifacts are written before the charge; if the charge then fails they are never linked and
    /// the purge removes them at expiry.
    public func externalize(_ output: JSONValue, fields: [ArtifactField], agentID: String, now: Int64) async throws(JECPError) -> JSONValue {
        var output = output
        var records: [ArtifactRecord] = []
        let expiresAt = now + settings.artifactTTLSeconds
        for field in fields {
            guard case .string(let base64)? = Self.value(at: field.path[...], in: output),
                let data = Data(base64Encoded: base64)
            else { continue }
            let bytes = Array(data)
            let id = Self.newID()
            records.append(ArtifactRecord(id: id, agentID: agentID, mediaType: field.mediaType, bytes: bytes,
                                          sha256: SHA256.hash(data: bytes).hexString, createdAt: now, expiresAt: expiresAt))
            let url = signer.url(publicURL: settings.publicURL, id: id, expiresAt: expiresAt)
            output = Self.replacing(field.path[...], urlKey: field.urlKey, with: .string(url), in: output)
        }
        guard !records.isEmpty else { return output }
        let toSave = records
        try await withStore { try await store.saveArtifacts(toSave) }
        return output
    }

    /// 128 random bits, URL-safe.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "art_" + (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }

    static func value(at path: ArraySlice<String>, in value: JSONValue) -> JSONValue? {
        guard let key = path.first, let child = value[key] else { return nil }
        return path.count == 1 ? child : Self.value(at: path.dropFirst(), in: child)
    }

    static func replacing(_ path: ArraySlice<String>, urlKey: String, with replacement: JSONValue, in value: JSONValue) -> JSONValue {
        guard case .object(var object) = value, let key = path.first, let child = object[key] else { return value }
        if path.count == 1 {
            object[key] = nil
            object[urlKey] = replacement
        } else {
            object[key] = replacing(path.dropFirst(), urlKey: urlKey, with: replacement, in: child)
        }
        return .object(object)
    }

    /// An upper bound on the serialized size (escapes counted generously), stopping early past `limit`.
    static func estimatedSize(_ value: JSONValue, limit: Int) -> Int {
        switch value {
        case .null, .bool: return 5
        case .number(let number): return number.text.utf8.count
        case .string(let string): return string.utf8.count + 2
        case .array(let items):
            var total = 2
            for item in items {
                total += estimatedSize(item, limit: limit) + 1
                if total > limit { return total }
            }
            return total
        case .object(let members):
            var total = 2
            for (key, item) in members {
                total += key.utf8.count + 4 + estimatedSize(item, limit: limit)
                if total > limit { return total }
            }
            return total
        }
    }
}
