import Foundation
import Testing
import TicklerCore
@testable import TicklerConfig

@Suite struct ConfigurationLoaderTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func exampleConfigurationPassesAndCoversTheSeedProblems() throws {
        let path = Self.repository.appendingPathComponent("config/tickler.yaml").path
        let config = try ConfigurationLoader.load(path: path)
        #expect(config.firmName == "Example Law LLP")
        #expect(config.policies.map(\.id) == [
            "client-update-cadence", "unanswered-inbound", "deadline-approach", "document-chase", "appointment-reminder",
            "client-stage-update", "client-hearing-notice", "stale-case", "new-case-welcome", "staff-tasks",
        ])
        #expect(config.poll == PollSettings(interval: 60, fullRescan: 3600))
        #expect(Set(config.channels.keys) == ["journal", "email", "ops-hook"])
        #expect(config.store == .sqlite(path: "/var/lib/tickler/tickler.db"))
    }

    @Test func basedOnInheritsZoneAndReplacesHolidays() throws {
        let path = Self.repository.appendingPathComponent("config/tickler.yaml").path
        let config = try ConfigurationLoader.load(path: path)
        let firm = try #require(config.calendars["firm"])
        let court = try #require(config.calendars["court"])
        #expect(court.zone.identifier == "America/Los_Angeles")
        #expect(court.hours == firm.hours)
        // The firm closes on Christmas Eve; the court does not, but closes the day after Thanksgiving (.ics).
        #expect(!firm.isBusinessDay(LocalDate(iso8601: "2026-12-24")!))
        #expect(court.isBusinessDay(LocalDate(iso8601: "2026-12-24")!))
        #expect(firm.isBusinessDay(LocalDate(iso8601: "2026-11-27")!))
        #expect(court.nonBusinessReason(LocalDate(iso8601: "2026-11-27")!) == "holiday: Day after Thanksgiving (state courts closed)")
        // Court days of the deadline policy count on the court calendar.
        let deadline = try #require(config.policies.first { $0.id == "deadline-approach" })
        #expect(deadline.stages[2].counting.name == "court")
        #expect(deadline.stages[0].deliver == .businessHours)
        #expect(deadline.stages[2].deliver == .immediately)
    }

    @Test func relativePathsResolveAgainstTheConfigDirectory() throws {
        let yaml = """
            store: { sqlite: data/tickler.db }
            policies:
              - id: p
                clock: { since: opened }
                stages: [{ after: 1 day }]
            """
        let config = try ConfigurationLoader.parse(yaml, path: "/etc/tickler/tickler.yaml")
        #expect(config.store == .sqlite(path: "/etc/tickler/data/tickler.db"))
        // No calendars: the UTC default, and via defaults to the journal.
        #expect(config.defaultCalendar.zone.identifier == "UTC")
        #expect(config.policies[0].stages[0].via == ["journal"])
        #expect(config.policies[0].stages[0].deliver == .businessHours)
    }

    @Test func defaultsAndPerPolicyDeliverApply() throws {
        let yaml = """
            calendars: { firm: { timezone: Europe/London, business_hours: "08:30-12:30, 13:30-17:00" } }
            defaults: { deliver: immediately }
            policies:
              - id: p
                deliver: business_hours
                clock: { since: opened }
                stages:
                  - { after: 1 day, action: escalate }
                  - { after: 2 days, deliver: immediately }
              - id: q
                clock: { since: opened }
                stages: [{ after: 1 day }]
            """
        let config = try ConfigurationLoader.parse(yaml, path: "/tmp/t.yaml")
        #expect(config.policies[0].stages.map(\.deliver) == [.businessHours, .immediately])
        #expect(config.policies[1].stages.map(\.deliver) == [.immediately])
        #expect(config.calendars["firm"]?.hours.count == 2)
    }

    @Test func everyErrorOfAFileIsReportedInFileOrder() {
        let yaml = """
            calendars: { firm: { timezone: Nowhere/Land } }
            policies:
              - { id: a, clock: { since: never }, stages: [{ after: 1 day }] }
              - { id: b, clock: { since: opened }, stages: [{ after: 1 fortnight }] }
            """
        do {
            _ = try ConfigurationLoader.parse(yaml, path: "x.yaml")
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.map { "\($0.line):\($0.column)" } == ["1:32", "3:30", "4:58"])
            #expect(error.description.split(separator: "\n").allSatisfy { $0.hasPrefix("x.yaml:") && $0.contains(": error: ") })
        }
    }
}
