import GRDB
import JECPHubCore
import Synchronization

/// Group commit: settlements that arrive while one is being written share the next write
/// transaction, so many paid calls cost one `synchronous=FULL` fsync instead of one each.
///
/// Leader/follower, without a background task: the first caller with nobody writing becomes the
/// leader and writes its own job; callers arriving meanwhile wait in line. When the leader's commit
/// returns, it answers its followers and promotes the first caller still waiting, who writes
/// everything that queued up in the meantime. At low load a batch is one job and adds no latency;
/// under load batches grow by themselves. Each job runs in its own savepoint, so a job that throws
/// rolls back alone; nobody hears "done" before the transaction holding its writes committed.
/// The write is GRDB's callback form, so cancelling the leader's task cannot abort its followers'
/// settlements.
final class GroupCommit<Job: Sendable, Output: Sendable>: Sendable {
    typealias Apply = @Sendable (Database, Job) throws -> Output

    private enum Turn: Sendable {
        case done(Result<Output, StoreError>)
        case lead
    }

    private struct Waiter: Sendable {
        let job: Job
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State: Sendable {
        var waiting: [Waiter] = []
        var writing = false
    }

    private let state = Mutex(State())
    private let pool: DatabasePool
    private let maximumBatch: Int
    private let apply: Apply
    private let translate: @Sendable (any Error) -> StoreError

    init(pool: DatabasePool, maximumBatch: Int = 128, translate: @escaping @Sendable (any Error) -> StoreError, apply: @escaping Apply) {
        precondition(maximumBatch >= 1)
        self.pool = pool
        self.maximumBatch = maximumBatch
        self.translate = translate
        self.apply = apply
    }

    /// Applies `job` in a committed write transaction, possibly together with other callers' jobs.
    func submit(_ job: Job) async throws(StoreError) -> Output {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let leads = state.withLock { state in
                if state.writing {
                    state.waiting.append(Waiter(job: job, continuation: continuation))
                    return false
                }
                state.writing = true
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done(let result):
            return try result.get()
        case .lead:
            return try await lead(job).get()
        }
    }

    private func lead(_ own: Job) async -> Result<Output, StoreError> {
        let followers = state.withLock { state in
            let count = min(state.waiting.count, maximumBatch - 1)
            let taken = Array(state.waiting.prefix(count))
            state.waiting.removeFirst(count)
            return taken
        }
        let results = await write([own] + followers.map(\.job))
        for (follower, result) in zip(followers, results.dropFirst()) {
            follower.continuation.resume(returning: .done(result))
        }
        let next = state.withLock { state -> Waiter? in
            guard !state.waiting.isEmpty else {
                state.writing = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        return results[0]
    }

    /// One transaction for the whole batch; every job's own result only if it committed.
    private func write(_ jobs: [Job]) async -> [Result<Output, StoreError>] {
        let apply = self.apply
        let translate = self.translate
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[Result<Output, StoreError>], any Error>, Never>) in
            pool.asyncWrite({ db in
                jobs.map { job in
                    // SQLite ends the whole transaction on some errors (a full disk, I/O): run
                    // nothing more in autocommit mode; the commit fails and so does every job.
                    guard db.isInsideTransaction else { return .failure(StoreError.unavailable("sqlite transaction aborted")) }
                    var result: Result<Output, StoreError> = .failure(.unavailable("sqlite savepoint"))
                    do {
                        try db.inSavepoint {
                            do {
                                result = .success(try apply(db, job))
                                return .commit
                            } catch let error as StoreError {
                                result = .failure(error)
                                return .rollback
                            }
                        }
                    } catch {
                        result = .failure(translate(error))
                    }
                    return result
                }
            }, completion: { _, result in
                continuation.resume(returning: result)
            })
        }
        switch outcome {
        case .success(let results):
            return results
        case .failure(let error):
            let failure = (error as? StoreError) ?? translate(error)
            return Array(repeating: .failure(failure), count: jobs.count)
        }
    }
}
