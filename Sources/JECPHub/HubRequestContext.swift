import Hummingbird
import NIOCore

/// Per-request context: Hummingbird's core storage plus the peer address, which keys the
/// per-address registration limit.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are collected explicitly with per-route limits.
    public var maxUploadSize: Int { 10 * 1024 * 1024 }

    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
