import JECPHubCore
import JECPModels
import PostgresNIO

extension PostgresStore {
    static let providerColumns = """
        id, namespace, display_name, owner_email, endpoint_url, country, website, key_hash, previous_key_hash,
        previous_key_valid_until, sealed_secret, dns_token, dns_verified_at, status, created_at
        """
    static let manifestColumns = "id, provider_id, namespace, capability, version, status, document, created_at, updated_at"

    static func providerRecord(_ row: PostgresRow) throws -> ProviderRecord {
        let columns = try row.decode((String, String, String, String, String, String, String?, ByteBuffer, ByteBuffer?, Int64?, ByteBuffer,
                                      String, Int64?, String, Int64).self)
        return ProviderRecord(
            id: columns.0, namespace: columns.1, displayName: columns.2, ownerEmail: columns.3, endpointURL: columns.4, country: columns.5,
            website: columns.6, keyHash: Array(buffer: columns.7), previousKeyHash: columns.8.map { Array(buffer: $0) },
            previousKeyValidUntil: columns.9, sealedSecret: Array(buffer: columns.10), dnsToken: columns.11, dnsVerifiedAt: columns.12,
            status: ProviderStatus(rawValue: columns.13) ?? .suspended, createdAt: columns.14)
    }

    static func manifestRecord(_ row: PostgresRow) throws -> ManifestRecord {
        let (id, providerID, namespace, capability, version, status, document, createdAt, updatedAt) =
            try row.decode((String, String, String, String, String, String, ByteBuffer, Int64, Int64).self)
        return ManifestRecord(id: id, providerID: providerID, namespace: namespace, capability: capability, version: version,
                              status: ManifestStatus(rawValue: status) ?? .submitted, document: Array(buffer: document),
                              createdAt: createdAt, updatedAt: updatedAt)
    }

    static func bumpCatalogRevision(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE catalog_state SET revision = revision + 1 WHERE id = 1", logger: logger)
    }

    public func createProvider(_ provider: NewProvider) async throws(StoreError) -> ProviderRecord {
        let logger = self.logger
        let created: ProviderRecord? = try await transaction { connection in
            let rows = try await connection.rows("""
                INSERT INTO providers (id, namespace, display_name, owner_email, endpoint_url, country, website, key_hash,
                                       sealed_secret, dns_token, status, created_at)
                VALUES (\(provider.id), \(provider.namespace), \(provider.displayName), \(provider.ownerEmail), \(provider.endpointURL),
                        \(provider.country), \(provider.website), \(ByteBuffer(bytes: provider.keyHash)), \(ByteBuffer(bytes: provider.sealedSecret)),
                        \(provider.dnsToken), 'active', \(provider.createdAt))
                ON CONFLICT (namespace) DO NOTHING
                RETURNING \(unescaped: Self.providerColumns)
                """, logger: logger)
            guard let row = rows.first else { return nil }
            try await Self.bumpCatalogRevision(connection, logger: logger)
            return try Self.providerRecord(row)
        }
        guard let created else { throw .nameTaken }
        return created
    }

    public func provider(id: String) async throws(StoreError) -> ProviderRecord? {
        let rows = try await query("SELECT \(unescaped: Self.providerColumns) FROM providers WHERE id = \(id)")
        return try decode { try rows.first.map(Self.providerRecord) }
    }

    public func provider(keyHash: [UInt8]) async throws(StoreError) -> ProviderRecord? {
        let hash = ByteBuffer(bytes: keyHash)
        let rows = try await query("SELECT \(unescaped: Self.providerColumns) FROM providers WHERE key_hash = \(hash) OR previous_key_hash = \(hash)")
        return try decode { try rows.first.map(Self.providerRecord) }
    }

    public func allProviders() async throws(StoreError) -> [ProviderRecord] {
        let rows = try await query("SELECT \(unescaped: Self.providerColumns) FROM providers ORDER BY created_at, id")
        return try decode { try rows.map(Self.providerRecord) }
    }

    public func updateProvider(id: String, status: ProviderStatus?, dnsVerifiedAt: Int64?, now: Int64) async throws(StoreError) -> ProviderRecord? {
        let logger = self.logger
        return try await transaction { connection in
            if let status {
                try await connection.query("UPDATE providers SET status = \(status.rawValue) WHERE id = \(id)", logger: logger)
            }
            if let dnsVerifiedAt {
                try await connection.query("UPDATE providers SET dns_verified_at = COALESCE(dns_verified_at, \(dnsVerifiedAt)) WHERE id = \(id)",
                                           logger: logger)
            }
            // Manifests published while unverified or suspended go live once the provider is both verified and active.
            try await connection.query("""
                UPDATE manifests SET status = 'active', updated_at = \(now) WHERE provider_id = \(id) AND status = 'submitted'
                AND EXISTS (SELECT 1 FROM providers WHERE id = \(id) AND status = 'active' AND dns_verified_at IS NOT NULL)
                """, logger: logger)
            try await Self.bumpCatalogRevision(connection, logger: logger)
            return try await connection.rows("SELECT \(unescaped: Self.providerColumns) FROM providers WHERE id = \(id)", logger: logger)
                .first.map(Self.providerRecord)
        }
    }

