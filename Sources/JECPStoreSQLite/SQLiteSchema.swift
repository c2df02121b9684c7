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
        migrator.registerMigration("v4-money-events") { db in
            // SQLite cannot alter a CHECK constraint: rebuild ledger_transactions to allow refunds
            // (foreign keys are off during a migration and checked before it commits).
            try db.execute(sql: """
                CREATE TABLE ledger_transactions_v4 (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('charge', 'credit', 'refund')),
                    agent_id TEXT,
                    invocation_id TEXT,
                    idempotency_key TEXT UNIQUE,
                    memo TEXT,
                    capability TEXT,
                    action TEXT,
                    created_at INTEGER NOT NULL
                );
                INSERT INTO ledger_transactions_v4 SELECT id, kind, agent_id, invocation_id, idempotency_key, memo, capability, action, created_at
                    FROM ledger_transactions;
                DROP TABLE ledger_transactions;
                ALTER TABLE ledger_transactions_v4 RENAME TO ledger_transactions;
                \(SQLiteSchema.moneyEventsTables)
                """)
        }
        return migrator
    }

    /// Subscriptions and the webhook outbox, refunds, Stripe top-ups.
    static let moneyEventsTables = """
        CREATE TABLE subscriptions (
            id TEXT PRIMARY KEY NOT NULL,
            owner_kind TEXT NOT NULL CHECK (owner_kind IN ('agent', 'provider')),
            owner_id TEXT NOT NULL,
            endpoint_url TEXT NOT NULL,
            events TEXT NOT NULL,
            sealed_secret BLOB NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
            paused_reason TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            last_attempt_at INTEGER,
            last_success_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX subscriptions_by_owner ON subscriptions(owner_kind, owner_id);
        CREATE TABLE subscription_events (
            owner_kind TEXT NOT NULL,
            owner_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
            PRIMARY KEY (owner_kind, owner_id, event_type, subscription_id)
        ) WITHOUT ROWID;
        CREATE INDEX subscription_events_by_subscription ON subscription_events(subscription_id);
        CREATE TABLE webhook_events (
            id TEXT PRIMARY KEY NOT NULL,
            type TEXT NOT NULL,
            agent_id TEXT,
            provider_namespace TEXT,
            payload BLOB NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE webhook_deliveries (
            event_id TEXT NOT NULL REFERENCES webhook_events(id),
            subscription_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'abandoned')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            lease_until INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            last_status INTEGER,
            finished_at INTEGER,
            PRIMARY KEY (event_id, subscription_id)
        ) WITHOUT ROWID;
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
        CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries(subscription_id, status);
        CREATE TABLE refunds (
            id TEXT PRIMARY KEY NOT NULL,
            agent_id TEXT NOT NULL REFERENCES agents(id),
            transaction_id TEXT NOT NULL UNIQUE REFERENCES ledger_transactions(id),
            invocation_id TEXT,
            capability TEXT,
            action TEXT,
            provider_namespace TEXT,
            amount_micros INTEGER NOT NULL CHECK (amount_micros > 0),
            reason TEXT NOT NULL,
            evidence_url TEXT,
            status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'denied')),
            decided_by TEXT,
            decision_note TEXT,
            refund_transaction_id TEXT,
            auto_approve_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            decided_at INTEGER,
            seq INTEGER NOT NULL UNIQUE
        );
        CREATE INDEX refunds_by_agent ON refunds(agent_id, seq);
        CREATE INDEX refunds_due ON refunds(status, auto_approve_at);
        CREATE INDEX refunds_by_provider ON refunds(provider_namespace, seq);
        CREATE TABLE topups (
            session_id TEXT PRIMARY KEY NOT NULL,
            agent_id TEXT NOT NULL REFERENCES agents(id),
            amount_micros INTEGER NOT NULL CHECK (amount_micros > 0),
            status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'expired', 'failed')),
            payment_intent TEXT,
            transaction_id TEXT,
            created_at INTEGER NOT NULL,
            completed_at INTEGER
        );
        CREATE INDEX topups_by_agent ON topups(agent_id, created_at);
        """
}
