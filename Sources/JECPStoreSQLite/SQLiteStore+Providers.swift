import Foundation
import GRDB
import JECPHubCore
import JECPModels

extension SQLiteStore {
    static let providerColumns = """
        id, namespace, display_name, owner_email, endpoint_url, country, website, key_hash, previous_key_hash,
        previous_key_valid_until, sealed_secret, dns_token, dns_verified_at, status, created_at
        """

    static func providerRecord(_ row: Row) -> ProviderRecord {
        ProviderRecord(
            id: row["id"], namespace: row["namespace"], displayName: row["display_name"], ownerEmail: row["owner_email"],
            endpointURL: row["endpoint_url"], country: row["country"], website: row["website"], keyHash: Array(row["key_hash"] as Data),
            previousKeyHash: (row["previous_key_hash"] as Data?).map { Array($0) }, previousKeyValidUntil: row["previous_key_valid_until"],
            sealedSecret: Array(row["sealed_secret"] as Data), dnsToken: row["dns_token"], dnsVerifiedAt: row["dns_verified_at"],
            status: ProviderStatus(rawValue: row["status"]) ?? .suspended, createdAt: row["created_at"])
    }

    static func manifestRecord(_ row: Row) -> ManifestRecord {
        ManifestRecord(id: row["id"], providerID: row["provider_id"], namespace: row["namespace"], capability: row["capability"],
                       version: row["version"], status: ManifestStatus(rawValue: row["status"]) ?? .submitted,
                       document: Array(row["document"] as Data), createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    static func fetchProvider(_ db: Database, id: String) throws -> ProviderRecord? {
        try Row.fetchOne(db, sql: "SELECT \(providerColumns) FROM providers WHERE id = ?", arguments: [id]).map(providerRecord)
    }

    /// Every change a node's catalog depends on bumps the revision in the same transaction.
    static func bumpCatalogRevision(_ db: Database) throws {
        try db.execute(sql: "UPDATE catalog_state SET revision = revision + 1 WHERE id = 1")
    }

    public func createProvider(_ provider: NewProvider) async throws(StoreError) -> ProviderRecord {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM providers WHERE namespace = ?", arguments: [provider.namespace]) != nil {
                throw StoreError.nameTaken
            }
            try db.execute(
                sql: """
                    INSERT INTO providers (id, namespace, display_name, owner_email, endpoint_url, country, website, key_hash,
                                           sealed_secret, dns_token, status, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)
                    """,
                arguments: [provider.id, provider.namespace, provider.displayName, provider.ownerEmail, provider.endpointURL, provider.country,
                            provider.website, Data(provider.keyHash), Data(provider.sealedSecret), provider.dnsToken, provider.createdAt])
            try Self.bumpCatalogRevision(db)
            return try Self.fetchProvider(db, id: provider.id)!
        }
    }

    public func provider(id: String) async throws(StoreError) -> ProviderRecord? {
        try await read { db in try Self.fetchProvider(db, id: id) }
    }

