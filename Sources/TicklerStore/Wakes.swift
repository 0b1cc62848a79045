import TicklerCore

/// When a case next needs evaluating: what its last evaluation said (nil: nothing of it is pending).
public struct CaseWake: Sendable, Equatable {
    public var caseID: String
    public var at: Instant?

    public init(caseID: String, at: Instant?) {
        self.caseID = caseID
        self.at = at
    }
}

/// The wake schedule: each case's next due instant, kept in the store (and set by `Ledger.record` in the
/// transaction that records the fires of the evaluation that computed it), so that a tick reads only the
/// cases whose time has come, and nothing of it lives in a daemon's memory.
public protocol Wakes: Sendable {
    /// The cases whose wake is at or before `now`, earliest first, at most `limit`.
    func dueCases(at now: Instant, limit: Int) async throws -> [String]
    /// How many cases have a wake.
    func wakeCount() async throws -> Int
}