    public func rotateProviderKey(providerID: String, newKeyHash: [UInt8], previousValidUntil: Int64?, maximumPer24h: Int, now: Int64)
        async throws(StoreError) -> RotationOutcome
    {
        try await rotateKey(of: .provider, id: providerID, newKeyHash: newKeyHash, previousValidUntil: previousValidUntil,
                            maximumPer24h: maximumPer24h, now: now)
    }

    public func insertManifest(_ manifest: ManifestRecord) async throws(StoreError) {
        let logger = self.logger
        let inserted = try await transaction { connection in
            let rows = try await connection.rows("""
                INSERT INTO manifests (id, provider_id, namespace, capability, version, status, document, created_at, updated_at)
                VALUES (\(manifest.id), \(manifest.providerID), \(manifest.namespace), \(manifest.capability), \(manifest.version),
                        \(manifest.status.rawValue), \(ByteBuffer(bytes: manifest.document)), \(manifest.createdAt), \(manifest.updatedAt))
                ON CONFLICT (namespace, capability, version) DO NOTHING
                RETURNING id
                """, logger: logger)
            guard !rows.isEmpty else { return false }
            try await Self.bumpCatalogRevision(connection, logger: logger)
            return true
        }
        guard inserted else { throw .nameTaken }
    }

    public func manifests(namespace: String) async throws(StoreError) -> [ManifestRecord] {
        let rows = try await query("""
            SELECT \(unescaped: Self.manifestColumns) FROM manifests WHERE namespace = \(namespace) ORDER BY created_at DESC, id DESC
            """)
        return try decode { try rows.map(Self.manifestRecord) }
    }

    public func publishedManifests() async throws(StoreError) -> [ManifestRecord] {
        let rows = try await query("""
            SELECT \(unescaped: Self.manifestColumns) FROM manifests WHERE status <> 'submitted' ORDER BY namespace, capability, created_at
            """)
        return try decode { try rows.map(Self.manifestRecord) }
    }

    public func setManifestStatus(namespace: String, capability: String, version: String, status: ManifestStatus, now: Int64)
        async throws(StoreError) -> ManifestRecord?
    {
        let logger = self.logger
        return try await transaction { connection in
            let rows = try await connection.rows("""
                UPDATE manifests SET status = \(status.rawValue), updated_at = \(now)
                WHERE namespace = \(namespace) AND capability = \(capability) AND version = \(version)
                RETURNING \(unescaped: Self.manifestColumns)
                """, logger: logger)
            guard let row = rows.first else { return nil }
            try await Self.bumpCatalogRevision(connection, logger: logger)
            return try Self.manifestRecord(row)
        }
    }

    public func catalogRevision() async throws(StoreError) -> Int64 {
        let rows = try await query("SELECT revision FROM catalog_state WHERE id = 1")
        return try decode { try rows.first?.decode(Int64.self) ?? 0 }
    }

    public func providerEarnings(namespace: String, since: Int64) async throws(StoreError) -> ProviderEarnings {
        let account = LedgerAccount.provider(namespace).name
        let lineRows = try await query("""
            SELECT COALESCE(t.capability, ''), COALESCE(t.action, ''), to_char(to_timestamp(t.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                   SUM(CASE WHEN t.kind = 'charge' THEN 1 ELSE 0 END)::bigint, SUM(e.amount_micros)::bigint,
                   SUM(CASE WHEN t.kind = 'refund' THEN 1 ELSE 0 END)::bigint
            FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
            WHERE e.account = \(account) AND t.created_at >= \(since)
            GROUP BY 1, 2, 3
            ORDER BY 3 DESC, 1, 2
            """)
        let payableRows = try await query("SELECT COALESCE(SUM(amount_micros), 0)::bigint FROM ledger_entries WHERE account = \(account)")
        return try decode {
            let lines = try lineRows.map { row in
                let (capability, action, day, calls, amount, refunds) = try row.decode((String, String, String, Int64, Int64, Int64).self)
                return EarningsLine(capability: capability, action: action, day: day, calls: calls, amount: Money(micros: amount), refunds: refunds)
            }
            return ProviderEarnings(lines: lines, payable: Money(micros: try payableRows[0].decode(Int64.self)))
        }
    }

    public func providerCallCount(namespace: String) async throws(StoreError) -> Int64 {
        let rows = try await query("SELECT COUNT(*)::bigint FROM invocations WHERE starts_with(capability, \(namespace + "/"))")
        return try decode { try rows[0].decode(Int64.self) }
    }
}
