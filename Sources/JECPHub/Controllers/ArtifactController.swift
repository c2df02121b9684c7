import Hummingbird
import JECPHubCore
import JECPModels

/// `GET /v1/artifacts/{id}?expires=…&sig=…`: artifacts of `delivery.format = url`. The signed URL
/// is the credential, so agents can hand it to another service; the signature is checked before
/// the database is touched.
struct ArtifactController<Store: HubStore>: Sendable {
    let services: HubServices<Store>

    func register(with router: Router<HubRequestContext>) {
        router.get("/v1/artifacts/:id") { request, context in
            try await fetch(request, id: try context.parameters.require("id"))
        }
    }

    func fetch(_ request: Request, id: String) async throws -> Response {
        let query = request.uri.queryParameters
        guard let expiresText = query["expires"], let expiresAt = Int64(String(expiresText)), let signature = query["sig"],
            services.artifactSigner.isValid(signature: String(signature), id: id, expiresAt: expiresAt)
        else {
            throw JECPError(.artifactSignatureInvalid, "This artifact URL is not valid: its signature does not match.",
                            details: ["artifact_id": .string(String(id.prefix(64)))])
        }
        let now = Timestamps.now()
        guard expiresAt > now else {
            throw JECPError(.artifactExpired, "This artifact URL expired at \(Timestamps.rfc3339(expiresAt)).",
                            details: ["expired_at": .string(Timestamps.rfc3339(expiresAt))])
        }
        let artifact = try await services.pools.read.run { () async throws(JECPError) -> ArtifactRecord? in
            do throws(StoreError) {
                return try await services.store.artifact(id: id, now: now)
            } catch {
                throw HubErrors.storeUnavailable(error)
            }
        }
        guard let artifact else {
            throw JECPError(.notFound, "The artifact \(id) no longer exists.", details: ["artifact_id": .string(id)])
        }
        let etag = "\"\(artifact.sha256)\""
        var headers: [(name: String, value: String)] = [
            ("Cache-Control", "private, max-age=\(expiresAt - now), immutable"), ("ETag", etag),
            ("Content-Disposition", "inline; filename=\"\(artifact.id).\(Self.fileExtension(artifact.mediaType))\""),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if request.headers[.ifNoneMatch] == etag {
            headers.removeAll { $0.name == "Content-Disposition" }
            return .bytes([], status: 304, contentType: artifact.mediaType, headers: headers)
        }
        return .bytes(artifact.bytes, status: 200, contentType: artifact.mediaType, headers: headers)
    }

    static func fileExtension(_ mediaType: String) -> String {
        switch mediaType {
        case "application/pdf": "pdf"
        case "image/png": "png"
        case "image/jpeg": "jpg"
        case "text/csv": "csv"
        default: "bin"
        }
    }
}
