import Synchronization
import TicklerCore

/// A clock a test moves by hand. Its sleepers wake when `advance(to:)` (or `set`) reaches their deadline,
/// never on their own; a test waits for them to be asleep (`sleepers(atLeast:)`) instead of waiting on
/// the wall clock to show that nothing happened before.
public final class ManualClock: InstantClock {
    private struct Sleeper {
        let id: Int
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Instant
        var sleepers: [Sleeper] = []
        var nextID = 0
        /// Cancelled before their continuation was stored.
        var cancelled: Set<Int> = []
    }

    private let state: Mutex<State>

    public init(_ start: Instant) { state = Mutex(State(now: start)) }

    public var now: Instant { state.withLock { $0.now } }

    public var minimumResolution: Duration { .seconds(1) }

    /// Moves the clock to `t` (back too: a wall clock can jump) and wakes every sleeper whose deadline it
    /// reached.
    public func advance(to t: Instant) {
        let woken = state.withLock { s -> [Sleeper] in
            s.now = t
            let due = s.sleepers.filter { $0.deadline <= t }
            s.sleepers.removeAll { $0.deadline <= t }
            return due
        }
        for w in woken { w.continuation.resume() }
    }

    /// The same as `advance(to:)`.
    public func set(_ t: Instant) { advance(to: t) }

    /// Moves the clock on by `seconds`.
    public func advance(by seconds: Int64) { advance(to: now.adding(seconds: seconds)) }

    /// How many tasks are asleep on this clock now.
    public var sleeping: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline a sleeper waits for.
    public var nextDeadline: Instant? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    /// Waits (yielding, with `bound` seconds of wall time as a hang guard) until at least `n` tasks sleep on
    /// this clock. True when they do.
    public func sleepers(atLeast n: Int, bound: Double = 120) async -> Bool {
        let end = ContinuousClock.now + .seconds(bound)
        while sleeping < n {
            if ContinuousClock.now > end { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { s in defer { s.nextID += 1 }; return s.nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { s in
                    if s.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline <= s.now { return .success(()) }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: c))
                    return nil
                }
                if let outcome { c.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLock { s -> Sleeper? in
                if let i = s.sleepers.firstIndex(where: { $0.id == id }) { return s.sleepers.remove(at: i) }
                s.cancelled.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
