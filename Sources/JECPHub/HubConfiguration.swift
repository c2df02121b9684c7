import Configuration
import Foundation
import JECPBuiltins
import JECPHubCore
import JECPModels
import JECPStorePostgres
import JECPOutbound
import Logging

/// The Hub's configuration, read once from swift-configuration and validated.
///
/// Keys are dotted (`http.port`); the environment form is `HTTP_PORT`, the command-line form
/// `--http-port`. Precedence is command line, then environment, then these defaults.
public struct HubConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var dbKind: String
    public var sqlitePath: String
    /// Set when `DB_KIND=postgres`.
    public var postgres: PostgresStoreConfiguration?
    public var adminToken: String?
    public var keySecret: String?
    public var logLevel: Logger.Level
    public var settings: HubSettings
    public var pools: (invoke: Int, read: Int, provider: Int, background: Int)
    /// The model behind `content-factory`'s generative actions; nil leaves them unavailable.
    public var languageModel: LanguageModelConfiguration?
    /// `JECP_DNS_SERVERS`: nameservers for provider URL checks and DNS proofs; the system's when empty.
    public var dnsServers: [DNSServer]
    /// How long one nameserver gets to answer one query (two rounds over the list).
    public var dnsTimeoutSeconds: Double
    /// How often a node looks for provider and manifest changes made on other nodes.
    public var catalogPollSeconds: Double
    /// Wallet top-ups through Stripe Checkout; nil leaves top-up disabled (503 TOPUP_NOT_ENABLED).
    public var stripe: StripeConfiguration?
    /// How often a node looks for refund requests due for auto-approval.
    public var refundSweepSeconds: Double
    /// Webhook delivery: retries, auto-pause, timeouts, subscription cap (`jecp.webhook*`).
    public var webhooks: WebhookPolicy

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(reader: ConfigReader) throws(Invalid) {
        host = reader.string(forKey: "http.host", default: "127.0.0.1")
        port = reader.int(forKey: "http.port", default: 8080)
        guard (0...65_535).contains(port) else { throw Invalid(description: "HTTP_PORT must be 0...65535 (0 picks a free port), got \(port)") }
        dbKind = reader.string(forKey: "db.kind", default: "sqlite")
        guard ["sqlite", "postgres"].contains(dbKind) else {
            throw Invalid(description: "DB_KIND must be 'sqlite' or 'postgres', got '\(dbKind)'")
        }
        sqlitePath = reader.string(forKey: "db.sqlitePath", default: "./.jecp/hub.sqlite")
        adminToken = reader.string(forKey: "jecp.adminToken", isSecret: true)
        if let token = adminToken, token.count < 16 {
            throw Invalid(description: "JECP_ADMIN_TOKEN must be at least 16 characters")
        }
        keySecret = reader.string(forKey: "jecp.keySecret", isSecret: true)
        let levelText = reader.string(forKey: "log.level", default: "info")
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw Invalid(description: "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical; got '\(levelText)'")
        }
        logLevel = level
        let prefix = reader.string(forKey: "jecp.vendorPrefix", default: "jecp")
        guard (2...8).contains(prefix.count), prefix.allSatisfy({ $0 >= "a" && $0 <= "z" }) else {
            throw Invalid(description: "JECP_VENDOR_PREFIX must be 2-8 lowercase letters, got '\(prefix)'")
        }
        let namespace = reader.string(forKey: "jecp.operatorNamespace", default: "hub")
        guard namespace.range(of: "^[a-z][a-z0-9-]{1,31}$", options: .regularExpression) != nil else {
            throw Invalid(description: "JECP_OPERATOR_NAMESPACE must match ^[a-z][a-z0-9-]{1,31}$, got '\(namespace)'")
        }
        let freeCalls = reader.int(forKey: "jecp.freeCalls", default: 100)
        guard freeCalls >= 0 else { throw Invalid(description: "JECP_FREE_CALLS must be >= 0, got \(freeCalls)") }
        let registrationRPM = reader.int(forKey: "jecp.registrationRpm", default: 10)
        guard registrationRPM >= 1 else { throw Invalid(description: "JECP_REGISTRATION_RPM must be >= 1, got \(registrationRPM)") }
        let testMode = reader.bool(forKey: "jecp.testMode", default: false)
        let advertisedHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        var publicURL = reader.string(forKey: "jecp.publicURL", default: "http://\(advertisedHost):\(port)")
        while publicURL.hasSuffix("/") { publicURL.removeLast() }
        guard let url = URL(string: publicURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil,
            url.path.isEmpty, url.query == nil
        else {
            throw Invalid(description: "JECP_PUBLIC_URL must be an origin like https://hub.example.com, got '\(publicURL)'")
        }
        var sunset: Int64 = 1_830_297_600
        if let text = reader.string(forKey: "jecp.legacySunset") {
            guard let parsed = Timestamps.parseRFC3339(text) else {
                throw Invalid(description: "JECP_LEGACY_SUNSET must be an RFC 3339 date-time, got '\(text)'")
            }
            sunset = parsed
        }
        let hubName = reader.string(forKey: "jecp.hubName", default: "JECP Swift Hub")
        let artifactTTL = reader.int(forKey: "jecp.artifactTtlSeconds", default: 90_000)
        guard (3_600...2_592_000).contains(artifactTTL) else {
            throw Invalid(description: "JECP_ARTIFACT_TTL_SECONDS must be 3600...2592000 (spec 01 §3.5: at least an hour), got \(artifactTTL)")
        }
        let maximumInline = reader.int(forKey: "jecp.maxInlineResponseBytes", default: 50 * 1024 * 1024)
        guard (1_024...50 * 1024 * 1024).contains(maximumInline) else {
            throw Invalid(description: "JECP_MAX_INLINE_RESPONSE_BYTES must be 1024...52428800 (spec 01 §7), got \(maximumInline)")
        }
        settings = HubSettings(publicURL: publicURL, vendorPrefix: prefix, operatorNamespace: namespace, hubName: hubName,
                               freeCalls: Int64(freeCalls), registrationPerMinute: registrationRPM, testMode: testMode, legacyAliasSunset: sunset,
                               artifactTTLSeconds: Int64(artifactTTL), maximumInlineResponseBytes: maximumInline)
        settings.streamIdleTimeoutSeconds = reader.double(forKey: "jecp.streamIdleTimeoutSeconds", default: 30)
        settings.streamTotalTimeoutSeconds = reader.double(forKey: "jecp.streamTotalTimeoutSeconds", default: 300)
        guard settings.streamIdleTimeoutSeconds > 0, settings.streamTotalTimeoutSeconds > 0, settings.streamTotalTimeoutSeconds <= 300 else {
            throw Invalid(description: "JECP_STREAM_IDLE_TIMEOUT_SECONDS must be positive and JECP_STREAM_TOTAL_TIMEOUT_SECONDS in (0, 300] (spec 01 §4.3)")
        }
        refundSweepSeconds = try Self.readRefundSettings(reader: reader, into: &settings)
        webhooks = try Self.readWebhookSettings(reader: reader, into: &settings)
        func poolSize(_ name: String, _ fallback: Int) throws(Invalid) -> Int {
            let size = reader.int(forKey: ConfigKey("db.pool.\(name)"), default: fallback)
            guard (1...1024).contains(size) else { throw Invalid(description: "DB_POOL_\(name.uppercased()) must be 1...1024, got \(size)") }
            return size
        }
        pools = (try poolSize("invoke", 64), try poolSize("read", 16), try poolSize("provider", 32), try poolSize("background", 4))
        if dbKind == "postgres" {
            func connections(_ name: String, _ fallback: Int) throws(Invalid) -> Int {
                let size = reader.int(forKey: ConfigKey("db.postgres.pool.\(name)"), default: fallback)
                guard (1...512).contains(size) else {
                    throw Invalid(description: "DB_POSTGRES_POOL_\(name.uppercased()) must be 1...512, got \(size)")
                }
                return size
            }
            postgres = try Self.postgres(reader: reader, pools: (try connections("invoke", 16), try connections("read", 8),
                                                                 try connections("provider", 4), try connections("background", 2)))
        }
        languageModel = try Self.languageModel(reader: reader)
        if let servers = reader.string(forKey: "jecp.dnsServers"), !servers.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                dnsServers = try DNSServers.parse(servers)
            } catch {
                throw Invalid(description: "JECP_DNS_SERVERS must be a comma-separated list of host[:port] addresses: \(error)")
            }
        } else {
            dnsServers = DNSServers.system()
        }
        dnsTimeoutSeconds = reader.double(forKey: "jecp.dnsTimeoutSeconds", default: 2)
        guard dnsTimeoutSeconds > 0, dnsTimeoutSeconds <= 60 else {
            throw Invalid(description: "JECP_DNS_TIMEOUT_SECONDS must be in (0, 60], got \(dnsTimeoutSeconds)")
        }
        catalogPollSeconds = reader.double(forKey: "jecp.catalogPollSeconds", default: 2)
        guard catalogPollSeconds > 0, catalogPollSeconds <= 3600 else {
            throw Invalid(description: "JECP_CATALOG_POLL_SECONDS must be in (0, 3600], got \(catalogPollSeconds)")
        }
        stripe = try Self.stripe(reader: reader)
        settings.topupAmountsUSD = try Self.topupAmounts(reader: reader)
        settings.walletLoginPerMinute = reader.int(forKey: "jecp.walletLoginRpm", default: 10)
        guard settings.walletLoginPerMinute >= 1 else { throw Invalid(description: "JECP_WALLET_LOGIN_RPM must be >= 1, got \(settings.walletLoginPerMinute)") }
    }

    /// `db.postgres.url`, or the discrete `db.postgres.host/port/user/password/database/tls`.
    /// Connections per lane come from `db.postgres.pool.*` (the `db.pool.*` permits bound work in
    /// flight, which mostly holds no connection); the defaults, 30 a node, let three nodes share a
    /// server's default `max_connections` of 100.
    static func postgres(reader: ConfigReader, pools: (invoke: Int, read: Int, provider: Int, background: Int))
        throws(Invalid) -> PostgresStoreConfiguration
    {
        let tlsText = reader.string(forKey: "db.postgres.tls")
        var configuration: PostgresStoreConfiguration
        if let url = reader.string(forKey: "db.postgres.url", isSecret: true) {
            do {
                configuration = try PostgresStoreConfiguration(url: url, pools: pools)
            } catch {
                throw Invalid(description: error.description)
            }
        } else {
            guard let user = reader.string(forKey: "db.postgres.user") else {
                throw Invalid(description: "DB_KIND=postgres needs DB_POSTGRES_URL, or DB_POSTGRES_HOST and DB_POSTGRES_USER (and PORT, PASSWORD, DATABASE)")
            }
            let port = reader.int(forKey: "db.postgres.port", default: 5432)
            guard (1...65_535).contains(port) else { throw Invalid(description: "DB_POSTGRES_PORT must be 1...65535, got \(port)") }
            configuration = PostgresStoreConfiguration(
                host: reader.string(forKey: "db.postgres.host", default: "127.0.0.1"), port: port, username: user,
                password: reader.string(forKey: "db.postgres.password", isSecret: true),
                database: reader.string(forKey: "db.postgres.database", default: user), pools: pools)
        }
        let nodeTimeout = reader.int(forKey: "db.postgres.nodeTimeoutSeconds", default: 10)
        guard (1...3_600).contains(nodeTimeout) else {
            throw Invalid(description: "DB_POSTGRES_NODE_TIMEOUT_SECONDS must be 1...3600, got \(nodeTimeout)")
        }
        configuration.nodeTimeoutSeconds = nodeTimeout
        if let tlsText {
            guard let mode = PostgresStoreConfiguration.TLSMode(rawValue: tlsText.lowercased()) else {
                throw Invalid(description: "DB_POSTGRES_TLS must be disable, prefer or require; got '\(tlsText)'")
            }
            configuration.tls = mode
        }
        return configuration
    }

    /// `jecp.llm.*`: all or nothing. Unset kind means no model, but a stray url or model without
    /// a kind is a mistake worth stopping for.
    static func languageModel(reader: ConfigReader) throws(Invalid) -> LanguageModelConfiguration? {
        func value(_ key: ConfigKey, secret: Bool = false) -> String? {
            reader.string(forKey: key, isSecret: secret).flatMap { $0.isEmpty ? nil : $0 }
        }
        let url = value("jecp.llm.url")
        let model = value("jecp.llm.model")
        guard let kindText = value("jecp.llm.kind") else {
            if url != nil || model != nil {
                throw Invalid(description: "JECP_LLM_KIND must be set (openai or anthropic) when JECP_LLM_URL or JECP_LLM_MODEL is")
            }
            return nil
        }
        guard let kind = LanguageModelConfiguration.Kind(rawValue: kindText.lowercased()) else {
            throw Invalid(description: "JECP_LLM_KIND must be one of openai, anthropic; got '\(kindText)'")
        }
        guard let url else { throw Invalid(description: "JECP_LLM_URL is required when JECP_LLM_KIND is set (e.g. https://api.openai.com)") }
        let parsed = URL(string: url)
        // Credentials belong in JECP_LLM_API_KEY; never echo a URL that carries some.
        guard parsed?.user == nil, parsed?.password == nil, !url.contains("@") else {
            throw Invalid(description: "JECP_LLM_URL must not contain credentials (user@ or user:password@); use JECP_LLM_API_KEY")
        }
        guard let parsed, let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = parsed.host, !host.isEmpty, parsed.query == nil, parsed.fragment == nil
        else {
            throw Invalid(description: "JECP_LLM_URL must be an http(s) base URL like https://api.anthropic.com, got '\(url)'")
        }
        guard let model else { throw Invalid(description: "JECP_LLM_MODEL is required when JECP_LLM_KIND is set") }
        let timeout = reader.double(forKey: "jecp.llm.timeoutSeconds", default: 30)
        guard timeout > 0, timeout <= 600 else { throw Invalid(description: "JECP_LLM_TIMEOUT_SECONDS must be in (0, 600], got \(timeout)") }
        return LanguageModelConfiguration(kind: kind, url: url, apiKey: value("jecp.llm.apiKey", secret: true), model: model, timeoutSeconds: timeout)
    }

    public var isHTTPS: Bool { settings.publicURL.hasPrefix("https://") }
}
