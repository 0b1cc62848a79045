import Testing
@testable import TicklerCore

@Suite struct ClientMessageGateTests {
    static let chicago = ZoneRules(identifier: "America/Chicago")!
    static let gate = ClientMessageGate(settings: .init(undoWindow: 600, maxDelay: 2 * 86_400, quietHours: [
        .caseUpdates: QuietHours(), .reminders: QuietHours(open: TimeOfDay(hour: 7, minute: 0)),
    ]))
    static let both = Contact(id: "k1", name: "Ann Smith", email: "ann@example.test", phone: "+14155550100", preferred: .sms)
    /// Tuesday 2026-12-01 10:00 CST.
    static let fired = t("2026-12-01T16:00:00Z")

    static func consent(_ entries: [(Contact.Medium, MessagePurpose)]) -> ConsentBook {
        ConsentBook(entries.map { ConsentRecord(contactID: "k1", medium: $0.0, purpose: $0.1, granted: true, source: "intake", at: t("2026-11-01T00:00:00Z")) })
    }

    static func message(_ purpose: MessagePurpose = .caseUpdates, essential: Bool = false, fired: Instant = fired,
                        until: Instant? = nil, contact: Contact? = both) -> ClientMessageGate.Message {
        .init(purpose: purpose, essential: essential, firedAt: fired, due: fired, until: until, contact: contact, zone: chicago)
    }

    @Test func aMessageWaitsOutTheUndoWindowThenGoesOnThePreferredConsentedMedium() {
        let book = Self.consent([(.sms, .caseUpdates), (.email, .caseUpdates)])
        #expect(Self.gate.decide(Self.message(), consents: book, now: Self.fired.adding(seconds: 599))
            == .hold(until: t("2026-12-01T16:10:00Z"), .undoWindow))
        #expect(Self.gate.decide(Self.message(), consents: book, now: t("2026-12-01T16:10:00Z")) == .send(.sms))
    }

    @Test func withoutConsentOnTheFirstMediumTheNextConsentedOneIsUsed() {
        let book = Self.consent([(.email, .caseUpdates)])
        #expect(Self.gate.decide(Self.message(), consents: book, now: t("2026-12-01T16:10:00Z")) == .send(.email))
    }

    @Test func noConsentForThePurposeMeansNoMessage() {
        let book = Self.consent([(.sms, .reminders), (.email, .surveys)])
        #expect(Self.gate.decide(Self.message(), consents: book, now: t("2026-12-01T16:10:00Z")) == .cancel(.noConsent))
    }

    @Test func anEssentialNoticeWithNoMediumLeftBecomesAStaffTask() {
        let book = Self.consent([(.sms, .caseUpdates)])
        #expect(Self.gate.decide(Self.message(.reminders, essential: true, until: t("2026-12-03T15:00:00Z")), consents: book,
                                 now: t("2026-12-01T16:10:00Z"))
            == .staffTask("no medium the contact consented to for reminders"))
    }

    @Test func quietHoursHoldUntilTheContactsMorningPerPurpose() {
        let book = Self.consent([(.sms, .caseUpdates), (.sms, .reminders)])
        // Fired Tuesday 21:00 CST: a case update waits for 08:00, a reminder (window from 07:00) for 07:00.
        let late = t("2026-12-02T03:00:00Z")
        #expect(Self.gate.decide(Self.message(fired: late), consents: book, now: t("2026-12-02T03:10:00Z"))
            == .hold(until: t("2026-12-02T14:00:00Z"), .quietHours("outside 08:00-20:00")))
        #expect(Self.gate.decide(Self.message(.reminders, fired: late, until: t("2026-12-04T15:00:00Z")), consents: book,
                                 now: t("2026-12-02T03:10:00Z"))
            == .hold(until: t("2026-12-02T13:00:00Z"), .quietHours("outside 07:00-20:00")))
    }

    @Test func aNoticeQuietHoursWouldHoldPastItsTimeIsNotSentLate() {
        let book = Self.consent([(.sms, .reminders)])
        // 21:00 Tuesday, for a hearing at 06:30 Wednesday: holding to 07:00 would be too late.
        let m = Self.message(.reminders, fired: t("2026-12-02T03:00:00Z"), until: t("2026-12-02T12:30:00Z"))
        #expect(Self.gate.decide(m, consents: book, now: t("2026-12-02T03:10:00Z")) == .cancel(.tooLate))
        var essential = m
        essential.essential = true
        #expect(Self.gate.decide(essential, consents: book, now: t("2026-12-02T03:10:00Z"))
            == .staffTask("the contact's quiet hours last past the notice's time"))
    }

    @Test func aChangedCaseCancelsTheMessageInThisOrder() {
        let book = Self.consent([(.sms, .caseUpdates)])
        let now = t("2026-12-01T16:10:00Z")
        var m = Self.message()
        m.cancelled = true
        #expect(Self.gate.decide(m, consents: book, now: Self.fired) == .cancel(.cancelledByStaff))
        m = Self.message()
        m.caseOpen = false
        #expect(Self.gate.decide(m, consents: book, now: now) == .cancel(.caseClosed))
        m = Self.message()
        m.cycleLive = false
        #expect(Self.gate.decide(m, consents: book, now: now) == .cancel(.cycleEnded))
        #expect(Self.gate.decide(Self.message(contact: nil), consents: book, now: now) == .cancel(.contactRemoved))
        var off = Self.both
        off.updatesEnabled = false
        #expect(Self.gate.decide(Self.message(contact: off), consents: book, now: now) == .cancel(.updatesDisabled))
        #expect(Self.gate.decide(Self.message(), consents: book, now: Self.fired.adding(seconds: 2 * 86_400)) == .cancel(.tooLate))
    }

    @Test func aRetryStaysOnTheMediumItStartedOn() {
        let book = Self.consent([(.sms, .caseUpdates), (.email, .caseUpdates)])
        var m = Self.message()
        m.lastMedium = .email
        #expect(Self.gate.decide(m, consents: book, now: t("2026-12-01T16:10:00Z")) == .send(.email))
    }

    @Test func aContactWithoutAUsableAddressIsNotReachedThere() {
        let book = Self.consent([(.sms, .caseUpdates), (.email, .caseUpdates)])
        let badPhone = Contact(id: "k1", email: "ann@example.test", phone: "4155550100", preferred: .sms)
        #expect(Self.gate.decide(Self.message(contact: badPhone), consents: book, now: t("2026-12-01T16:10:00Z")) == .send(.email))
    }
}
