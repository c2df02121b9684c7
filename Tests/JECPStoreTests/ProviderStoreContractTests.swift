import Foundation
import JECPHubCore
import JECPModels
import JECPTestPostgres
import Testing

/// Provider and manifest persistence, alike on SQLite and PostgreSQL.
@Suite("Provider store contract")
struct ProviderStoreContractTests {
    static let now: Int64 = 1_800_000_000

    static func newProvider(_ namespace: String, key: UInt8 = 1) -> NewProvider {
        NewProvider(id: "pr_" + UUID().uuidString.lowercased().prefix(12), namespace: namespace, displayName: "Display \(namespace)",
                    ownerEmail: "ops@\(namespace).example", endpointURL: "https://\(namespace).example/jecp", country: "JP", website: nil,
                    keyHash: Array(repeating: key, count: 32), sealedSecret: [1, 2, 3, key], dnsToken: "token-\(namespace)", createdAt: now)
    }

    static func manifest(_ provider: ProviderRecord, capability: String = "translate", version: String, status: ManifestStatus = .active,
                         at time: Int64 = now) -> ManifestRecord {
        ManifestRecord(id: "man_" + UUID().uuidString.lowercased().prefix(12), providerID: provider.id, namespace: provider.namespace,
                       capability: capability, version: version, status: status, document: Array("{\"version\":\"\(version)\"}".utf8),
                       createdAt: time, updatedAt: time)
    }

    @Test("providers: create, unique namespace, lookup by current and previous key hash", arguments: StoreBackend.available)
    func providers(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let before = try await store.catalogRevision()
            let created = try await store.createProvider(Self.newProvider("deepl", key: 1))
            #expect(created.namespace == "deepl" && created.status == .active && created.dnsVerifiedAt == nil && created.sealedSecret == [1, 2, 3, 1])
            #expect(try await store.catalogRevision() > before)
            await #expect(throws: StoreError.nameTaken) { _ = try await store.createProvider(Self.newProvider("deepl", key: 2)) }
            #expect(try await store.provider(id: created.id) == created)
            #expect(try await store.provider(keyHash: Array(repeating: 1, count: 32)) == created)
            #expect(try await store.provider(keyHash: Array(repeating: 9, count: 32)) == nil)

            #expect(try await store.rotateProviderKey(providerID: created.id, newKeyHash: Array(repeating: 5, count: 32), previousValidUntil: Self.now + 60,
                                                      maximumPer24h: 1, now: Self.now) == .rotated)
            let rotated = try #require(try await store.provider(keyHash: Array(repeating: 1, count: 32)))
            #expect(rotated.keyHash == Array(repeating: 5, count: 32) && rotated.previousKeyValidUntil == Self.now + 60)
            #expect(try await store.provider(keyHash: Array(repeating: 5, count: 32))?.id == created.id)
            #expect(try await store.rotateProviderKey(providerID: created.id, newKeyHash: [7], previousValidUntil: nil, maximumPer24h: 1, now: Self.now + 5)
                    == .capReached(rotationsInWindow: 1, oldestInWindow: Self.now))
            #expect(try await store.rotateProviderKey(providerID: "pr_missing", newKeyHash: [7], previousValidUntil: nil, maximumPer24h: 1, now: Self.now)
                    == .agentMissing)
            _ = try await store.createProvider(Self.newProvider("acme", key: 3))
            #expect(try await store.allProviders().map(\.namespace).sorted() == ["acme", "deepl"])
        }
    }

    @Test("manifests: unique versions, history, DNS verification activates submitted ones, sunset", arguments: StoreBackend.available)
    func manifests(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let provider = try await store.createProvider(Self.newProvider("deepl"))
            try await store.insertManifest(Self.manifest(provider, version: "1.0.0", status: .submitted, at: Self.now))
            try await store.insertManifest(Self.manifest(provider, version: "1.10.0", status: .submitted, at: Self.now + 1))
            await #expect(throws: StoreError.nameTaken) { try await store.insertManifest(Self.manifest(provider, version: "1.0.0")) }
            #expect(try await store.publishedManifests().isEmpty)
            #expect(try await store.manifests(namespace: "deepl").map(\.version) == ["1.10.0", "1.0.0"])

            let revision = try await store.catalogRevision()
            let verified = try #require(try await store.updateProvider(id: provider.id, status: nil, dnsVerifiedAt: Self.now + 10, now: Self.now + 10))
            #expect(verified.dnsVerifiedAt == Self.now + 10)
            #expect(try await store.catalogRevision() > revision)
            #expect(try await store.publishedManifests().map(\.status) == [.active, .active])
            // Verifying again keeps the first proof's time.
            #expect(try await store.updateProvider(id: provider.id, status: nil, dnsVerifiedAt: Self.now + 99, now: Self.now + 99)?.dnsVerifiedAt == Self.now + 10)

            let sunset = try #require(try await store.setManifestStatus(namespace: "deepl", capability: "translate", version: "1.0.0", status: .sunset,
                                                                        now: Self.now + 20))
            #expect(sunset.status == .sunset && sunset.updatedAt == Self.now + 20)
            #expect(try await store.setManifestStatus(namespace: "deepl", capability: "translate", version: "9.9.9", status: .sunset, now: Self.now) == nil)
            let suspended = try #require(try await store.updateProvider(id: provider.id, status: .suspended, dnsVerifiedAt: nil, now: Self.now + 30))
            #expect(suspended.status == .suspended)
            #expect(try await store.updateProvider(id: "pr_missing", status: .active, dnsVerifiedAt: nil, now: Self.now) == nil)
        }
    }

    @Test("earnings come from the provider's ledger account, per capability, action and day", arguments: StoreBackend.available)
    func earnings(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let agent = try await store.createAgent(StoreContractTests.newAgent())
            _ = try await store.credit(StoreContractTests.credit(agent, "1"))
            for (offset, action) in [(0, "translate"), (1, "translate"), (86_400, "detect")] {
                var call = StoreContractTests.invocation(agent, price: "0.1")
                call.capability = "deepl/translate"
                call.action = action
                call.payee = .provider("deepl")
                call.now = Self.now + Int64(offset)
                guard case .completed = try await store.completeInvocation(call, render: StoreContractTests.render) else {
                    Issue.record("settlement failed")
                    return
                }
            }
            let earnings = try await store.providerEarnings(namespace: "deepl", since: Self.now - 86_400)
            #expect(earnings.payable == (try Money(decimal: "0.255")))
            #expect(earnings.lines == [
                EarningsLine(capability: "deepl/translate", action: "detect", day: "2027-01-16", calls: 1, amount: try Money(decimal: "0.085")),
                EarningsLine(capability: "deepl/translate", action: "translate", day: "2027-01-15", calls: 2, amount: try Money(decimal: "0.17")),
            ])
            #expect(try await store.providerEarnings(namespace: "deepl", since: Self.now + 86_400).lines.count == 1)
            #expect(try await store.providerCallCount(namespace: "deepl") == 3)
            #expect(try await store.providerCallCount(namespace: "deep") == 0)
        }
    }
}
