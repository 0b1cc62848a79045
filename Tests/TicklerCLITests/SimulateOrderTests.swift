import Foundation
import Testing
import TicklerConfig
import TicklerCore
import TicklerStore
@testable import TicklerCLI

/// `simulate` evaluates chunks of cases apart and merges their sorted runs (spilled to disk past a memory
/// budget); the lines must come out in the contract's order, `Simulator.precedes`, exactly as if every fire
/// had been made at once and sorted.
@Suite struct SimulateOrderTests {
    @Test(arguments: [1, 7, 100]) func chunkedAndMergedLinesAreInTheContractOrder(chunkSize: Int) async throws {
        let dir = scratch()
        put(smallConfig, dir + "/tickler.yaml")
        let config = try ConfigurationLoader.load(path: dir + "/tickler.yaml")
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        let asOf = RFC3339.parse("2026-09-01T00:00:00Z")!
        try await store.write(DemoFirm(cases: 150, seed: 11, asOf: asOf).generate(), now: asOf)
        let from = asOf, to = asOf.adding(seconds: 45 * 86_400)
        let people = try await store.people()
        let evaluation = FirmEvaluation(policies: config.policies, rules: config.deadlineRuleSet, staff: Staff(people.people))

        // As `simulate` does, with small chunks and a budget that spills nearly every run.
        let runs = SortedRuns(budget: 2048)
        let work = Simulate.work(evaluation, from: from, to: to)
        try await store.eachChunk(size: chunkSize, detail: .evaluation, ledger: false, holds: true) { chunk in runs.keep(work(chunk)) }
        try runs.check()
        var out: [UInt8] = []
        runs.drain { out += $0 }
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)

        // Every fire at once, sorted by the contract, formatted the same way.
        let whole = try await store.chunk(caseIDs: try await Self.caseIDs(store), detail: .evaluation, ledger: false, holds: true)
        var fires: [Fire] = []
        for c in whole.cases {
            var fresh: LedgerState? = nil
            fires += evaluation.simulate(c, from: from, to: to, holds: whole.holds[c.id] ?? [], ledger: &fresh)
        }
        Simulator.sort(&fires)
        let expected = fires.map { f -> String in
            var json = JSONBytes(capacity: 256)
            json.simulateLine(f)
            return String(decoding: json.bytes.dropLast(), as: UTF8.self)
        }
        #expect(lines.count > 100, "the firm should give work to order")
        #expect(lines == expected, "chunks of \(chunkSize)")
    }

    static func caseIDs(_ store: SQLiteCaseStore) async throws -> [String] {
        try await store.snapshot(caseIDs: nil, detail: .evaluation, people: false).cases.map(\.id)
    }
}
