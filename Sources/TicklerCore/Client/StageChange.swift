/// One change of a case's stage, as the store recorded it.
public struct StageChange: Sendable, Equatable {
    /// The stage before; nil when the case had none.
    public var from: String?
    public var to: String
    public var at: Instant

    public init(from: String?, to: String, at: Instant) {
        self.from = from
        self.to = to
        self.at = at
    }
}

/// A change of stage a client should hear about: the last run of changes, each within the settle
/// window of the one before, taken as one move from where the run started to where it ended.
///
/// So a stage set by mistake and put back inside the window is no change at all, and a case moved twice
/// in quick succession is announced once, at its final stage.
public struct StageTransition: Sendable, Equatable {
    public var from: String
    public var to: String
    /// The last change of the run: the cycle's anchor.
    public var at: Instant

    public init(from: String, to: String, at: Instant) {
        self.from = from
        self.to = to
        self.at = at
    }

    /// The transition `changes` (in any order) end with, merging changes less than `settleSeconds` apart.
    /// Nil when the run ends where it started, or starts from no stage at all: a case given its first stage
    /// (a firm mapping its cases to stages) is not news to announce.
    public static func settled(_ changes: [StageChange], settleSeconds: Int64) -> StageTransition? {
        guard !changes.isEmpty else { return nil }
        let sorted = changes.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        var start = sorted.count - 1
        while start > 0, sorted[start].at.seconds - sorted[start - 1].at.seconds < settleSeconds { start -= 1 }
        let last = sorted[sorted.count - 1]
        guard let from = sorted[start].from, from != last.to else { return nil }
        return StageTransition(from: from, to: last.to, at: last.at)
    }
}
