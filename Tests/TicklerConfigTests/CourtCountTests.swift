import Foundation
import Testing
import TicklerConfig
import TicklerCore

/// Every counting method on the courts shipped in config/courts, on 2026–2027 dates worked out by hand from
/// the rule texts (the points each method differs on), with the unsettled points read both ways.
struct CourtCountTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/courts").path
    static let library = CourtLibrary(directories: [shipped])

    static func court(_ id: String) throws -> Court { try #require(try library.court(id)) }

    /// The last day (in the court's zone) of `period` from `trigger` (a date: that day at noon, or an instant).
    static func count(_ court: String, _ trigger: String, _ period: String, service: TriggerEvent.ServiceMethod? = nil,
                      from below: String? = nil) throws -> CourtDeadline {
        let c = try Self.court(court)
        let at = trigger.count == 10 ? c.zone.instant(date: LocalDate(iso8601: trigger)!, secondOfDay: 12 * 3600) : RFC3339.parse(trigger)!
        return CourtCount.compute(trigger: at, period: CourtPeriod(parsing: period)!, method: c.method,
                                  days: c.days(appealFrom: try below.map { try Self.court($0) }), service: service)
    }

    static func last(_ court: String, _ trigger: String, _ period: String, service: TriggerEvent.ServiceMethod? = nil, from: String? = nil) throws -> String {
        try count(court, trigger, period, service: service, from: from).lastDay.iso8601
    }

    @Test func everyShippedCourtAndHolidayFileLoads() throws {
        #expect(Self.library.check().isEmpty, "\(Self.library.check())")
        let ids = ["us-sdny", "us-edny", "us-cdca", "us-ndca", "us-dnh", "us-dma", "us-ca1", "us-ca2", "us-ca9", "us-bankr-sdny", "us-bankr-cdca",
                   "ca-superior", "ny-supreme", "tx-district"]
        #expect(Set(ids).isSubset(of: Set(Self.library.courtIDs)))
        let methods = try Dictionary(uniqueKeysWithValues: ids.map { ($0, try Self.court($0).method) })
        #expect(methods["us-ca9"] == .frap26a && methods["us-bankr-cdca"] == .frbp9006a && methods["ca-superior"] == .caCCP
                && methods["ny-supreme"] == .nyGCL && methods["tx-district"] == .txTRCP && methods["us-dnh"] == .frcp6a)
        let due = try Self.count("us-cdca", "2026-03-17", "14 days")
        #expect(due.due.rfc3339 == "2026-04-02T06:59:59Z", "the last day ends at midnight Pacific time")
    }

    // MARK: Fed. R. Civ. P. 6(a)

    /// 6(a)(6)(C): a state's holiday counts forward only.
    @Test func aStateHolidayCountsForwardOnlyInFederalCourt() throws {
        // 10 days after Mon Feb 2, 2026 is Thu Feb 12, Lincoln's Birthday in New York: Fri Feb 13.
        #expect(try Self.last("us-sdny", "2026-02-02", "10 days") == "2026-02-13")
        // Backward, 10 days before Sun Feb 22 is Thu Feb 12, which then is an ordinary day.
        #expect(try Self.last("us-sdny", "2026-02-22", "10 days before") == "2026-02-12")
        // Election Day (Tue Nov 3, 2026) is a holiday in New York, not in California.
        #expect(try Self.last("us-edny", "2026-10-27", "7 days") == "2026-11-04")
        #expect(try Self.last("us-cdca", "2026-10-27", "7 days") == "2026-11-03")
        // Cesar Chavez Day (Tue Mar 31) in California; Patriots' Day (Mon Apr 20) in Massachusetts.
        #expect(try Self.last("us-ndca", "2026-03-17", "14 days") == "2026-04-01")
        #expect(try Self.last("us-dma", "2026-04-06", "14 days") == "2026-04-21")
        #expect(try Self.last("us-sdny", "2026-04-06", "14 days") == "2026-04-20")
    }

    /// 6(d): three days after the period would otherwise expire, for mail and other non-electronic means.
    @Test func federalServiceAddsThreeDaysAfterThePeriodForMailButNotElectronicService() throws {
        // 14 days after Fri Jan 30 is Fri Feb 13; +3 is Mon Feb 16, Washington's Birthday: Tue Feb 17.
        #expect(try Self.last("us-sdny", "2026-01-30", "14 days", service: .mail) == "2026-02-17")
        #expect(try Self.last("us-sdny", "2026-01-30", "14 days", service: .overnight) == "2026-02-17")
        #expect(try Self.last("us-sdny", "2026-01-30", "14 days", service: .electronic) == "2026-02-13")
        #expect(try Self.last("us-sdny", "2026-01-30", "14 days", service: .personal) == "2026-02-13")
        let d = try Self.count("us-sdny", "2026-01-30", "14 days", service: .mail)
        #expect(d.rules.contains("Rule 6(d)") && d.rules.contains("Rule 6(a)(1)(C)"))
    }

    /// A weekday observed in place of a weekend holiday: unsettled in federal court, settled in California's.
    @Test func anObservedFridayIsUnsettledInFederalCourtAndAJudicialHolidayInCalifornia() throws {
        // 10 days after Tue Jun 23, 2026 is Fri Jul 3 (Independence Day, a Saturday, observed).
        let federal = try Self.count("us-cdca", "2026-06-23", "10 days")
        #expect(federal.lastDay.iso8601 == "2026-07-03")
        #expect(federal.alternative?.lastDay.iso8601 == "2026-07-06")
        #expect(federal.warnings.first?.contains("a weekday observed in place of a weekend holiday") == true)
        let state = try Self.count("ca-superior", "2026-06-23", "10 days")
        #expect(state.lastDay.iso8601 == "2026-07-06")
        #expect(state.alternative == nil && state.warnings.isEmpty)
        // New York moves only a Sunday holiday: Fri Jul 3, 2026 is a business day there.
        #expect(try Self.last("ny-supreme", "2026-06-23", "10 days") == "2026-07-03")
    }

    // MARK: Fed. R. App. P. 26(a)

    /// 26(a)(6)(C): the state of the clerk's principal office, and that of the district court below.
    @Test func anAppealCountsTheHolidaysOfTheClerksStateAndOfTheCourtBelow() throws {
        // First Circuit (Boston): 10 days after Fri Apr 10, 2026 is Mon Apr 20, Patriots' Day: Tue Apr 21.
        #expect(try Self.last("us-ca1", "2026-04-10", "10 days", from: "us-dnh") == "2026-04-21")
        // Second Circuit (New York): Patriots' Day counts only when the judgment came from Massachusetts.
        #expect(try Self.last("us-ca2", "2026-04-10", "10 days") == "2026-04-20")
        #expect(try Self.last("us-ca2", "2026-04-10", "10 days", from: "us-dma") == "2026-04-21")
        // 26(c): +3 for mail (14 days after Fri Mar 13 is Fri Mar 27; +3: Mon Mar 30); none for a paper
        // delivered the day it is served (fax) or electronically.
        #expect(try Self.last("us-ca9", "2026-03-13", "14 days", service: .mail) == "2026-03-30")
        #expect(try Self.last("us-ca9", "2026-03-13", "14 days", service: .fax) == "2026-03-27")
        // 30 days after Fri Feb 27, 2026 in the Ninth Circuit: Sun Mar 29 → Mon Mar 30.
        #expect(try Self.last("us-ca9", "2026-02-27", "30 days") == "2026-03-30")
    }

    // MARK: Fed. R. Bankr. P. 9006(a)

    @Test func bankruptcyCountsLikeRuleSixWithTheStatesHolidaysForward() throws {
        #expect(try Self.last("us-bankr-cdca", "2026-03-17", "14 days") == "2026-04-01")
        #expect(try Self.last("us-bankr-cdca", "2026-04-14", "14 days before") == "2026-03-31")
        // 9006(f): +3 for mail. 14 days after Fri Jan 30 → Fri Feb 13, +3 → Mon Feb 16 (Washington's Birthday) → Tue Feb 17.
        #expect(try Self.last("us-bankr-sdny", "2026-01-30", "14 days", service: .mail) == "2026-02-17")
        #expect(try Self.count("us-bankr-sdny", "2026-01-30", "14 days", service: .mail).rules.contains("Rule 9006(f)"))
    }

    // MARK: California

    @Test func californiaExtendsThePeriodForMailByFiveTenOrTwentyDaysThenMovesItsLastDay() throws {
        // 30 days after Sun Mar 1, 2026 is Tue Mar 31, Cesar Chavez Day: Wed Apr 1 (§§ 12, 12a).
        #expect(try Self.last("ca-superior", "2026-03-01", "30 days") == "2026-04-01")
        // 10 days after Mon Mar 16 is Thu Mar 26; § 1013(a): +5 → Tue Mar 31 (a holiday) → Wed Apr 1;
        // +10 → Sun Apr 5 → Mon Apr 6; +20 → Wed Apr 15.
        #expect(try Self.last("ca-superior", "2026-03-16", "10 days", service: .mail) == "2026-04-01")
        #expect(try Self.last("ca-superior", "2026-03-16", "10 days", service: .mailOutOfState) == "2026-04-06")
        #expect(try Self.last("ca-superior", "2026-03-16", "10 days", service: .mailOutOfCountry) == "2026-04-15")
        // Electronic service (§ 1010.6(a)(3)(B)) and overnight delivery (§ 1013(c)): two court days. From Thu
        // Mar 26: Fri Mar 27, Mon Mar 30. From Sat Mar 28 (10 days after Wed Mar 18): Mon Mar 30, then Tue Mar
        // 31 is a holiday: Wed Apr 1.
        #expect(try Self.last("ca-superior", "2026-03-16", "10 days", service: .electronic) == "2026-03-30")
        #expect(try Self.last("ca-superior", "2026-03-18", "10 days", service: .overnight) == "2026-04-01")
        #expect(try Self.last("ca-superior", "2026-03-16", "10 days", service: .personal) == "2026-03-26")
    }

    /// § 1005(b) with § 12c: court days back from the hearing, then the service days further back, then a
    /// last day on a holiday moves to the court day before.
    @Test func californiaCountsCourtDaysBackFromTheHearingAndThenTheServiceDaysFurtherBack() throws {
        // Hearing Thu Feb 26, 2026: 16 court days back skips Presidents' Day (Feb 16) and Lincoln's Birthday
        // (Feb 12) and ends Mon Feb 2; by mail 5 more calendar days back: Wed Jan 28.
        #expect(try Self.last("ca-superior", "2026-02-26", "16 court days before") == "2026-02-02")
        #expect(try Self.last("ca-superior", "2026-02-26", "16 court days before", service: .mail) == "2026-01-28")
        // Hearing Fri Mar 20: 16 court days back is Thu Feb 26; +5 back is Sat Feb 21: Fri Feb 20.
        #expect(try Self.last("ca-superior", "2026-03-20", "16 court days before", service: .mail) == "2026-02-20")
        // 3 days before Mon Nov 30 is Fri Nov 27 (day after Thanksgiving), then Thanksgiving: Wed Nov 25.
        #expect(try Self.last("ca-superior", "2026-11-30", "3 days before") == "2026-11-25")
    }

    // MARK: New York

    @Test func newYorkAddsMailDaysToThePeriodOfThePartyServedAndMovesOnlySundayHolidays() throws {
        // 20 days after Fri Jan 23, 2026 is Thu Feb 12, Lincoln's Birthday: Fri Feb 13.
        #expect(try Self.last("ny-supreme", "2026-01-23", "20 days") == "2026-02-13")
        // Independence Day 2027 is a Sunday: Monday Jul 5 is the holiday. 10 days after Fri Jun 25: Tue Jul 6.
        #expect(try Self.last("ny-supreme", "2027-06-25", "10 days") == "2027-07-06")
        // CPLR 2103(b)(2): 20 days after Mon Jan 5 end Sun Jan 25; the period of 25 days ends Fri Jan 30.
        #expect(try Self.last("ny-supreme", "2026-01-05", "20 days") == "2026-01-26")
        #expect(try Self.last("ny-supreme", "2026-01-05", "20 days", service: .mail) == "2026-01-30")
        #expect(try Self.last("ny-supreme", "2026-01-05", "20 days", service: .mailOutOfState) == "2026-02-02")
        // 2103(b)(6): overnight delivery adds one business day: Mon Jan 26.
        #expect(try Self.last("ny-supreme", "2026-01-05", "20 days", service: .overnight) == "2026-01-26")
        // Electronic service adds nothing.
        #expect(try Self.last("ny-supreme", "2026-01-05", "20 days", service: .electronic) == "2026-01-26")
    }

    /// § 25-a says a closed last day moves to "the next succeeding business day", also for periods before an
    /// event; read that way a notice period would shrink: both readings, the earlier used.
    @Test func newYorksBackwardPeriodEndingOnAHolidayIsReadBothWaysAndTheEarlierUsed() throws {
        // 8 days before Fri Feb 20, 2026 is Thu Feb 12, Lincoln's Birthday.
        let d = try Self.count("ny-supreme", "2026-02-20", "8 days before")
        #expect(d.lastDay.iso8601 == "2026-02-11")
        #expect(d.alternative?.lastDay.iso8601 == "2026-02-13")
        #expect(d.warnings.count == 1)
        #expect(d.warnings.first?.contains("moves to the next business day") == true)
    }

    // MARK: Texas

    @Test func texasSkipsWeekendsAndHolidaysInPeriodsOfFiveDaysOrLessAndAddsThreeDaysForMail() throws {
        // 3 days after Fri Mar 27, 2026: Mon Mar 30, Tue Mar 31, Wed Apr 1.
        #expect(try Self.last("tx-district", "2026-03-27", "3 days") == "2026-04-01")
        // 6 days count every day: Thu Apr 2.
        #expect(try Self.last("tx-district", "2026-03-27", "6 days") == "2026-04-02")
        // 10 days after Fri Jan 9 is Mon Jan 19 (Martin Luther King, Jr., Day): Tue Jan 20.
        #expect(try Self.last("tx-district", "2026-01-09", "10 days") == "2026-01-20")
        // 21a(c): three days added to the period, counted every day. 10 days after Mon Jan 5 + 3 = Sun Jan 18,
        // then Monday's holiday: Tue Jan 20. 3 days after Fri Apr 3 (Mon 6, Tue 7, Wed 8) + 3: Sat Apr 11 → Mon Apr 13.
        #expect(try Self.last("tx-district", "2026-01-05", "10 days", service: .mail) == "2026-01-20")
        #expect(try Self.last("tx-district", "2026-04-03", "3 days", service: .mail) == "2026-04-13")
        // 21a(b)(3): served electronically after 5:00 p.m. is served the next day.
        #expect(try Self.last("tx-district", "2026-03-03T18:00:00-06:00", "10 days", service: .electronic) == "2026-03-16")
        #expect(try Self.last("tx-district", "2026-03-03T15:00:00-06:00", "10 days", service: .electronic) == "2026-03-13")
    }

    /// Whether a Texas state holiday is a legal holiday under Rule 4 is unsettled: both ways, the earlier used.
    @Test func aTexasStateHolidayIsReadBothWays() throws {
        // 3 days after Fri Apr 17, 2026: Mon Apr 20, Tue Apr 21 (San Jacinto Day), Wed Apr 22 — or, skipping
        // San Jacinto Day, Thu Apr 23.
        let d = try Self.count("tx-district", "2026-04-17", "3 days")
        #expect(d.lastDay.iso8601 == "2026-04-22")
        #expect(d.alternative?.lastDay.iso8601 == "2026-04-23")
        #expect(d.warnings.first?.contains("2026-04-21 (San Jacinto Day)") == true)
        #expect(d.warnings.first?.contains("a Texas state holiday") == true)
        // 5 days after Thu Nov 19: Fri 20, Mon 23, Tue 24, Wed 25, (Thanksgiving) Fri 27 — or Mon 30.
        let t = try Self.count("tx-district", "2026-11-19", "5 days")
        #expect(t.lastDay.iso8601 == "2026-11-27")
        #expect(t.alternative?.lastDay.iso8601 == "2026-11-30")
    }

    // MARK: A firm's own court files

    /// A closure (an iCalendar file the court file names) extends a last day falling on it, and only that; a
    /// day closed by executive order, not a holiday by statute, is read both ways.
    @Test func aFirmsCourtWithClosuresAndADoubtfulDay() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("courts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/holidays", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            id: firm-sdny
            method: frcp-6a
            timezone: America/New_York
            holidays: [us-federal, orders]
            state_holidays: [ny-public]
            closures: sdny-closures.ics
            """.write(toFile: dir + "/firm-sdny.yaml", atomically: true, encoding: .utf8)
        try """
            name: orders
            holidays:
              - { name: "Christmas Eve (executive order)", on: 2026-12-24, unsettled: "a day closed by executive order, not a holiday by statute" }
            """.write(toFile: dir + "/holidays/orders.yaml", atomically: true, encoding: .utf8)
        try """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260213
            SUMMARY:Clerk's office closed: snow
            END:VEVENT
            END:VCALENDAR
            """.write(toFile: dir + "/sdny-closures.ics", atomically: true, encoding: .utf8)
        let library = CourtLibrary(directories: [dir, Self.shipped])
        #expect(library.check(in: dir).isEmpty, "\(library.check(in: dir))")
        let court = try #require(try library.court("firm-sdny"))
        func last(_ trigger: String, _ period: String) -> CourtDeadline {
            CourtCount.compute(trigger: court.zone.instant(date: LocalDate(iso8601: trigger)!, secondOfDay: 43_200),
                               period: CourtPeriod(parsing: period)!, method: court.method, days: court.days())
        }
        // Thu Feb 12 (Lincoln's Birthday) → Fri Feb 13 (closed) → Mon Feb 16 (Washington's Birthday) → Tue Feb 17.
        let moved = last("2026-02-02", "10 days")
        #expect(moved.lastDay.iso8601 == "2026-02-17")
        #expect(moved.text.contains("2026-02-13 Fri  court closed: Clerk's office closed: snow (sdny-closures.ics)"))
        // A period ending the day before the closure is not moved.
        #expect(last("2026-02-02", "9 days").lastDay.iso8601 == "2026-02-11")
        // 10 days after Mon Dec 14 is Thu Dec 24: an ordinary day, or a holiday (then Christmas, the weekend: Mon Dec 28).
        let eve = last("2026-12-14", "10 days")
        #expect(eve.lastDay.iso8601 == "2026-12-24")
        #expect(eve.alternative?.lastDay.iso8601 == "2026-12-28")
        #expect(eve.warnings.first?.contains("a day closed by executive order") == true)
    }

    @Test func aBrokenCourtFileIsReportedWithItsLocation() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("courts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            id: bad-court
            method: frcp-7z
            timezone: Mars/Olympus
            holidays: [us-federal, nowhere]
            """.write(toFile: dir + "/bad-court.yaml", atomically: true, encoding: .utf8)
        let problems = CourtLibrary(directories: [dir, Self.shipped]).check(in: dir).map(\.description)
        #expect(problems.contains { $0.hasSuffix("bad-court.yaml:2:9: error: method 'frcp-7z' must be one of frcp-6a, frap-26a, frbp-9006a, ca-ccp, ny-gcl, tx-trcp") }, "\(problems)")
        #expect(problems.contains { $0.hasSuffix("bad-court.yaml:3:11: error: unknown time zone 'Mars/Olympus'") }, "\(problems)")
        #expect(problems.contains { $0.hasSuffix("bad-court.yaml:4:24: error: no holiday file 'nowhere' (holidays/nowhere.yaml)") }, "\(problems)")
    }
}

