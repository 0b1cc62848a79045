import TicklerCore

/// What the evaluation pipeline reads from a store: the firm's people, and its cases streamed in chunks (each
/// with the ledger facts and holds of its cases), or a few cases by id. Callers depend on this, not on a
/// concrete store.
public protocol EvaluationSource: Sendable {
    /// The firm's people, and the rows of `people` that cannot be read.
    func people() async throws -> (people: [Person], badRows: [BadRow])

    /// How many cases the store holds (readable or not).
    func caseCount() async throws -> Int

    /// Every case in id order, `size` at a time, in one consistent read: `body` is called on the reading
    /// thread with each chunk in turn, and the next is read only when it returns.
    func eachChunk(size: Int, detail: SnapshotDetail, ledger: Bool, holds: Bool,
                   _ body: @escaping @Sendable (EvaluationChunk) throws -> Void) async throws

    /// The next `size` cases in id order after `cursor` (from the first when nil), as one chunk in one
    /// read, and where to go on from (nil when no case is left): a walk over the firm in bounded steps.
    func chunk(after cursor: CaseCursor?, size: Int, detail: SnapshotDetail, ledger: Bool, holds: Bool) async throws
        -> (chunk: EvaluationChunk, next: CaseCursor?)

    /// The cases of `caseIDs` (those that exist and can be read), in id order, as one chunk.
    func chunk(caseIDs: [String], detail: SnapshotDetail, ledger: Bool, holds: Bool) async throws -> EvaluationChunk
}

/// Where a walk over the firm stands: just after a case, in the store's id order. Opaque; it may stand for
/// a case whose id cannot be read.
public struct CaseCursor: Sendable, Equatable {
    private enum Position: Sendable, Equatable {
        /// SQLite's order of the id column (storage class, then bytes): it may hold an id that is not text.
        case sqlite(CaseKey)
        /// PostgreSQL's: ids are text, ordered by their bytes (`COLLATE "C"`).
        case text(String)
    }

    private let position: Position

    init(_ key: CaseKey) { position = .sqlite(key) }
    package init(id: String) { position = .text(id) }

    var key: CaseKey? {
        if case .sqlite(let k) = position { return k }
        return nil
    }

    package var id: String? {
        if case .text(let id) = position { return id }
        return nil
    }
}
