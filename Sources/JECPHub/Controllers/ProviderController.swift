import Foundation
import HTTPTypes
import Hummingbird
import JECPHubCore
import JECPModels

/// Provider accounts and manifests (spec 04 §8), and the operator's provider routes.
struct ProviderController<Store: HubStore>: Sendable {
    let services: HubServices<Store>

    func register(with router: Router<HubRequestContext>) {
        let noStore: [(name: String, value: String)] = [("Cache-Control", "no-store")]
        router.post("/v1/providers/register") { request, context in
            var request = request
            let body = try await request.jsonBody(limit: 64 * 1024)
            let result = try await services.pools.background.run { () async throws(JECPError) -> JSONValue in
                try await services.providers.register(body: body, clientAddress: context.clientAddress, now: Date().timeIntervalSince1970)
            }
            return Response.json(result, status: 201, headers: noStore)
        }
        router.get("/v1/providers/me") { request, _ in
            let provider = try await authenticate(request)
            return Response.json(try await services.providers.profile(provider), headers: noStore)
        }
        router.post("/v1/providers/verify-dns") { request, _ in
            var request = request
            let body = try await request.jsonBody(limit: 16 * 1024)
            let provider = try await authenticate(request)
            return Response.json(try await services.providers.verifyDNS(provider, body: body == .object([:]) ? nil : body, now: Timestamps.now()),
                                 headers: noStore)
        }
        router.post("/v1/providers/me/rotate-key") { request, _ in
            var request = request
            let body = try await request.jsonBody(limit: 16 * 1024)
            let provider = try await authenticate(request)
            return Response.json(try await services.providers.rotateKey(provider, body: body, now: Timestamps.now()), headers: noStore)
        }
        router.get("/v1/providers/me/earnings") { request, _ in
            let provider = try await authenticate(request)
            let days = request.uri.queryParameters["days"].map(String.init)
            return Response.json(try await services.pools.read.run { () async throws(JECPError) -> JSONValue in
                try await services.providers.earnings(provider, days: days, now: Timestamps.now())
            }, headers: noStore)
        }

        router.post("/v1/manifests") { request, _ in
            var request = request
            let body: [UInt8]
            do {
                body = try await request.collectBodyBytes(limit: 1024 * 1024)
            } catch let error as JECPError where error.code == .inputTooLarge {
                throw JECPError(.manifestTooLarge, "The manifest exceeds 10 KB (spec 04 §4.4).", details: ["limit_bytes": 10_240])
            }
            let provider = try await authenticate(request)
            let result = try await services.manifests.publish(provider, body: body, contentType: request.headers[.contentType], now: Timestamps.now())
            return Response.json(result, status: 201, headers: noStore)
        }
        router.get("/v1/manifests") { request, _ in
            let provider = try await authenticate(request)
            return Response.json(try await services.manifests.list(provider), headers: noStore)
        }
        router.get("/v1/manifests/:namespace/:capability/:version") { _, context in
            let document = try await services.manifests.document(namespace: try context.parameters.require("namespace"),
                                                                 capability: try context.parameters.require("capability"),
                                                                 version: try context.parameters.require("version"))
            return Response.bytes(document, status: 200, headers: [("Cache-Control", "public, max-age=300")])
        }
        router.delete("/v1/manifests/:namespace/:capability/:version") { request, context in
            let provider = try await authenticate(request)
            return Response.json(try await services.manifests.sunset(provider, namespace: try context.parameters.require("namespace"),
                                                                     capability: try context.parameters.require("capability"),
                                                                     version: try context.parameters.require("version"), now: Timestamps.now()),
                                 headers: noStore)
        }

        let admin = router.group("admin/v1")
        admin.get("providers") { request, _ in
            try services.admin.authorize(request.headers[.authorization])
            return Response.json(try await services.providers.list())
        }
        admin.patch("providers/:provider_id") { request, context in
            var request = request
            try services.admin.authorize(request.headers[.authorization])
            let body = try await request.jsonBody()
            return Response.json(try await services.providers.update(id: try context.parameters.require("provider_id"), body: body, now: Timestamps.now()))
        }
    }

    func authenticate(_ request: Request) async throws(JECPError) -> ProviderRecord {
        try await services.pools.read.run { () async throws(JECPError) -> ProviderRecord in
            try await services.providers.authenticate(authorization: request.headers[.authorization], now: Timestamps.now())
        }
    }
}
