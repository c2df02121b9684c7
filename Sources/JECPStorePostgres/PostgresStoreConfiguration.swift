import Foundation
import JECPHubCore
import PostgresNIO

/// Where the PostgreSQL store connects and how many connections each lane may use.
public struct PostgresStoreConfiguration: Sendable {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
    }

    /// A host name or address; a value starting with `/` is a directory holding the server's
    /// Unix socket, as with libpq.
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// Connections per lane (the `/health` bulkhead): invoke, read, provider, background.
    public var pools: (invoke: Int, read: Int, provider: Int, background: Int)
    /// A node silent this long is taken for dead: its idempotency claims may be taken over.
    public var nodeTimeoutSeconds: Int = 10

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String, tls: TLSMode = .prefer,
                pools: (invoke: Int, read: Int, provider: Int, background: Int) = (16, 8, 8, 2)) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.pools = pools
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`; `host` may be a
    /// percent-encoded socket directory, e.g. `postgres://jecp@%2Fvar%2Frun%2Fpostgresql/jecp`.
    public init(url text: String, pools: (invoke: Int, read: Int, provider: Int, background: Int)) throws(Invalid) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw Invalid(description: "DB_POSTGRES_URL must look like postgres://user:password@host:5432/database")
        }
        let host = components.percentEncodedHost.flatMap { $0.removingPercentEncoding } ?? ""
        guard !host.isEmpty, let user = components.user, !user.isEmpty else {
            throw Invalid(description: "DB_POSTGRES_URL needs a user and a host, e.g. postgres://jecp@127.0.0.1:5432/jecp")
        }
        let database = String(components.path.drop { $0 == "/" })
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard let tls = TLSMode(rawValue: mode) else {
            throw Invalid(description: "DB_POSTGRES_URL sslmode must be disable, prefer or require; got '\(mode)'")
        }
        self.init(host: host, port: components.port ?? 5432, username: user, password: components.password,
                  database: database.isEmpty ? user : database, tls: tls, pools: pools)
    }

    var isUnixSocket: Bool { host.hasPrefix("/") }

    func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if isUnixSocket {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: clientTLS)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if isUnixSocket {
            return .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    private var socketPath: String { host + "/.s.PGSQL.\(port)" }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    /// For logs and the banner: never the password.
    public var redactedDescription: String {
        isUnixSocket ? "postgres \(username)@\(host) (socket) database \(database)" : "postgres \(username)@\(host):\(port)/\(database)"
    }
}
