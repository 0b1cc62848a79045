import Foundation
import Testing
import TicklerCore

/// RFC 3339 as the store and the journal hold it: UTC, `Z`, whole seconds.
@Suite struct InstantFormatTests {
    @Test func exactValues() {
        #expect(Instant(seconds: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Instant(seconds: -1).rfc3339 == "1969-12-31T23:59:59Z")
        #expect(Instant(seconds: 951_782_400).rfc3339 == "2000-02-29T00:00:00Z")
        #expect(Instant(seconds: 1_798_761_599).rfc3339 == "2026-12-31T23:59:59Z")
        #expect(Instant.distantFuture.rfc3339 == "9999-12-31T23:59:59Z")
        #expect(Instant(seconds: -62_135_596_800).rfc3339 == "0001-01-01T00:00:00Z")
    }

    /// Back through the parser over random instants of years 1–9999, and against Foundation's formatter from
    /// 1583 (before the Gregorian reform Foundation writes Julian dates; RFC 3339's are proleptic Gregorian).
    @Test func agreesWithFoundationAndParsesBack() {
        let reference = ISO8601DateFormatter()
        reference.timeZone = TimeZone(identifier: "UTC")
        var rng = SplitMix64(seed: 3339)
        for _ in 0..<20_000 {
            let s = Int64.random(in: -62_135_596_800...253_402_300_799, using: &rng)
            let text = Instant(seconds: s).rfc3339
            if s >= -12_212_553_600 {
                #expect(text == reference.string(from: Date(timeIntervalSince1970: TimeInterval(s))), "\(s)")
            }
            #expect(RFC3339.parse(text) == Instant(seconds: s))
        }
    }
}