/// `courts:` in tickler.yaml: the firm's court files, checked with the configuration.
struct CourtsDirectoryTests {
    static let policies = """
        policies:
          - id: p
            clock: { since: opened }
            stages: [{ after: 1 day, notify: [assignee] }]
        """

    @Test func theFirmsCourtsAreReadBeforeTheShippedOnesAndTheirMistakesReported() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("courts-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/courts/holidays", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A missing directory is located at its key.
        do {
            _ = try ConfigurationLoader.parse("courts: nowhere\n" + Self.policies, path: dir + "/tickler.yaml")
            Issue.record("a missing courts directory was accepted")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["\(dir)/tickler.yaml:1:9: error: courts 'nowhere' must be a directory of court files"])
        }
        // A court of the firm's own, on the shipped federal holidays: found, and counted by.
        try "id: la-county\nmethod: ca-ccp\ntimezone: America/Los_Angeles\nholidays: [ca-judicial, county]\n"
            .write(toFile: dir + "/courts/la-county.yaml", atomically: true, encoding: .utf8)
        try "name: county\nholidays:\n  - { name: \"Court closed by order\", on: 2026-04-02 }\n"
            .write(toFile: dir + "/courts/holidays/county.yaml", atomically: true, encoding: .utf8)
        let config = try ConfigurationLoader.parse("courts: courts\n" + Self.policies, path: dir + "/tickler.yaml")
        #expect(config.courtsDirectory == dir + "/courts")
        let court = try #require(try config.courts.court("la-county"))
        // 17 days after Mon Mar 16, 2026 is Thu Apr 2, closed by the county's own holiday: Fri Apr 3.
        let d = CourtCount.compute(trigger: court.zone.instant(date: LocalDate(year: 2026, month: 3, day: 16), secondOfDay: 43_200),
                                   period: CourtPeriod(amount: 17, unit: .days), method: court.method, days: court.days())
        #expect(d.lastDay.iso8601 == "2026-04-03")
        #expect(try config.courts.court("us-sdny") != nil, "the shipped courts are still there")
        // A mistake in one of them fails the configuration, located in that file.
        try "id: la-county\nmethod: ca-ccp\ntimezone: America/Los_Angeles\nholidays: [ca-judicial, county, nowhere]\n"
            .write(toFile: dir + "/courts/la-county.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try ConfigurationLoader.parse("courts: courts\n" + Self.policies, path: dir + "/tickler.yaml")
            Issue.record("a broken court file was accepted")
        } catch {
            #expect(error.diagnostics.map(\.description).contains("\(dir)/courts/la-county.yaml:4:33: error: no holiday file 'nowhere' (holidays/nowhere.yaml)"),
                    "\(error.diagnostics)")
        }
    }
}

