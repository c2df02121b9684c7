import GRDB

/// Versioned schema. Append migrations; never edit a shipped one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(sql: """
                CREATE TABLE agents (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    agent_type TEXT,
                    description TEXT,
                    referred_by TEXT,
                    key_hash BLOB NOT NULL,
                    previous_key_hash BLOB,
                    previous_key_valid_until INTEGER,
                    tier_floor TEXT,
                    suspended INTEGER NOT NULL DEFAULT 0,
                    total_calls INTEGER NOT NULL DEFAULT 0,
                    free_calls_remaining INTEGER NOT NULL CHECK (free_calls_remaining >= 0),
                    balance_micros INTEGER NOT NULL DEFAULT 0 CHECK (balance_micros >= 0),
                    created_at INTEGER NOT NULL,
                    version INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE key_rotations (
                    agent_id TEXT NOT NULL REFERENCES agents(id),
                    rotated_at INTEGER NOT NULL
                );
                CREATE INDEX key_rotations_by_agent ON key_rotations(agent_id, rotated_at);
                CREATE TABLE ledger_transactions (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('charge', 'credit')),
                    agent_id TEXT,
                    invocation_id TEXT,
                    idempotency_key TEXT UNIQUE,
                    memo TEXT,
                    capability TEXT,
                    action TEXT,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE ledger_entries (
                    seq INTEGER PRIMARY KEY,
                    transaction_id TEXT NOT NULL REFERENCES ledger_transactions(id),
                    account TEXT NOT NULL,
                    account_class TEXT NOT NULL,
                    amount_micros INTEGER NOT NULL,
                    balance_after_micros INTEGER
                );
                CREATE INDEX ledger_entries_by_account ON ledger_entries(account, seq);
                CREATE INDEX ledger_entries_by_transaction ON ledger_entries(transaction_id);
                CREATE TABLE invocations (
                    id TEXT PRIMARY KEY NOT NULL,
                    agent_id TEXT NOT NULL REFERENCES agents(id),
                    request_id TEXT NOT NULL,
                    capability TEXT NOT NULL,
                    action TEXT NOT NULL,
                    price_micros INTEGER NOT NULL,
                    method TEXT NOT NULL,
                    transaction_id TEXT UNIQUE,
                    status TEXT NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE idempotency_records (
                    agent_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint BLOB NOT NULL,
                    status_code INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (agent_id, key)
                ) WITHOUT ROWID;
                CREATE INDEX idempotency_records_by_expiry ON idempotency_records(expires_at);
                """)
        }
        migrator.registerMigration("v2-artifacts") { db in
            try db.execute(sql: """
                CREATE TABLE artifacts (
                    id TEXT PRIMARY KEY NOT NULL,
                    agent_id TEXT NOT NULL,
                    media_type TEXT NOT NULL,
                    bytes BLOB NOT NULL,
                    sha256 TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX artifacts_by_expiry ON artifacts(expires_at);
                """)
        }
        migrator.registerMigration("v3-providers") { db in
            try db.execute(sql: """
                CREATE TABLE providers (
                    id TEXT PRIMARY KEY NOT NULL,
                    namespace TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    owner_email TEXT NOT NULL,
                    endpoint_url TEXT NOT NULL,
                    country TEXT NOT NULL,
                    website TEXT,
                    key_hash BLOB NOT NULL UNIQUE,
                    previous_key_hash BLOB,
                    previous_key_valid_until INTEGER,
                    sealed_secret BLOB NOT NULL,
                    dns_token TEXT NOT NULL,
                    dns_verified_at INTEGER,
                    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX providers_by_previous_key ON providers(previous_key_hash);
                CREATE TABLE provider_key_rotations (
                    provider_id TEXT NOT NULL REFERENCES providers(id),
                    rotated_at INTEGER NOT NULL
                );
                CREATE INDEX provider_key_rotations_by_provider ON provider_key_rotations(provider_id, rotated_at);
                CREATE TABLE manifests (
                    id TEXT PRIMARY KEY NOT NULL,
                    provider_id TEXT NOT NULL REFERENCES providers(id),
                    namespace TEXT NOT NULL,
                    capability TEXT NOT NULL,
                    version TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('submitted', 'active', 'deprecated', 'sunset')),
                    document BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (namespace, capability, version)
                );
                CREATE TABLE catalog_state (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL);
                INSERT INTO catalog_state (id, revision) VALUES (1, 0);
                """)
        }
        return migrator
    }
}
