import Foundation
import Hummingbird
import JECPHubCore
import JECPModels

/// `/health`, `/health/live`, `/metrics`, `/openapi.json` and the error pages `/errors/{code}`.
struct OperationsController<Store: HubStore>: Sendable {
    let services: HubServices<Store>

    func register(with router: Router<HubRequestContext>) {
        router.get("/health") { _, _ in await health() }
        // The cheapest route on the server: the benchmark's framework ceiling.
        router.get("/health/live") { _, _ in Response.text("ok\n", contentType: "text/plain") }
        router.get("/metrics") { _, _ in
            Response.bytes(services.metrics.exposition(), status: 200, contentType: "text/plain; version=0.0.4")
        }
        router.get("/openapi.json") { _, _ in
            Response.json(OpenAPIDocument.build(settings: services.settings), headers: [("Access-Control-Allow-Origin", "*")])
        }
        router.get("/errors") { _, _ in Response.text(ErrorPages.index(settings: services.settings), contentType: "text/html; charset=utf-8") }
        router.get("/errors/:code") { _, context in
            let slug = try context.parameters.require("code")
            guard let code = ErrorCode(slug: slug) else {
                throw JECPError(.notFound, "No error code '\(slug)' in this Hub's catalog.", details: ["path": .string("/errors/\(slug)")])
            }
            return Response.text(ErrorPages.page(code, settings: services.settings), contentType: "text/html; charset=utf-8")
        }
    }

    /// Answers even when every pool is saturated: it takes no permit, and the database check is
    /// bounded by a short deadline.
    func health() async -> Response {
        let started = ContinuousClock.now
        let database: String
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await services.store.ping()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    return false
                }
                defer { group.cancelAll() }
                guard try await group.next() == true else { throw CancellationError() }
            }
            database = "ok"
        } catch {
            database = "down"
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let uptime = (ContinuousClock.now - services.startedAt).components.seconds
        // On PostgreSQL each lane also has its own connection pool.
        let connections = Dictionary(uniqueKeysWithValues: services.store.connectionPools.map { ($0.lane, $0) })
        var pools: [String: JSONValue] = [:]
        for pool in services.pools.all {
            var entry: [String: JSONValue] = ["size": .number(JSONNumber(pool.size)), "idle": .number(JSONNumber(pool.idle)),
                                              "waiting": .number(JSONNumber(pool.waiting))]
            if let database = connections[pool.lane] {
                entry["connections"] = ["size": .number(JSONNumber(database.size)), "in_flight": .number(JSONNumber(database.inFlight))]
            }
            pools[pool.name] = .object(entry)
        }
        let body: JSONValue = [
            "status": database == "ok" ? "ok" : "down",
            "engine": "jecp-v1",
            "version": .string(HubVersion.current),
            "uptime_seconds": .number(JSONNumber(uptime)),
            "checks": ["database": .string(database), "response_ms": .number(JSONNumber(milliseconds))],
            "pools": .object(pools),
            "pool_assignments": [
                "POST /v1/invoke": "invoke", "POST /v1/jecp": "invoke", "GET /v1/capabilities": "read",
                "GET /v1/agents/me/transactions": "read", "provider routes": "provider", "/admin/v1/*": "background",
                "background jobs": "background",
            ],
        ]
        return .json(body, status: database == "ok" ? 200 : 503, headers: [("Cache-Control", "no-cache")])
    }
}

/// Human-readable pages for `documentation_url`, rendered from the error catalog.
enum ErrorPages {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func page(_ code: ErrorCode, settings: HubSettings) -> String {
        let entry = code.entry
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(code.rawValue) - \(escape(settings.hubName))</title></head>
            <body>
            <h1 id="\(code.slug)">\(code.rawValue)</h1>
            <p><strong>HTTP \(entry.status)</strong>. Retry-safe: \(escape(entry.retrySafe)).</p>
            <h2>What it means</h2><p>\(escape(entry.meaning))</p>
            <h2>How to recover</h2><p>\(escape(entry.recovery))</p>
            \(entry.nextActionType.map { "<p>Responses carry <code>next_action.type = \"\($0)\"</code>.</p>" } ?? "")
            <p><a href="\(escape(settings.url("/errors")))">All error codes</a></p>
            </body></html>
            """
    }

    static func index(settings: HubSettings) -> String {
        let rows = ErrorCode.allCases.map { code in
            "<tr><td><a href=\"/errors/\(code.slug)\">\(code.rawValue)</a></td><td>\(code.httpStatus)</td><td>\(escape(code.entry.meaning))</td></tr>"
        }.joined(separator: "\n")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Error codes - \(escape(settings.hubName))</title></head>
            <body><h1>Error codes</h1><table><tr><th>Code</th><th>HTTP</th><th>Meaning</th></tr>
            \(rows)
            </table></body></html>
            """
    }
}
