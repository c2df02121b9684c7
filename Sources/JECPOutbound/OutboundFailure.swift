import AsyncHTTPClient
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What went wrong with an outbound request, in the terms the Hub reports to callers.
public enum OutboundFailure: Sendable, Equatable {
    /// The deadline (or a connect/read/TLS-handshake timeout) passed.
    case timeout
    /// No working connection: refused, reset, unreachable, closed early, TLS failure.
    case unreachable(String)
    case other(String)

    /// Classifies an error thrown by `PinnedHTTPClient.execute` or while reading the body.
    public static func classify(_ error: any Error) -> OutboundFailure {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout:
                return .timeout
            case .remoteConnectionClosed:
                return .unreachable("the connection was closed by the server")
            default:
                return .other(error.description)
            }
        case let error as ChannelError:
            switch error {
            case .connectTimeout:
                return .timeout
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return .unreachable("the connection was closed")
            default:
                return .other("\(error)")
            }
        case let error as IOError:
            switch error.errnoCode {
            case ETIMEDOUT:
                return .timeout
            case ECONNREFUSED:
                return .unreachable("connection refused")
            case ECONNRESET, ECONNABORTED, EPIPE:
                return .unreachable("the connection was reset")
            case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN, EADDRNOTAVAIL:
                return .unreachable("the address is unreachable")
            default:
                return .unreachable("\(error)")
            }
        case let error as NIOConnectionError:
            // Every connection attempt failed; report the first cause.
            return error.connectionErrors.first.map { classify($0.error) } ?? .unreachable("connection failed")
        case is CancellationError:
            return .other("cancelled")
        default:
            // NIOSSL is not a dependency of this target; its errors are recognised by module name.
            if String(reflecting: type(of: error)).hasPrefix("NIOSSL.") {
                return .unreachable("TLS failure: \(error)")
            }
            return .other("\(error)")
        }
    }
}