    public func provider(keyHash: [UInt8]) async throws(StoreError) -> ProviderRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.providerColumns) FROM providers WHERE key_hash = ?1 OR previous_key_hash = ?1",
                             arguments: [Data(keyHash)]).map(Self.providerRecord)
        }
    }

    public func allProviders() async throws(StoreError) -> [ProviderRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.providerColumns) FROM providers ORDER BY created_at, id").map(Self.providerRecord)
        }
    }

    public func updateProvider(id: String, status: ProviderStatus?, dnsVerifiedAt: Int64?, now: Int64) async throws(StoreError) -> ProviderRecord? {
        try await write { db in
            if let status {
                try db.execute(sql: "UPDATE providers SET status = ? WHERE id = ?", arguments: [status.rawValue, id])
            }
            if let dnsVerifiedAt {
                try db.execute(sql: "UPDATE providers SET dns_verified_at = COALESCE(dns_verified_at, ?) WHERE id = ?", arguments: [dnsVerifiedAt, id])
            }
            // Manifests published while unverified or suspended go live once the provider is both verified and active.
            try db.execute(
                sql: """
                    UPDATE manifests SET status = 'active', updated_at = ? WHERE provider_id = ? AND status = 'submitted'
                    AND EXISTS (SELECT 1 FROM providers WHERE id = ? AND status = 'active' AND dns_verified_at IS NOT NULL)
                    """,
                arguments: [now, id, id])
            try Self.bumpCatalogRevision(db)
            return try Self.fetchProvider(db, id: id)
        }
    }

    public func rotateProviderKey(providerID: String, newKeyHash: [UInt8], previousValidUntil: Int64?, maximumPer24h: Int, now: Int64)
        async throws(StoreError) -> RotationOutcome
    {
        try await write { db in
            try Self.rotateKey(db, of: .provider, id: providerID, newKeyHash: newKeyHash, previousValidUntil: previousValidUntil,
                               maximumPer24h: maximumPer24h, now: now)
        }
    }

    public func insertManifest(_ manifest: ManifestRecord) async throws(StoreError) {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM manifests WHERE namespace = ? AND capability = ? AND version = ?",
                                 arguments: [manifest.namespace, manifest.capability, manifest.version]) != nil {
                throw StoreError.nameTaken
            }
            try db.execute(
                sql: """
                    INSERT INTO manifests (id, provider_id, namespace, capability, version, status, document, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [manifest.id, manifest.providerID, manifest.namespace, manifest.capability, manifest.version, manifest.status.rawValue,
                            Data(manifest.document), manifest.createdAt, manifest.updatedAt])
            try Self.bumpCatalogRevision(db)
        }
    }

    public func manifests(namespace: String) async throws(StoreError) -> [ManifestRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM manifests WHERE namespace = ? ORDER BY created_at DESC, id DESC", arguments: [namespace])
                .map(Self.manifestRecord)
        }
    }

    public func publishedManifests() async throws(StoreError) -> [ManifestRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM manifests WHERE status <> 'submitted' ORDER BY namespace, capability, created_at")
                .map(Self.manifestRecord)
        }
    }

    public func setManifestStatus(namespace: String, capability: String, version: String, status: ManifestStatus, now: Int64)
        async throws(StoreError) -> ManifestRecord?
    {
        try await write { db in
            try db.execute(sql: "UPDATE manifests SET status = ?, updated_at = ? WHERE namespace = ? AND capability = ? AND version = ?",
                           arguments: [status.rawValue, now, namespace, capability, version])
            guard db.changesCount == 1 else { return nil }
            try Self.bumpCatalogRevision(db)
            return try Row.fetchOne(db, sql: "SELECT * FROM manifests WHERE namespace = ? AND capability = ? AND version = ?",
                                    arguments: [namespace, capability, version]).map(Self.manifestRecord)
        }
    }

    public func catalogRevision() async throws(StoreError) -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT revision FROM catalog_state WHERE id = 1") ?? 0 }
    }

    public func providerEarnings(namespace: String, since: Int64) async throws(StoreError) -> ProviderEarnings {
        try await read { db in
            let account = LedgerAccount.provider(namespace).name
            let lines = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.capability, t.action, strftime('%Y-%m-%d', t.created_at, 'unixepoch') AS day,
                           SUM(CASE WHEN t.kind = 'charge' THEN 1 ELSE 0 END) AS calls, SUM(e.amount_micros) AS amount,
                           SUM(CASE WHEN t.kind = 'refund' THEN 1 ELSE 0 END) AS refunds
                    FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                    WHERE e.account = ? AND t.created_at >= ?
                    GROUP BY t.capability, t.action, day
                    ORDER BY day DESC, t.capability, t.action
                    """,
                arguments: [account, since]
            ).map { row in
                EarningsLine(capability: row["capability"] ?? "", action: row["action"] ?? "", day: row["day"], calls: row["calls"],
                             amount: Money(micros: row["amount"]), refunds: row["refunds"])
            }
            let payable = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(amount_micros), 0) FROM ledger_entries WHERE account = ?", arguments: [account]) ?? 0
            return ProviderEarnings(lines: lines, payable: Money(micros: payable))
        }
    }

    public func providerCallCount(namespace: String) async throws(StoreError) -> Int64 {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM invocations WHERE substr(capability, 1, length(?1)) = ?1", arguments: [namespace + "/"]) ?? 0
        }
    }
}
