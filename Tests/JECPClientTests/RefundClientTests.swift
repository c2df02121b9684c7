import Foundation
import JECPClient
import Testing

/// The SDK's refund calls: what they send, how they decode, and that none is retried.
@Suite struct RefundClientTests {
    static let refund: JSONValue = [
        "id": "jecp_rf_1", "transaction_id": "tx-1", "status": "requested", "amount_usdc": .number(JSONNumber(decimalText: "0.01")), "reason": "broken", "currency": "USDC",
        "evidence_url": .null, "capability": "shop/tools", "action": "work", "provider_namespace": "shop", "decided_by": .null,
        "created_at": "2026-11-25T06:00:00Z", "auto_approve_at": "2026-11-28T06:00:00Z", "refund_transaction_id": .null,
    ]

    @Test func requestSendsTheBodyAndDecodesTheRefund() async throws {
        let transport = FakeTransport([Fixtures.json(201, Self.refund)])
        let refund = try await Fixtures.client(transport).requestRefund(transactionID: "tx-1", reason: "broken", evidenceURL: "https://e.example/x")
        #expect(refund.id == "jecp_rf_1" && refund.status == "requested" && refund.amount == Money(micros: 10_000))
        #expect(refund.providerNamespace == "shop" && refund.autoApproveAt != nil && refund.decidedBy == nil)
        let sent = try #require(transport.requests.first)
        #expect(sent.method == "POST" && sent.url.hasSuffix("/v1/refunds"))
        let body = try JSONValue(parsing: try #require(sent.body))
        #expect(body == ["transaction_id": "tx-1", "reason": "broken", "evidence_url": "https://e.example/x"])
    }

    @Test func noRefundCallIsRetried() async throws {
        let request = FakeTransport([Fixtures.error(503, "SERVICE_DEGRADED"), Fixtures.json(201, Self.refund)])
        #expect(try #require(await failure { try await Fixtures.client(request).requestRefund(transactionID: "tx-1", reason: "x") }).code == .serviceDegraded)
        #expect(request.requests.count == 1)
        let list = FakeTransport([.failure(TransportError(.network, "reset")), Fixtures.json(200, ["refunds": [Self.refund]])])
        #expect(try #require(await failure { try await Fixtures.client(list).refunds() }).code == .network)
        #expect(list.requests.count == 1)
    }

    @Test func listingPassesTheFiltersAndTheCursor() async throws {
        let transport = FakeTransport([Fixtures.json(200, ["refunds": [Self.refund], "next_cursor": "7"])])
        let page = try await Fixtures.client(transport).refunds(status: "requested", cursor: "9", limit: 5)
        #expect(page.refunds.map(\.id) == ["jecp_rf_1"] && page.nextCursor == "7")
        let url = try #require(transport.requests.first?.url)
        #expect(url.contains("status=requested") && url.contains("cursor=9") && url.contains("limit=5"), "\(url)")
    }

    @Test func refundErrorsDecodeWithTheirCodeAndDetails() async throws {
        let transport = FakeTransport([Fixtures.json(409, Fixtures.errorEnvelope("REFUND_ALREADY_DECIDED", details: ["status": "approved"]))])
        let error = try #require(await failure { try await Fixtures.client(transport).refund(id: "jecp_rf_1") })
        #expect(error.code.rawValue == "REFUND_ALREADY_DECIDED" && error.details["status"] == "approved")
    }
}
