import Testing
@testable import TicklerCore

@Suite struct ConsentBookTests {
    static func grant(_ medium: Contact.Medium, _ p: MessagePurpose, _ at: String, granted: Bool = true,
                      source: String = "intake-form") -> ConsentRecord {
        ConsentRecord(contactID: "k1", medium: medium, purpose: p, granted: granted, source: source, at: t(at),
                      wording: "May we text you updates?")
    }

    @Test func noEntryMeansNoConsent() {
        #expect(!ConsentBook().allows("k1", .email, .caseUpdates))
    }

    @Test func theLatestEntryIsInForceWhateverTheOrderTheyArrive() {
        let book = ConsentBook([Self.grant(.sms, .caseUpdates, "2026-12-02T00:00:00Z", granted: false),
                                Self.grant(.sms, .caseUpdates, "2026-12-01T00:00:00Z")])
        #expect(!book.allows("k1", .sms, .caseUpdates))
        #expect(!book.allows("k1", .sms, .reminders))
    }

    @Test func consentIsPerMediumAndPurpose() {
        let book = ConsentBook([Self.grant(.email, .reminders, "2026-12-01T00:00:00Z")])
        #expect(book.allows("k1", .email, .reminders))
        #expect(!book.allows("k1", .sms, .reminders))
        #expect(!book.allows("k1", .email, .caseUpdates))
        #expect(!book.allows("k2", .email, .reminders))
    }

    @Test func stopRevokesEverySMSPurposeInForceAndStartRestoresOnlyThose() {
        var book = ConsentBook([
            Self.grant(.sms, .caseUpdates, "2026-12-01T00:00:00Z"),
            Self.grant(.sms, .reminders, "2026-12-01T00:00:00Z"),
            Self.grant(.sms, .surveys, "2026-12-01T00:00:00Z"),
            // Staff took surveys away before the STOP: START must not bring them back.
            Self.grant(.sms, .surveys, "2026-12-02T00:00:00Z", granted: false, source: "staff:p1"),
            Self.grant(.email, .caseUpdates, "2026-12-01T00:00:00Z"),
        ])
        let stop = book.optOut("k1", at: t("2026-12-03T00:00:00Z"), wording: "STOP")
        #expect(stop.map(\.purpose) == [.caseUpdates, .reminders])
        #expect(stop.allSatisfy { !$0.granted && $0.medium == .sms && $0.source == ConsentRecord.keywordSource })
        for r in stop { book.add(r) }
        #expect(MessagePurpose.allCases.allSatisfy { !book.allows("k1", .sms, $0) })
        #expect(book.allows("k1", .email, .caseUpdates))
        let start = book.optIn("k1", at: t("2026-12-04T00:00:00Z"), wording: "START")
        #expect(start.map(\.purpose) == [.caseUpdates, .reminders])
        for r in start { book.add(r) }
        #expect(book.allows("k1", .sms, .caseUpdates) && book.allows("k1", .sms, .reminders))
        #expect(!book.allows("k1", .sms, .surveys))
    }

    @Test func startWithoutAnEarlierStopGrantsNothing() {
        #expect(ConsentBook().optIn("k1", at: t("2026-12-04T00:00:00Z"), wording: "START").isEmpty)
    }
}
