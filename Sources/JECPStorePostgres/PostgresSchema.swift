import JECPHubCore
import Logging
import PostgresNIO

/// Versioned schema for PostgreSQL. Append migrations; never edit a shipped one.
///
/// `migrate` runs on every start and from `jecp-hub migrate`, holding a session advisory lock so
/// that nodes starting together apply each migration once, in order.
enum PostgresSchema {
    /// Arbitrary, fixed: the advisory lock key for migrations.
    static let migrationLock: Int64 = 0x4A45_4350_0001

    static let migrations: [(version: String, statements: [String])] = [
        ("v1-core", [
            """
            CREATE TABLE agents (
                id text PRIMARY KEY,
                name text NOT NULL UNIQUE,
                agent_type text,
                description text,
                referred_by text,
                key_hash bytea NOT NULL,
                previous_key_hash bytea,
                previous_key_valid_until bigint,
                tier_floor text,
                suspended boolean NOT NULL DEFAULT false,
                total_calls bigint NOT NULL DEFAULT 0,
                free_calls_remaining bigint NOT NULL CHECK (free_calls_remaining >= 0),
                balance_micros bigint NOT NULL DEFAULT 0 CHECK (balance_micros >= 0),
                created_at bigint NOT NULL
            )
            """,
            "CREATE TABLE key_rotations (agent_id text NOT NULL REFERENCES agents(id), rotated_at bigint NOT NULL)",
            "CREATE INDEX key_rotations_by_agent ON key_rotations(agent_id, rotated_at)",
            """
            CREATE TABLE ledger_transactions (
                id text PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('charge', 'credit')),
                agent_id text,
                invocation_id text,
                idempotency_key text UNIQUE,
                memo text,
                capability text,
                action text,
                created_at bigint NOT NULL
            )
            """,
            """
            CREATE TABLE ledger_entries (
                seq bigserial PRIMARY KEY,
                transaction_id text NOT NULL REFERENCES ledger_transactions(id),
                account text NOT NULL,
                account_class text NOT NULL,
                amount_micros bigint NOT NULL,
                balance_after_micros bigint
            )
            """,
            "CREATE INDEX ledger_entries_by_account ON ledger_entries(account, seq)",
            "CREATE INDEX ledger_entries_by_transaction ON ledger_entries(transaction_id)",
            """
            CREATE TABLE invocations (
                id text PRIMARY KEY,
                agent_id text NOT NULL REFERENCES agents(id),
                request_id text NOT NULL,
                capability text NOT NULL,
                action text NOT NULL,
                price_micros bigint NOT NULL,
                method text NOT NULL,
                transaction_id text UNIQUE,
                status text NOT NULL,
                duration_ms bigint NOT NULL,
                created_at bigint NOT NULL
            )
            """,
            """
            CREATE TABLE idempotency_records (
                agent_id text NOT NULL,
                key text NOT NULL,
                fingerprint bytea NOT NULL,
                status_code integer NOT NULL,
                body bytea NOT NULL,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (agent_id, key)
            )
            """,
            "CREATE INDEX idempotency_records_by_expiry ON idempotency_records(expires_at)",
            """
            CREATE TABLE artifacts (
                id text PRIMARY KEY,
                agent_id text NOT NULL,
                media_type text NOT NULL,
                bytes bytea NOT NULL,
                sha256 text NOT NULL,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL
            )
            """,
            "CREATE INDEX artifacts_by_expiry ON artifacts(expires_at)",
            // Durable: a nonce must stay spent even if the database restarts.
            """
            CREATE TABLE provenance_nonces (
                agent_id text NOT NULL,
                nonce text NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (agent_id, nonce)
            )
            """,
            "CREATE INDEX provenance_nonces_by_expiry ON provenance_nonces(expires_at)",
            // UNLOGGED: no WAL, so no fsync on the hot path. A database crash empties them, which
            // only forgets recent rate counts and frees claims of executions that died with it.
            """
            CREATE UNLOGGED TABLE rate_windows (
                key text PRIMARY KEY,
                stamps double precision[] NOT NULL,
                expires_at double precision NOT NULL
            )
            """,
            "CREATE INDEX rate_windows_by_expiry ON rate_windows(expires_at)",
            """
            CREATE UNLOGGED TABLE request_claims (
                agent_id text NOT NULL,
                key text NOT NULL,
                lease_until bigint NOT NULL,
                node_id text NOT NULL,
                PRIMARY KEY (agent_id, key)
            )
            """,
            // Each running node's heartbeat, on the database's clock: a claim of a node that
            // stopped beating can be taken over before its lease ends.
            "CREATE UNLOGGED TABLE hub_nodes (node_id text PRIMARY KEY, seen_at timestamptz NOT NULL)",
            "CREATE INDEX request_claims_by_lease ON request_claims(lease_until)",
            // Exact sliding window (spec 02 §6.5) in one round trip: the row lock serializes
            // requests of one key across nodes; different keys never contend.
            """
            CREATE FUNCTION jecp_check_rate(p_key text, p_limit integer, p_window double precision, p_now double precision,
                                            OUT allowed boolean, OUT counted integer, OUT oldest double precision)
            LANGUAGE plpgsql AS $$
            DECLARE
                current_stamps double precision[];
                kept double precision[];
            BEGIN
                INSERT INTO rate_windows (key, stamps, expires_at) VALUES (p_key, '{}', p_now + p_window)
                    ON CONFLICT (key) DO NOTHING;
                SELECT stamps INTO current_stamps FROM rate_windows WHERE key = p_key FOR UPDATE;
                SELECT COALESCE(array_agg(s ORDER BY s), '{}') INTO kept FROM unnest(current_stamps) AS s WHERE s > p_now - p_window;
                allowed := cardinality(kept) < p_limit;
                IF allowed THEN
                    kept := kept || p_now;
                END IF;
                UPDATE rate_windows SET stamps = kept, expires_at = p_now + p_window WHERE key = p_key;
                counted := cardinality(kept);
                SELECT COALESCE(min(s), p_now) INTO oldest FROM unnest(kept) AS s;
            END
            $$
            """,
        ]),
        // The one-statement settlement as a function: PL/pgSQL prepares its statements once per
        // connection, where the same SQL sent as a query is parsed and planned on every call.
        ("v2-settle-at-snapshot", [
            """
            CREATE FUNCTION jecp_settle_at_snapshot(
                p_agent text, p_balance bigint, p_total_calls bigint, p_free_calls bigint, p_tier_floor text, p_key text,
                p_free boolean, p_price bigint, p_transaction text, p_invocation text, p_request text, p_capability text, p_action text,
                p_method text, p_duration bigint, p_now bigint, p_fingerprint bytea, p_body bytea, p_expires bigint,
                p_wallet text, p_payee text, p_payee_class text, p_provider_share bigint, p_hub text, p_hub_share bigint,
                p_payment text, p_payment_share bigint)
            RETURNS boolean LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE agents SET free_calls_remaining = free_calls_remaining - CASE WHEN p_free THEN 1 ELSE 0 END,
                                  balance_micros = balance_micros - p_price, total_calls = total_calls + 1
                WHERE id = p_agent AND balance_micros = p_balance AND total_calls = p_total_calls
                  AND free_calls_remaining = p_free_calls AND tier_floor IS NOT DISTINCT FROM p_tier_floor
                  AND NOT EXISTS (SELECT 1 FROM idempotency_records r WHERE r.agent_id = p_agent AND r.key = p_key);
                IF NOT FOUND THEN
                    RETURN false;
                END IF;
                IF p_transaction IS NOT NULL THEN
                    INSERT INTO ledger_transactions (id, kind, agent_id, invocation_id, memo, capability, action, created_at)
                    VALUES (p_transaction, 'charge', p_agent, p_invocation, p_capability || '/' || p_action, p_capability, p_action, p_now);
                    INSERT INTO ledger_entries (transaction_id, account, account_class, amount_micros, balance_after_micros)
                    SELECT p_transaction, account, class, amount, after FROM (VALUES
                        (p_wallet, 'wallet', -p_price, p_balance - p_price),
                        (p_payee, p_payee_class, p_provider_share, NULL),
                        (p_hub, 'hub_fees', p_hub_share, NULL),
                        (p_payment, 'payment_fees', p_payment_share, NULL)
                    ) AS legs(account, class, amount, after) WHERE amount <> 0;
                END IF;
                INSERT INTO invocations (id, agent_id, request_id, capability, action, price_micros, method, transaction_id, status, duration_ms, created_at)
                VALUES (p_invocation, p_agent, p_request, p_capability, p_action, p_price, p_method, p_transaction, 'completed', p_duration, p_now);
                INSERT INTO idempotency_records (agent_id, key, fingerprint, status_code, body, created_at, expires_at)
                VALUES (p_agent, p_key, p_fingerprint, 200, p_body, p_now, p_expires);
                RETURN true;
            END
            $$
            """,
            // The claim of PostgresStore.claimRequest, prepared once per connection the same way.
            """
            CREATE FUNCTION jecp_claim_request(p_agent text, p_key text, p_now bigint, p_lease_until bigint, p_node text, p_node_timeout integer,
                OUT claimed boolean, OUT holder_lease bigint, OUT fingerprint bytea, OUT status_code integer, OUT body bytea, OUT created_at bigint)
            LANGUAGE plpgsql AS $$
            BEGIN
                SELECT r.fingerprint, r.status_code, r.body, r.created_at INTO fingerprint, status_code, body, created_at
                FROM idempotency_records r WHERE r.agent_id = p_agent AND r.key = p_key AND r.expires_at > p_now;
                IF FOUND THEN
                    claimed := false;
                    RETURN;
                END IF;
                INSERT INTO request_claims AS c (agent_id, key, lease_until, node_id) VALUES (p_agent, p_key, p_lease_until, p_node)
                ON CONFLICT (agent_id, key) DO UPDATE SET lease_until = EXCLUDED.lease_until, node_id = EXCLUDED.node_id
                WHERE c.lease_until <= p_now OR NOT EXISTS (
                    SELECT 1 FROM hub_nodes n WHERE n.node_id = c.node_id AND n.seen_at > now() - make_interval(secs => p_node_timeout));
                claimed := FOUND;
                IF NOT claimed THEN
                    SELECT c.lease_until INTO holder_lease FROM request_claims c WHERE c.agent_id = p_agent AND c.key = p_key;
                END IF;
            END
            $$
            """,
        ]),
        ("v3-providers", [
            """
            CREATE TABLE providers (
                id text PRIMARY KEY,
                namespace text NOT NULL UNIQUE,
                display_name text NOT NULL,
                owner_email text NOT NULL,
                endpoint_url text NOT NULL,
                country text NOT NULL,
                website text,
                key_hash bytea NOT NULL UNIQUE,
                previous_key_hash bytea,
                previous_key_valid_until bigint,
                sealed_secret bytea NOT NULL,
                dns_token text NOT NULL,
                dns_verified_at bigint,
                status text NOT NULL CHECK (status IN ('active', 'suspended')),
                created_at bigint NOT NULL
            )
            """,
            "CREATE INDEX providers_by_previous_key ON providers(previous_key_hash)",
            "CREATE TABLE provider_key_rotations (provider_id text NOT NULL REFERENCES providers(id), rotated_at bigint NOT NULL)",
            "CREATE INDEX provider_key_rotations_by_provider ON provider_key_rotations(provider_id, rotated_at)",
            """
            CREATE TABLE manifests (
                id text PRIMARY KEY,
                provider_id text NOT NULL REFERENCES providers(id),
                namespace text NOT NULL,
                capability text NOT NULL,
                version text NOT NULL,
                status text NOT NULL CHECK (status IN ('submitted', 'active', 'deprecated', 'sunset')),
                document bytea NOT NULL,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL,
                UNIQUE (namespace, capability, version)
            )
            """,
            // Nodes poll this one number to learn that a provider or manifest changed elsewhere.
            "CREATE TABLE catalog_state (id integer PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL)",
            "INSERT INTO catalog_state (id, revision) VALUES (1, 0)",
        ]),
        ("v4-money-events", [
            "ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check",
            "ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check CHECK (kind IN ('charge', 'credit', 'refund'))",
            """
            CREATE TABLE subscriptions (
                id text PRIMARY KEY,
                owner_kind text NOT NULL CHECK (owner_kind IN ('agent', 'provider')),
                owner_id text NOT NULL,
                endpoint_url text NOT NULL,
                events text NOT NULL,
                sealed_secret bytea NOT NULL,
                status text NOT NULL CHECK (status IN ('active', 'paused')),
                paused_reason text,
                consecutive_failures integer NOT NULL DEFAULT 0,
                last_error text,
                last_attempt_at bigint,
                last_success_at bigint,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL
            )
            """,
            "CREATE INDEX subscriptions_by_owner ON subscriptions(owner_kind, owner_id)",
            """
            CREATE TABLE subscription_events (
                owner_kind text NOT NULL,
                owner_id text NOT NULL,
                event_type text NOT NULL,
                subscription_id text NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                PRIMARY KEY (owner_kind, owner_id, event_type, subscription_id)
            )
            """,
            "CREATE INDEX subscription_events_by_subscription ON subscription_events(subscription_id)",
            """
            CREATE TABLE webhook_events (
                id text PRIMARY KEY,
                type text NOT NULL,
                agent_id text,
                provider_namespace text,
                payload bytea NOT NULL,
                created_at bigint NOT NULL
            )
            """,
            """
            CREATE TABLE webhook_deliveries (
                event_id text NOT NULL REFERENCES webhook_events(id),
                subscription_id text NOT NULL,
                status text NOT NULL CHECK (status IN ('pending', 'delivered', 'abandoned')),
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at bigint NOT NULL,
                lease_until bigint NOT NULL DEFAULT 0,
                last_error text,
                last_status integer,
                finished_at bigint,
                PRIMARY KEY (event_id, subscription_id)
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at)",
            "CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries(subscription_id, status)",
            """
            CREATE TABLE refunds (
                id text PRIMARY KEY,
                agent_id text NOT NULL REFERENCES agents(id),
                transaction_id text NOT NULL UNIQUE REFERENCES ledger_transactions(id),
                invocation_id text,
                capability text,
                action text,
                provider_namespace text,
                amount_micros bigint NOT NULL CHECK (amount_micros > 0),
                reason text NOT NULL,
                evidence_url text,
                status text NOT NULL CHECK (status IN ('requested', 'approved', 'denied')),
                decided_by text,
                decision_note text,
                refund_transaction_id text,
                auto_approve_at bigint NOT NULL,
                created_at bigint NOT NULL,
                decided_at bigint,
                seq bigserial NOT NULL UNIQUE
            )
            """,
            "CREATE INDEX refunds_by_agent ON refunds(agent_id, seq)",
            "CREATE INDEX refunds_due ON refunds(status, auto_approve_at)",
            "CREATE INDEX refunds_by_provider ON refunds(provider_namespace, seq)",
            """
            CREATE TABLE topups (
                session_id text PRIMARY KEY,
                agent_id text NOT NULL REFERENCES agents(id),
                amount_micros bigint NOT NULL CHECK (amount_micros > 0),
                status text NOT NULL CHECK (status IN ('open', 'paid', 'expired', 'failed')),
                payment_intent text,
                transaction_id text,
                created_at bigint NOT NULL,
                completed_at bigint
            )
            """,
            "CREATE INDEX topups_by_agent ON topups(agent_id, created_at)",
            // The outbox write of every money change: the event and a delivery per active
            // subscription that wants it, or nothing at all when none does. True when written.
            """
            CREATE FUNCTION jecp_emit_event(p_id text, p_type text, p_agent text, p_namespace text, p_payload bytea, p_created bigint, p_now bigint)
            RETURNS boolean LANGUAGE plpgsql AS $$
            DECLARE
                subscribers text[];
            BEGIN
                SELECT array_agg(DISTINCT e.subscription_id) INTO subscribers
                FROM subscription_events e JOIN subscriptions s ON s.id = e.subscription_id AND s.status = 'active'
                WHERE e.event_type = p_type
                  AND ((e.owner_kind = 'agent' AND e.owner_id = p_agent) OR (e.owner_kind = 'provider' AND e.owner_id = p_namespace));
                IF subscribers IS NULL THEN
                    RETURN false;
                END IF;
                INSERT INTO webhook_events (id, type, agent_id, provider_namespace, payload, created_at)
                VALUES (p_id, p_type, p_agent, p_namespace, p_payload, p_created);
                INSERT INTO webhook_deliveries (event_id, subscription_id, status, next_attempt_at)
                SELECT p_id, unnest(subscribers), 'pending', p_now;
                RETURN true;
            END
            $$
            """,
            // jecp_settle_at_snapshot with the outbox events of the call. A new name, so nodes
            // still running the previous release keep settling through the old function.
            """
            CREATE FUNCTION jecp_settle_with_events(
                p_agent text, p_balance bigint, p_total_calls bigint, p_free_calls bigint, p_tier_floor text, p_key text,
                p_free boolean, p_price bigint, p_transaction text, p_invocation text, p_request text, p_capability text, p_action text,
                p_method text, p_duration bigint, p_now bigint, p_fingerprint bytea, p_body bytea, p_expires bigint,
                p_wallet text, p_payee text, p_payee_class text, p_provider_share bigint, p_hub text, p_hub_share bigint,
                p_payment text, p_payment_share bigint,
                p_namespace text, p_event_id text, p_event bytea, p_low_id text, p_low_event bytea)
            RETURNS boolean LANGUAGE plpgsql AS $$
            BEGIN
                IF NOT jecp_settle_at_snapshot(p_agent, p_balance, p_total_calls, p_free_calls, p_tier_floor, p_key, p_free, p_price, p_transaction,
                        p_invocation, p_request, p_capability, p_action, p_method, p_duration, p_now, p_fingerprint, p_body, p_expires,
                        p_wallet, p_payee, p_payee_class, p_provider_share, p_hub, p_hub_share, p_payment, p_payment_share) THEN
                    RETURN false;
                END IF;
                PERFORM jecp_emit_event(p_event_id, 'invocation.completed', p_agent, p_namespace, p_event, p_now, p_now);
                IF p_low_id IS NOT NULL THEN
                    PERFORM jecp_emit_event(p_low_id, 'wallet.low_balance', p_agent, NULL, p_low_event, p_now, p_now);
                END IF;
                RETURN true;
            END
            $$
            """,
        ]),
    ]

    /// Migrates, and registers `node` as alive when given (before its pools serve anything).
    static func heartbeat(_ node: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO hub_nodes (node_id, seen_at) VALUES (\(node), now()) ON CONFLICT (node_id) DO UPDATE SET seen_at = now()
            """, logger: logger)
    }

    static func migrate(configuration: PostgresStoreConfiguration, node: String? = nil, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(
            on: PostgresConnection.defaultEventLoopGroup.any(), configuration: try configuration.connectionConfiguration(), id: 1, logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS jecp_schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger)
            var applied: Set<String> = []
            for try await version in try await connection.query("SELECT version FROM jecp_schema_migrations", logger: logger).decode(String.self) {
                applied.insert(version)
            }
            for migration in migrations where !applied.contains(migration.version) {
                try await connection.query("BEGIN", logger: logger)
                do {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO jecp_schema_migrations (version) VALUES (\(migration.version))", logger: logger)
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
                logger.info("applied migration", metadata: ["jecp.migration": "\(migration.version)"])
            }
            try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
            if let node { try await heartbeat(node, on: connection, logger: logger) }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
