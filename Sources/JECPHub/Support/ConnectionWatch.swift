import NIOCore
import Synchronization

/// Notices when the client of a streamed response goes away.
///
/// Hummingbird allows remote half-closure, so a client that hangs up shows as `inputClosed`
/// rather than a closed channel; this handler sits first in the pipeline for the length of one
/// stream and reports either event.
final class ConnectionWatch: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    private struct State {
        var closed = false
        var waiters: [CheckedContinuation<Bool, Never>] = []
    }

    private let state = Mutex(State())
    private let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Adds a watch to `channel`; if that fails the channel is already gone and the watch says so.
    static func install(on channel: any Channel) async -> ConnectionWatch {
        let watch = ConnectionWatch(channel: channel)
        do {
            try await channel.pipeline.addHandler(watch, position: .first).get()
        } catch {
            watch.markClosed()
        }
        return watch
    }

    func uninstall() async {
        try? await channel.pipeline.removeHandler(self).get()
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// True once the client has gone; false if the calling task is cancelled first.
    func waitForClose() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let resumeNow = state.withLock { state -> Bool? in
                    if state.closed { return true }
                    if Task.isCancelled { return false }
                    state.waiters.append(continuation)
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let waiters = state.withLock { state in
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: false) }
        }
    }

    private func markClosed() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    // MARK: ChannelInboundHandler (on the event loop)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { markClosed() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        markClosed()
        context.fireChannelInactive()
    }
}
