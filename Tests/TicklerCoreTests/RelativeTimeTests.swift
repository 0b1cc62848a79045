import Testing
import TicklerCore

/// `now+Nd` is N calendar days in the zone; `now+Nh` is N elapsed hours.
@Suite struct RelativeTimeTests {
    let la = ZoneRules(identifier: "America/Los_Angeles")!

    func t(_ s: String) -> Instant { RFC3339.parse(s)! }

    @Test func parsesOnlyTheDocumentedForms() {
        #expect(RelativeTime(parsing: "now") == RelativeTime(amount: 0, unit: .hours))
        #expect(RelativeTime(parsing: "now+7d") == RelativeTime(amount: 7, unit: .days))
        #expect(RelativeTime(parsing: "now-12h") == RelativeTime(amount: -12, unit: .hours))
        for bad in ["now+", "now+d", "now+-3d", "now+3w", "now 3d", "tomorrow", "now+3.5d", "NOW"] {
            #expect(RelativeTime(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func aDayAcrossTheAutumnChangeIsTwentyFiveHours() {
        // 10:00 PDT on Saturday 31 October 2026; the clocks go back at 02:00 on Sunday.
        let now = t("2026-10-31T17:00:00Z")
        #expect(RelativeTime(amount: 1, unit: .days).instant(from: now, in: la) == t("2026-11-01T18:00:00Z"))
        #expect(RelativeTime(amount: 7, unit: .days).instant(from: now, in: la) == t("2026-11-07T18:00:00Z"))
        #expect(RelativeTime(amount: 24, unit: .hours).instant(from: now, in: la) == t("2026-11-01T17:00:00Z"))
        #expect(RelativeTime(amount: -1, unit: .days).instant(from: t("2026-11-01T18:00:00Z"), in: la) == now)
    }

    @Test func aDayAcrossTheSpringChangeIsTwentyThreeHours() {
        // 09:00 PST on Saturday 7 March 2026; the clocks go forward at 02:00 on Sunday.
        let now = t("2026-03-07T17:00:00Z")
        #expect(RelativeTime(amount: 1, unit: .days).instant(from: now, in: la) == t("2026-03-08T16:00:00Z"))
        // 02:30 does not exist on the 8th: it moves forward by the gap, to 03:30 PDT.
        #expect(RelativeTime(amount: 1, unit: .days).instant(from: t("2026-03-07T10:30:00Z"), in: la) == t("2026-03-08T10:30:00Z"))
    }

    @Test func inUTCADayIsAlwaysTwentyFourHours() {
        let utc = ZoneRules(identifier: "UTC")!
        let now = t("2026-10-31T17:00:00Z")
        #expect(RelativeTime(amount: 30, unit: .days).instant(from: now, in: utc) == now.adding(seconds: 30 * 86_400))
    }
}
