import Hummingbird
import NIOCore

/// Per-request context: Hummingbird's core storage plus the peer address, which keys the
/// per-address registration limit.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The connection, so a streamed invocation notices when its client leaves.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }

    /// Bodies are collected explicitly with per-route limits.
    public var maxUploadSize: Int { 10 * 1024 * 1024 }

    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
