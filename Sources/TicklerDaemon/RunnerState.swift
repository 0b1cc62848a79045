import TicklerCore

/// The runner's own bookkeeping beside the state machine: the events waiting their turn, the tick in
/// flight, the stop's bound, and who waits for what.
struct RunnerState {
    typealias Machine = DaemonStateMachine<Instant>
    typealias Waiter = (condition: () -> Bool, resume: CheckedContinuation<Void, Never>)

    /// Events waiting for the runner, in the order they came, and whether it is deciding one now.
    var inbox: [Machine.Event] = []
    var deciding = false
    /// The tick in flight, which a stop past its bound cancels, and how the last tick ended (`catchUp`
    /// reports a failure).
    var tickTask: Task<Machine.TickOutcome, Never>?
    var lastOutcome: Machine.TickOutcome?
    /// The stop's bound, running while a tick finishes.
    var stopBound: Task<Void, Never>?
    /// Set by `run`: the lanes send (`--once` sends with `deliverQueued` instead).
    var serving = false
    var finished = false
    /// Callers of `run` and `stop`, resumed once the stop is finished.
    var stoppedWaiters: [CheckedContinuation<Void, Never>] = []
    /// Callers waiting for the runner to reach a state (`timerFired`, `reload`, `catchUp`).
    var waiters: [Waiter] = []

    /// Nothing is being decided and no tick runs.
    var isIdle: Bool { !deciding && tickTask == nil }
}
