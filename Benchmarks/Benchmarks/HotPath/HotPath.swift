import Benchmark
import Foundation
import JECPHubCore
import JECPModels
import JECPSchema
import JECPStoreSQLite
import Logging

/// The steps `POST /v1/invoke` takes for every call, one benchmark each. Instructions (where the
/// CPU exposes the counter) and allocations are the metrics that stay put on a noisy machine; wall
/// clock and throughput are for context. Committed static thresholds (Thresholds/) hold the p90
/// malloc counts; `benchmark thresholds check` fails when one rises.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.instructions, .mallocCountTotal, .wallClock, .throughput],
        timeUnits: .microseconds, maxDuration: .seconds(3), maxIterations: 100_000,
        thresholds: [.instructions: .init(relative: [.p50: 5]), .mallocCountTotal: .init(relative: [.p50: 2])])

    let apiKey = "jecp_ak_" + String(repeating: "k", count: 48)
    let agentID = "jecp_ag_benchmark000000000000000"
    let body = Array("""
        {"jecp":"1.0","id":"req_bench_0001","capability":"document-pipeline","action":"generate-invoice",
         "input":{"client_name":"ACME Corp","currency":"EUR","due_date":"2026-12-31",
                  "items":[{"name":"Consulting","quantity":2,"unit_price":150.5,"tax_rate":19},
                           {"name":"Travel","quantity":1,"unit_price":89.9,"tax_rate":7}]},
         "mandate":{"agent_id":"\(agentID)","api_key":"\(apiKey)","budget_usdc":0.05},
         "metadata":{"trace":"abc123"}}
        """.utf8)

    Benchmark("envelope_decode_and_validation") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try InvokeRequest(validating: try JSONValue(parsing: body)))
        }
    }

    let envelope = try! InvokeRequest(validating: try! JSONValue(parsing: body))
    Benchmark("idempotency_fingerprint") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(InvokePipeline<SQLiteStore>.fingerprint(envelope)) }
    }

    let now = Int64(Date().timeIntervalSince1970)
    let wire = Provenance.computeV2(apiKey: apiKey, agentID: agentID, timestamp: now, nonce: "0123456789abcdef0123456789abcdef")
    Benchmark("provenance_v2_verify") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Provenance.verifyV2(wire, apiKey: apiKey, agentID: agentID, now: now)) }
    }

    let schema: JSONValue = [
        "type": "object", "additionalProperties": false, "required": ["client_name", "items"],
        "properties": [
            "client_name": ["type": "string", "minLength": 1, "maxLength": 200],
            "currency": ["type": "string", "enum": ["USD", "EUR", "GBP", "JPY"]],
            "due_date": ["type": "string", "format": "date"],
            "items": ["type": "array", "minItems": 1, "maxItems": 1000, "items": [
                "type": "object", "additionalProperties": false, "required": ["name", "quantity", "unit_price", "tax_rate"],
                "properties": ["name": ["type": "string", "minLength": 1, "maxLength": 500],
                               "quantity": ["type": "number", "exclusiveMinimum": 0], "unit_price": ["type": "number", "minimum": 0],
                               "tax_rate": ["type": "number", "minimum": 0, "maximum": 100]],
            ]],
        ],
    ]
    let compiled = try! CompiledSchema(schema, formatAssertion: true)
    Benchmark("schema_validation_invoice_input") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(compiled.isValid(envelope.input)) }
    }

    Benchmark("ledger_charge_sqlite", configuration: .init(maxDuration: .seconds(5), maxIterations: 2_000)) { benchmark in
        // A fresh database per sample, outside the measurement: the cost measured is one settlement.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/hub.sqlite", logger: Logger(label: "bench"))
        let agent = try await store.createAgent(NewAgent(id: agentID, name: "bench", agentType: nil, description: nil, referredBy: nil,
                                                         keyHash: Array(repeating: 1, count: 32), freeCalls: 0, createdAt: now))
        _ = try await store.credit(WalletCredit(agentID: agent.id, amount: Money(micros: 1_000_000_000_000), reason: "bench",
                                                idempotencyKey: "bench-credit", source: .operatorFunding, now: now))
        let fingerprint = InvokePipeline<SQLiteStore>.fingerprint(envelope)
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            let completion = CompletedInvocation(
                invocationID: "inv-\(iteration)", transactionID: "txn-\(iteration)", agentID: agent.id, requestID: "req-\(iteration)",
                idempotencyKey: "req-\(iteration)", fingerprint: fingerprint, capability: "hub/document-pipeline", action: "generate-invoice",
                payee: .provider("hub"), price: Money(micros: 5_000), funding: .wallet, durationMilliseconds: 1, now: now,
                idempotencyExpiresAt: now + 86_400)
            blackHole(try await store.completeInvocation(completion) { _ in Array("{}".utf8) })
        }
        benchmark.stopMeasurement()
        try await store.close()
    }
}