/// `deadline_rules:` with `court:`: the court's rules count, and every misuse is located.
struct CourtDeadlineRuleTests {
    static func rules(_ yaml: String) throws(ConfigurationError) -> [DeadlineRule] {
        try ConfigurationLoader.parse(yaml + "\n" + CourtsDirectoryTests.policies, path: "/tmp/tickler.yaml").deadlineRules
    }

    @Test func aRuleCountsByItsCourtOrTheCasesAndGivesTheDeadlineTheCourtsDays() throws {
        let rules = try Self.rules("""
            deadline_rules:
              - { id: answer, on_event: served, period: "21 days", court: case, default_court: us-cdca }
              - { id: notice, on_event: hearing, period: "16 court days before", court: ca-superior, kind: filing }
            """)
        let set = DeadlineRuleSet(rules)
        func due(_ court: String?, _ kind: String, _ at: String) -> Deadline? {
            let c = CaseSnapshot(id: "c", number: "1", openedAt: RFC3339.parse("2026-01-01T00:00:00Z")!,
                                 events: [TriggerEvent(id: "e", kind: kind, occurredAt: RFC3339.parse(at)!)], court: court)
            return set.apply(to: c).deadlines.first
        }
        // Served Tue Mar 10, 2026: Tue Mar 31 in New York; Cesar Chavez Day in California: Wed Apr 1; the
        // default (C.D. Cal.) counts California's holiday forward too.
        #expect(due("ny-supreme", "served", "2026-03-10T17:00:00Z")?.dueAt.rfc3339 == "2026-04-01T03:59:59Z")
        #expect(due("ca-superior", "served", "2026-03-10T17:00:00Z")?.dueAt.rfc3339 == "2026-04-02T06:59:59Z")
        #expect(due(nil, "served", "2026-03-10T17:00:00Z")?.dueAt.rfc3339 == "2026-04-02T06:59:59Z")
        #expect(due("xx-unknown", "served", "2026-03-10T17:00:00Z")?.dueAt.rfc3339 == "2026-04-02T06:59:59Z", "an unknown court: the default")
        // 16 court days before a hearing on Thu Feb 26, 2026: Mon Feb 2; the deadline carries the court's days.
        let notice = due("ny-supreme", "hearing", "2026-02-26T17:00:00Z")
        #expect(notice?.dueAt.rfc3339 == "2026-02-03T07:59:59Z")
        #expect(notice?.courtCalendar?.calendar.name == "ca-superior")
    }

