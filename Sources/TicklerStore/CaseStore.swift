import TicklerCore

/// The data the evaluator works on, as one consistent read of the store.
public struct StoreSnapshot: Sendable {
    public var people: [Person]
    /// Cases in id order, each with its communications, deadlines, requests and appointments.
    public var cases: [CaseSnapshot]
    /// Rows that could not be read (a bad timestamp, an unknown status): skipped, reported once each.
    public var badRows: [BadRow]

    /// Every stored property, for the stores.
    package init(people: [Person], cases: [CaseSnapshot], badRows: [BadRow]) {
        self.people = people
        self.cases = cases
        self.badRows = badRows
    }
}

/// How much of each case a snapshot carries.
public enum SnapshotDetail: Sendable {
    /// What the evaluator needs: ids, statuses, times, people references and tags. Titles, client names
    /// and addresses are left empty, so evaluating the whole firm neither reads nor holds client data.
    case evaluation
    /// Everything, for messages and exports.
    case full
}

/// A row of the case tables that the store skipped. Carries ids only, never client data.
public struct BadRow: Sendable, Hashable, CustomStringConvertible {
    public var table: String
    public var id: String
    /// The case the row belongs to (its own id in `cases`; empty for `people`).
    public var caseID: String
    public var problem: String

    public init(table: String, id: String, caseID: String, problem: String) {
        self.table = table
        self.id = id
        self.caseID = caseID
        self.problem = problem
    }

    public var description: String { "\(table) row '\(id)' skipped: \(problem)" }
}

/// A ledger entry: a step recorded as fired or skipped.
public struct LedgerEntry: Sendable, Equatable {
    public enum Outcome: String, Sendable { case fired, skipped }
    public var fireID: String
    public var key: FireKey
    public var caseID: String
    public var outcome: Outcome
    public var due: Instant
    public var firedAt: Instant
    /// For fired steps: what it was, who it notified, when it was delivered, and why it fired.
    public var action: Stage.Action?
    public var recipients: [String] = []
    public var deliverAt: Instant?
    public var explanation: String?

    /// Every stored property, for the stores.
    package init(fireID: String, key: FireKey, caseID: String, outcome: Outcome, due: Instant, firedAt: Instant,
                 action: Stage.Action? = nil, recipients: [String] = [], deliverAt: Instant? = nil, explanation: String? = nil) {
        self.fireID = fireID
        self.key = key
        self.caseID = caseID
        self.outcome = outcome
        self.due = due
        self.firedAt = firedAt
        self.action = action
        self.recipients = recipients
        self.deliverAt = deliverAt
        self.explanation = explanation
    }
}

/// Where the case data and Tickler's own state live. Async so that a networked store (PostgreSQL)
/// fits behind it without changing callers.
public protocol CaseStore: Sendable {
    /// The cases `caseIDs` (all when nil) with their records, in id order, and (unless `people` is false)
    /// the firm's people.
    func snapshot(caseIDs: [String]?, detail: SnapshotDetail, people: Bool) async throws -> StoreSnapshot
    /// The highest recorded step of every cycle of `caseIDs` (all when nil).
    func ledgerFacts(caseIDs: [String]?) async throws -> LedgerState
    /// Active snoozes of `caseIDs` (all when nil).
    func snoozes(caseIDs: [String]?) async throws -> [Snooze]
    /// Writes a validated import in one transaction (upsert by id).
    func write(_ batch: ImportBatch, now: Instant) async throws
    /// The ids already present in a case table, among `ids`.
    func existingIDs(table: String, among ids: Set<String>) async throws -> Set<String>
    /// The ids of the cases numbered `number` (a firm's numbers are unique in practice, not by constraint).
    func caseIDs(number: String) async throws -> [String]
}

/// The store could not be opened or read: the CLI's exit code 3.
public struct StoreUnavailable: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The change feed since a sequence number.
public struct ChangeSet: Sendable, Equatable {
    /// Case ids written, directly or through their communications, deadlines, requests or appointments.
    public var cases: Set<String> = []
    /// Whether the people table was written.
    public var people = false
    /// The last sequence number read.
    public var through: Int64
    /// The store's generation when read: lower than a sequence already read when the store's content was
    /// put back to an earlier state (restored from a backup).
    public var generation: Int64 = 0
    /// Whether entries are left after `through` (a read bounded by a limit stopped there).
    public var more = false

    public init(through: Int64) { self.through = through }
}
