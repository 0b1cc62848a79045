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
            == .staffTask(.noConsentedMedium(.reminders)))
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

    @Test func aNoticeQuietHoursWouldHoldPastItsTimeIsNotSentLateButStaffAreTold() {
        let book = Self.consent([(.sms, .reminders)])
        // 21:00 Tuesday, for a hearing at 06:30 Wednesday: holding to 07:00 would be too late.
        let m = Self.message(.reminders, fired: t("2026-12-02T03:00:00Z"), until: t("2026-12-02T12:30:00Z"))
        #expect(Self.gate.decide(m, consents: book, now: t("2026-12-02T03:10:00Z")) == .staffTask(.quietHoursPastItsDate))
        var essential = m
        essential.essential = true
        #expect(Self.gate.decide(essential, consents: book, now: t("2026-12-02T03:10:00Z")) == .staffTask(.quietHoursPastItsDate))
        // Once the date has come, the notice is pointless: staff are told it was not sent.
        #expect(Self.gate.decide(m, consents: book, now: t("2026-12-02T12:30:00Z")) == .staffTask(.datePassed))
        // A survey asked late is no loss: it is only cancelled.
        #expect(Self.gate.decide(Self.message(.surveys, fired: t("2026-12-02T03:00:00Z"), until: t("2026-12-02T12:30:00Z")),
                                 consents: Self.consent([(.sms, .surveys)]), now: t("2026-12-02T12:30:00Z")) == .cancel(.tooLate))
    }

    /// New York, 08:00-20:00 on weekdays, the firm's holidays.
    static let newYork = ZoneRules(identifier: "America/New_York")!
    static let tokyo = ZoneRules(identifier: "Asia/Tokyo")!
    static let withHolidays = ClientMessageGate(settings: .init(undoWindow: 600, maxDelay: 2 * 86_400, quietHours: [
        .caseUpdates: QuietHours(holidays: HolidaySet(ruleSets: [.usFederal],
                                              explicit: [LocalDate(year: 2026, month: 12, day: 24): Holiday(name: "Christmas Eve")])),
    ]))

    /// The first instant a message fired at `fired` may go in `zone`, found by asking the gate minute by minute
    /// until it sends: every answer before it must be a hold (never a cancel or a task).
    static func firstSend(_ gate: ClientMessageGate, fired: Instant, zone: ZoneRules) -> Instant? {
        var m = message(fired: fired)
        m.zone = zone
        let book = consent([(.email, .caseUpdates)])
        var now = fired
        while now < fired.adding(seconds: 10 * 86_400) {
            switch gate.decide(m, consents: book, now: now) {
            case .send: return now
            case .hold(let until, _): now = max(until, now.adding(seconds: 60))
            case .cancel, .staffTask: return nil
            }
        }
        return nil
    }

    @Test func quietHoursDeferAnUpdateToTheNextAllowedTimeNeverDropIt() {
        // Friday 2026-12-04 19:58 in New York: the undo window ends at 20:08, after hours; Monday 08:00 it goes.
        #expect(Self.firstSend(Self.withHolidays, fired: t("2026-12-05T00:58:00Z"), zone: Self.newYork) == t("2026-12-07T13:00:00Z"))
        // Friday 18:00 in Chicago is Saturday 09:00 in Tokyo: Monday 08:00 in Tokyo.
        #expect(Self.firstSend(Self.withHolidays, fired: t("2026-12-05T00:00:00Z"), zone: Self.tokyo) == t("2026-12-06T23:00:00Z"))
        // Christmas Eve (a firm holiday), then Christmas, then the weekend: Monday 2026-12-28, 08:00.
        #expect(Self.firstSend(Self.withHolidays, fired: t("2026-12-24T15:00:00Z"), zone: Self.newYork) == t("2026-12-28T13:00:00Z"))
    }

    @Test func anUpdateHeldPastMaxDelayAfterItWasFirstAllowedBecomesAStaffTask() {
        let book = Self.consent([(.email, .caseUpdates)])
        // Fired Friday 19:58 in New York: first allowed Monday 08:00; a channel down until Wednesday 08:00 is
        // max_delay (48 h) late.
        var m = Self.message(fired: t("2026-12-05T00:58:00Z"))
        m.zone = Self.newYork
        #expect(Self.withHolidays.expiry(m) == t("2026-12-09T13:00:00Z"))
        #expect(Self.withHolidays.decide(m, consents: book, now: t("2026-12-08T20:00:00Z")) == .send(.email))
        #expect(Self.withHolidays.decide(m, consents: book, now: t("2026-12-09T12:59:59Z"))
            == .hold(until: t("2026-12-09T13:00:00Z"), .quietHours("outside 08:00-20:00")))
        #expect(Self.withHolidays.decide(m, consents: book, now: t("2026-12-09T13:00:00Z")) == .staffTask(.heldTooLong))
    }

    @Test func aMediumThatRefusedTheMessageIsNotTriedAgainTheNextConsentedOneIs() {
        let book = Self.consent([(.sms, .reminders), (.email, .reminders)])
        let now = t("2026-12-01T16:10:00Z")
        var m = Self.message(.reminders, essential: true, until: t("2026-12-04T15:00:00Z"))
        m.lastMedium = .sms
        #expect(Self.gate.decide(m, consents: book, now: now) == .send(.sms))
        m.refused = [.sms]
        #expect(Self.gate.decide(m, consents: book, now: now) == .send(.email))
        m.refused = [.sms, .email]
        #expect(Self.gate.decide(m, consents: book, now: now) == .staffTask(.everyMediumRefused))
        // Not only essential notices: a refused update is not dropped silently either.
        var update = Self.message()
        update.refused = [.sms]
        #expect(Self.gate.decide(update, consents: Self.consent([(.sms, .caseUpdates)]), now: now) == .staffTask(.everyMediumRefused))
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
        #expect(Self.gate.decide(Self.message(), consents: book, now: Self.fired.adding(seconds: 600 + 2 * 86_400))
            == .staffTask(.heldTooLong))
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
