/// How often refused requests reach the journal. A flood of refusals must not flood the journal:
/// journald's per-service rate limit would then drop the entries that matter (a STOP recorded). The
/// first `allowance` refusals of a minute are journaled one by one; the rest are counted, and the count
/// is journaled once when the minute is over.
public struct RefusalTally: Sendable, Equatable {
    /// Refusals journaled one by one per window.
    public let allowance: Int
    /// The window, in seconds.
    public let window: Int64

    private var windowStart: Instant?
    private var journaled = 0
    private var counted: [String: Int] = [:]

    public init(allowance: Int = 1, window: Int64 = 60) {
        precondition(allowance >= 0 && window > 0)
        self.allowance = allowance
        self.window = window
    }

    /// What to journal.
    public enum Entry: Sendable, Equatable {
        /// This refusal, on its own.
        case refusal
        /// Refusals not journaled in the window that ended, by reason.
        case summary(count: Int, reasons: [String: Int], since: Instant)
    }

    /// One refusal for `reason` at `now`: what to journal now (a summary of the window just ended comes
    /// first).
    public mutating func refused(_ reason: String, at now: Instant) -> [Entry] {
        var out = flush(at: now).map { [$0] } ?? []
        if windowStart == nil { windowStart = now }
        if journaled < allowance {
            journaled += 1
            out.append(.refusal)
        } else {
            counted[reason, default: 0] += 1
        }
        return out
    }

    /// The summary of refusals not yet journaled, once their window has ended at `now`; nil before that,
    /// or when there were none. A runner calls this on a timer so that the last count is journaled too.
    public mutating func flush(at now: Instant) -> Entry? {
        // A clock stepped back ends the window too: its count is not held for as long as the step.
        guard let start = windowStart, now.seconds - start.seconds >= window || now < start else { return nil }
        let summary = counted.isEmpty ? nil : Entry.summary(count: counted.values.reduce(0, +), reasons: counted, since: start)
        (windowStart, journaled, counted) = (nil, 0, [:])
        return summary
    }

    /// When `flush` next has something to say: the end of the window, when refusals are counted.
    public var nextFlush: Instant? {
        guard let start = windowStart, !counted.isEmpty else { return nil }
        return start.adding(seconds: window)
    }
}
