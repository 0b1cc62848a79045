/// One step of a cycle: a stage and its repeat number, ordered stage first.
public struct StepIndex: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 1-based stage number.
    public var stage: Int
    /// 0 for the stage's first fire, then 1… for its repeats.
    public var repeatNumber: Int

    public init(stage: Int, repeat repeatNumber: Int = 0) {
        self.stage = stage
        self.repeatNumber = repeatNumber
    }

    public static func < (l: StepIndex, r: StepIndex) -> Bool {
        l.stage != r.stage ? l.stage < r.stage : l.repeatNumber < r.repeatNumber
    }

    public var description: String { repeatNumber == 0 ? "stage \(stage)" : "stage \(stage) repeat \(repeatNumber)" }
}

/// A cycle: (policy, subject, anchor). When the anchor moves, a new cycle begins.
public struct CycleKey: Hashable, Sendable {
    public var policy: String
    public var subject: SubjectRef
    public var anchor: Instant

    public init(policy: String, subject: SubjectRef, anchor: Instant) {
        self.policy = policy
        self.subject = subject
        self.anchor = anchor
    }
}

/// The ledger key (policy, subject, anchor, stage, repeat#): unique in the store, so a step fires once.
public struct FireKey: Hashable, Sendable {
    public var cycle: CycleKey
    public var step: StepIndex

    public init(cycle: CycleKey, step: StepIndex) {
        self.cycle = cycle
        self.step = step
    }

    /// Derived from the key alone, so every restart and every instance computes the same id; channels use
    /// it as their idempotency key. 32 lowercase hex digits of SHA-256 over the key.
    public var fireID: String {
        let text = "tickler-fire-v1\n\(cycle.policy)\n\(cycle.subject)\n\(cycle.anchor.seconds)\n\(step.stage)\n\(step.repeatNumber)"
        return String(SHA256.hex(text).prefix(32))
    }
}
