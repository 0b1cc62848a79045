import Logging
import PostgresNIO
import Synchronization
import TicklerStore

/// The store's connection to the server was lost, or the server did not answer in time.
struct PostgresConnectionLost: Error, CustomStringConvertible {
    var description: String
}

/// How long a statement may go unanswered before its connection is given up, for the statements a store
/// call runs (set by the store from its settings).
enum AnswerDeadline {
    @TaskLocal static var current = Duration.seconds(135)
}

extension PostgresConnection {

    /// `query`, which fails instead of waiting forever when the connection is gone. The driver never
    /// completes a query written to a connection that has already closed (the server ended the session: its
    /// idle-in-transaction timeout, after this process was stopped; a restart), and a query sent into a
    /// network partition waits on TCP. The connection is watched while the statement runs: once closed the
    /// statement fails; unanswered after `deadline`, the connection is closed (which fails the statement)
    /// and the pool makes a new one.
    @discardableResult
    func run(_ query: PostgresQuery, logger: Logger, deadline: Duration = AnswerDeadline.current) async throws -> PostgresRowSequence {
        if isClosed { throw PostgresConnectionLost(description: "the connection to the database was closed") }
        let waiting = Mutex<CheckedContinuation<PostgresRowSequence, any Error>?>(nil)
        let finish: @Sendable (Result<PostgresRowSequence, any Error>) -> Void = { result in
            waiting.withLock { c in
                c?.resume(with: result)
                c = nil
            }
        }
        return try await withCheckedThrowingContinuation { done in
            waiting.withLock { $0 = done }
            let watcher = Task {
                let end = ContinuousClock.now + deadline
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    if Task.isCancelled { return }
                    if self.isClosed {
                        return finish(.failure(PostgresConnectionLost(description: "the connection to the database was closed")))
                    }
                    if ContinuousClock.now >= end {
                        finish(.failure(PostgresConnectionLost(
                            description: "the database did not answer within \(deadline.components.seconds) s")))
                        try? await self.close()
                        return
                    }
                }
            }
            Task {
                do {
                    let rows = try await self.query(query, logger: logger)
                    watcher.cancel()
                    finish(.success(rows))
                } catch {
                    watcher.cancel()
                    finish(.failure(error))
                }
            }
        }
    }
}
