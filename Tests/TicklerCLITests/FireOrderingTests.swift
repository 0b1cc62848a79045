import Testing
import TicklerCore
@testable import TicklerCLI

/// `simulate` sorts packed keys for speed; the contract's order is `Simulator.precedes`. They must agree,
/// ties included (same instant, case ids that sort differently as numbers and as text, repeats, subjects).
@Suite struct FireOrderingTests {
    @Test(arguments: Array(UInt64(1)...UInt64(40))) func packedKeysSortAsTheContractOrder(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let caseIDs = ["c1", "c10", "c2", "c9", "C3", "case-ä"].sorted()
        let policyIDs = ["deadline-approach", "client-update-cadence", "b", "a-policy"]
        let policies = policyIDs.map { Policy(id: $0, clock: .sinceOpened, calendar: .utcDefault, stages: []) }
        var fires: [Fire] = []
        for _ in 0..<300 {
            let at = Instant(seconds: Int64.random(in: 0..<4, using: &rng) * 3600)
            let subject = SubjectRef([.case, .deadline, .communication].randomElement(using: &rng)!,
                                     "x\(Int.random(in: 0..<3, using: &rng))")
            let key = FireKey(cycle: CycleKey(policy: policyIDs.randomElement(using: &rng)!, subject: subject, anchor: at),
                              step: StepIndex(stage: Int.random(in: 1...3, using: &rng), repeat: Int.random(in: 0...2, using: &rng)))
            fires.append(Fire(key: key, caseID: caseIDs.randomElement(using: &rng)!, caseNumber: "N", due: at, firedAt: at,
                              deliverAt: at, action: .remind, recipients: [], channels: []))
        }
        // As `simulate` does: the case rank is the case's position among the ids in String order.
        let rank = FireOrdering.policyRanks(policies)
        var keys = fires.enumerated().map { i, f in
            FireOrdering.key(f, caseRank: caseIDs.firstIndex(of: f.caseID)!, policyRank: rank, slice: 0, position: i)
        }
        FireOrdering.sort(&keys, slices: [fires])
        var reference = fires
        Simulator.sort(&reference)
        let packed = keys.map { fires[Int($0.position)] }
        // Fires equal in every ordered field may come in either order; compare what the order looks at.
        func shape(_ f: Fire) -> String { "\(f.deliverAt) \(f.caseID) \(f.policy) \(f.key.step) \(f.subject)" }
        #expect(packed.map(shape) == reference.map(shape), "seed \(seed)")
    }
}
