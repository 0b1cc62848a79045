import Testing
import TicklerCore
@testable import TicklerCLI

/// The external merge sort behind `simulate`: whatever the budget (so however many runs go to disk), the
/// lines come out in key order, each run's own order kept for equal keys, nothing lost or repeated.
@Suite struct SortedRunsTests {
    @Test(arguments: [64 << 20, 4096, 1])
    func linesComeOutInKeyOrderWhateverIsSpilled(budget: Int) throws {
        var rng = SplitMix64(seed: UInt64(budget))
        let runs = SortedRuns(budget: budget)
        var expected: [(SortedRuns.Key, Int, String)] = []
        for r in 0..<40 {
            var lines: [(SortedRuns.Key, String)] = []
            for i in 0..<Int.random(in: 0..<200, using: &rng) {
                // Few distinct instants, so runs interleave and keys tie within a run.
                let key = SortedRuns.Key(at: Int64.random(in: 0..<50, using: &rng), caseRank: Int32(r),
                                         policyRank: Int32.random(in: 0..<3, using: &rng), stage: 1, repeatNumber: 0)
                lines.append((key, "run \(r) line \(i) " + String(repeating: "x", count: Int.random(in: 0..<300, using: &rng)) + "\n"))
            }
            lines.sort { $0.0 < $1.0 }  // stable: a run's equal keys keep their order
            var run = SortedRuns.Run()
            for (k, l) in lines { run.append(k, line: Array(l.utf8)) }
            try runs.add(run)
            expected += lines.enumerated().map { ($1.0, $0, $1.1) }
        }
        expected.sort { ($0.0, $0.0.caseRank, $0.1) < ($1.0, $1.0.caseRank, $1.1) }
        var out: [UInt8] = []
        runs.drain(block: 1000) { out += $0 }
        #expect(String(decoding: out, as: UTF8.self) == expected.map(\.2).joined())
        #expect(runs.total == expected.count)
    }
}
