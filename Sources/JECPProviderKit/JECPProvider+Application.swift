import Hummingbird
import Logging
import NIOCore

extension JECPProvider {
    /// A ready-to-run HTTP server for this provider alone: the routes of ``register(on:path:)`` on
    /// `host:port` (port 0 picks a free one). `onListening` gets the bound address once the socket
    /// accepts connections. Run it with `try await app.runService()` (stops on SIGTERM / SIGINT).
    public func application(
        host: String = "127.0.0.1", port: Int = 8090, path: String = "/jecp",
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        register(on: router, path: path)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.ipAddress ?? host, channel.localAddress?.port ?? port)
            },
            logger: logger
        )
    }
}