    @Test func everyMisuseOfCourtInADeadlineRuleIsLocated() throws {
        do {
            _ = try Self.rules("""
                deadline_rules:
                  - { id: a, on_event: x, period: "21 days", court: xx-nowhere }
                  - { id: b, on_event: x, period: "21 days", court: ca-superior, counting: frcp-6a }
                  - { id: c, on_event: x, period: "48 hours", court: ny-supreme }
                  - { id: d, on_event: x, period: "21 days", court: us-sdny, default_court: us-edny }
                  - { id: e, on_event: x, period: "5 court days", calendar: court }
                calendars: { court: { timezone: America/New_York } }
                """)
            Issue.record("accepted")
        } catch {
            let text = error.diagnostics.map(\.description)
            #expect(text.contains { $0.hasPrefix("/tmp/tickler.yaml:2:53: error: deadline rule 'a': unknown court 'xx-nowhere'; the courts are ") }, "\(text)")
            #expect(text.contains("/tmp/tickler.yaml:3:76: error: deadline rule 'b': court: sets the counting, the calendar and the days added for service; leave out counting"), "\(text)")
            #expect(text.contains("/tmp/tickler.yaml:4:54: error: deadline rule 'c': N.Y. Gen. Constr. Law §§ 20, 25-a counts days only, not hours"), "\(text)")
            #expect(text.contains("/tmp/tickler.yaml:5:77: error: deadline rule 'd': default_court goes with court: case"), "\(text)")
            #expect(text.contains("/tmp/tickler.yaml:6:35: error: deadline rule 'e': a period in court days needs court: (Fed. R. Civ. P. 6(a) counts every day)"), "\(text)")
        }
    }
}
