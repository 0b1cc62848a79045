import TicklerCore

/// A slice of the firm as the evaluator reads it: some cases in id order, each with its records, and the
/// ledger facts and holds of those cases. Streamed from the store a chunk at a time, so nothing holds the
/// whole firm.
public struct EvaluationChunk: Sendable {
    /// The position of the first case in the firm's id order.
    public var position: Int
    public var cases: [CaseSnapshot] = []
    /// The highest recorded step of each cycle of these cases (empty when not asked for).
    public var ledger = LedgerState()
    /// The holds in force (snoozes and acks not ended) of these cases, by case id.
    public var holds: [String: [Snooze]] = [:]
    /// Rows of these cases (or of no case) that could not be read: skipped, reported once each.
    public var badRows: [BadRow] = []

    public init(position: Int) { self.position = position }
}
