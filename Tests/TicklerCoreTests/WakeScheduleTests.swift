import Testing
@testable import TicklerCore

@Suite struct WakeScheduleTests {
    @Test func takesDueCasesEarliestFirstAndForgetsThem() {
        var s = WakeSchedule()
        s.set("c1", Instant(seconds: 30))
        s.set("c2", Instant(seconds: 10))
        s.set("c3", Instant(seconds: 20))
        s.set("c3", Instant(seconds: 50))  // moved later
        s.set("c4", Instant(seconds: 5))
        s.set("c4", nil)  // cleared
        #expect(s.earliest() == Instant(seconds: 10))
        #expect(s.takeDue(at: Instant(seconds: 30)) == ["c2", "c1"])
        #expect(s.takeDue(at: Instant(seconds: 30)).isEmpty)
        #expect(s.count == 1)
        #expect(s.wake(of: "c3") == Instant(seconds: 50))
    }

    @Test(arguments: Array(UInt64(1)...UInt64(30))) func agreesWithANaiveModel(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var s = WakeSchedule()
        var model: [String: Instant] = [:]
        var now: Int64 = 0
        for _ in 0..<2000 {
            let id = "c\(Int.random(in: 0..<50, using: &rng))"
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<6:
                let w = Instant(seconds: now + Int64.random(in: -5...100, using: &rng))
                s.set(id, w)
                model[id] = w
            case 6:
                s.set(id, nil)
                model[id] = nil
            default:
                now += Int64.random(in: 0...20, using: &rng)
                let due = s.takeDue(at: Instant(seconds: now))
                let expected = model.filter { $0.value.seconds <= now }
                #expect(Set(due) == Set(expected.keys), "seed \(seed)")
                #expect(due.map { model[$0]! } == due.map { model[$0]! }.sorted(), "seed \(seed): not earliest first")
                for k in expected.keys { model[k] = nil }
            }
            #expect(s.count == model.count)
        }
    }
}
