import TicklerCore

/// Puts a large simulation's fires in `Simulator.precedes` order without moving them: each fire gets a
/// packed key (`at`, case rank, policy rank, stage, repeat) and only the keys are sorted. Moving or
/// comparing whole fires retains their strings on every step, which cost more than simulating.
struct FireOrdering {
    struct Key {
        var at: Int64
        var caseRank: Int32
        var policyRank: Int32
        var stage: Int32
        var repeatNumber: Int32
        var slice: Int32
        var position: Int32

        func packedLess(_ o: Key) -> Bool {
            if at != o.at { return at < o.at }
            if caseRank != o.caseRank { return caseRank < o.caseRank }
            if policyRank != o.policyRank { return policyRank < o.policyRank }
            if stage != o.stage { return stage < o.stage }
            return repeatNumber < o.repeatNumber
        }
    }

    /// Ranks of policy ids in string order.
    static func policyRanks(_ policies: [Policy]) -> [String: Int32] {
        Dictionary(uniqueKeysWithValues: policies.map(\.id).sorted().enumerated().map { ($1, Int32($0)) })
    }

    static func key(_ f: Fire, caseRank: Int, policyRank: [String: Int32], slice: Int, position: Int) -> Key {
        Key(at: f.deliverAt.seconds, caseRank: Int32(caseRank), policyRank: policyRank[f.policy] ?? 0,
            stage: Int32(f.key.step.stage), repeatNumber: Int32(f.key.step.repeatNumber), slice: Int32(slice),
            position: Int32(position))
    }

    /// Sorts keys; ties on the packed fields (same case, policy and step) fall back to the subject.
    static func sort(_ keys: inout [Key], slices: [[Fire]]) {
        keys.sort { a, b in
            if a.packedLess(b) { return true }
            if b.packedLess(a) { return false }
            return slices[Int(a.slice)][Int(a.position)].subject < slices[Int(b.slice)][Int(b.position)].subject
        }
    }
}
