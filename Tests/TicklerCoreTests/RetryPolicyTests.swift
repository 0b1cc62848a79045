import Testing
import TicklerCore

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(base: 30, cap: 3600)

    @Test func delaysDoubleFromHalfToFullAndStopAtTheCap() {
        // (failures, jitter 0, jitter → 1)
        let expected: [(Int, Int64, Int64)] = [(1, 15, 29), (2, 30, 59), (3, 60, 119), (4, 120, 239), (5, 240, 479),
                                                (6, 480, 959), (7, 960, 1919), (8, 1800, 3599), (9, 1800, 3599), (60, 1800, 3599),
                                                (1000, 1800, 3599)]
        for (n, low, high) in expected {
            #expect(policy.delay(afterFailures: n, jitter: 0) == low, "failures \(n)")
            #expect(policy.delay(afterFailures: n, jitter: 0.999999999999) == high, "failures \(n)")
        }
        #expect(policy.delay(afterFailures: 3, jitter: 0.5) == 90)
    }

    @Test(arguments: 0..<200) func everyDelayIsWithinHalfAndFullOfItsStep(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        let failures = Int(rng.next() % 20) + 1
        let jitter = Double(rng.next() % 1_000_000) / 1_000_000
        let full = min(3600, 30 << Int64(failures - 1))
        let d = policy.delay(afterFailures: failures, jitter: jitter)
        #expect(d >= full / 2 && d < full || (full == 1 && d == 0))
        #expect(policy.nextAttempt(after: failures, now: Instant(seconds: 1000), jitter: jitter) == Instant(seconds: 1000 + d))
    }
}
