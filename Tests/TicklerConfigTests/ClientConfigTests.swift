import Foundation
import Testing
import TicklerCore
@testable import TicklerConfig

/// `clients:`, `stages:`, SMS channels and client policies, read into what the daemon uses.
@Suite struct ClientConfigTests {
    static let yaml = """
        firm: { name: Example Law }
        calendars:
          firm: { timezone: America/Los_Angeles, holidays: [us-federal] }
          court: { timezone: America/Los_Angeles, holidays: [2026-12-28] }
        channels:
          mail: { type: email, smtp: "smtp://relay.firm.test:25", starttls: off, from: "Example Law <updates@firm.test>" }
          texts:
            type: sms
            url: "http://127.0.0.1:8099"
            account_sid: AC0123
            auth_token_credential: sms-token
            messaging_service_sid: MG0123
            status_callback: "https://tickler.firm.test/sms/status"
            max_segments: 2
        clients:
          channels: { email: mail, sms: texts }
          languages: [en, es]
          undo_window: 5m
          max_delay: 24h
          quiet_hours:
            default: { hours: "08:30-19:30", days: [mon, tue, wed, thu, fri, sat] }
            reminders: { hours: "07:00-21:00", holidays: court }
        stages:
          default:
            - id: intake
              text:
                en: { name: Getting started, means: We are gathering facts., next: We will review your documents., needs: Your ID. }
                es: { name: Primeros pasos }
            - { id: evaluation, sensitive: true }
          family-law:
            - id: filing
              text: { en: { name: Filing } }
        policies:
          - id: stage-update
            client_facing: true
            clock: { since: stage_change }
            stages: [{ after: 0 minutes, notify: [client, assignee], via: [mail], deliver: immediately }]
          - id: hearing-reminder
            client_facing: true
            clock: { until: appointment }
            stages: [{ before: 1 day, at: "10:00", notify: [client] }]
          - id: survey
            client_facing: true
            purpose: surveys
            essential: false
            clock: { since: opened }
            stages: [{ after: 30 days, notify: [client] }]
        """

    static func load() throws -> Configuration { try ConfigurationLoader.parse(yaml, path: "/etc/tickler/tickler.yaml") }

    @Test func clientSettingsAreReadWithTheirDefaultsFilledIn() throws {
        let config = try Self.load()
        let clients = try #require(config.clients)
        #expect(clients.channels == [.email: "mail", .sms: "texts"])
        #expect(clients.languages == ["en", "es"])
        #expect(clients.gate.undoWindow == 300)
        #expect(clients.gate.maxDelay == 86_400)
        #expect(clients.defaultZone.identifier == "America/Los_Angeles")
        let updates = clients.gate.quietHours(for: .caseUpdates)
        #expect(updates.open == TimeOfDay(hour: 8, minute: 30) && updates.close == TimeOfDay(hour: 19, minute: 30))
        #expect(updates.days == [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday])
        // The firm's holidays by default; a purpose may name another calendar's, and inherits the rest.
        #expect(updates.holidays.holiday(on: LocalDate(year: 2026, month: 12, day: 25)) != nil)
        let reminders = clients.gate.quietHours(for: .reminders)
        #expect(reminders.open == TimeOfDay(hour: 7, minute: 0) && reminders.close == TimeOfDay(hour: 21, minute: 0))
        #expect(reminders.days == updates.days)
        #expect(reminders.holidays.holiday(on: LocalDate(year: 2026, month: 12, day: 25)) == nil)
        #expect(reminders.holidays.holiday(on: LocalDate(year: 2026, month: 12, day: 28)) != nil)
        #expect(clients.gate.quietHours(for: .surveys).open == updates.open)
    }

    @Test func stagesFallBackToTheDefaultAreaAndTheFirstLanguage() throws {
        let stages = try #require(try Self.load().clients).stages
        #expect(stages.text("intake", practiceArea: "personal-injury", language: "es", fallback: "en")?.0.name == "Primeros pasos")
        #expect(stages.text("intake", practiceArea: nil, language: "fr", fallback: "en")?.0
            == StageVocabulary.Text(name: "Getting started", means: "We are gathering facts.", next: "We will review your documents.",
                                    needs: "Your ID."))
        #expect(stages.stage("evaluation", practiceArea: nil)?.sensitive == true)
        // An area with its own list does not borrow the default's.
        #expect(stages.stage("filing", practiceArea: "family-law") != nil)
        #expect(stages.stage("intake", practiceArea: "family-law") == nil)
    }

    @Test func smsChannelsAndClientPoliciesAreRead() throws {
        let config = try Self.load()
        #expect(config.channels["texts"] == .sms(.init(
            url: "http://127.0.0.1:8099", accountSID: "AC0123", authTokenCredential: "sms-token", messagingServiceSID: "MG0123",
            statusCallback: "https://tickler.firm.test/sms/status", maxSegments: 2)))
        #expect(config.credentials.map(\.name) == ["sms-token"])
        let byID = Dictionary(uniqueKeysWithValues: config.policies.map { ($0.id, $0) })
        let update = try #require(byID["stage-update"])
        #expect(update.clock == .sinceStageChange(settleSeconds: 300))
        #expect(update.purpose == .caseUpdates && !update.essential)
        let hearing = try #require(byID["hearing-reminder"])
        #expect(hearing.purpose == .reminders && !hearing.essential)
        let survey = try #require(byID["survey"])
        #expect(survey.purpose == .surveys && !survey.essential)
    }

    @Test func aFirmThatWritesToClientsHasAStaffTaskPolicyBuiltInUnlessItWritesItsOwn() throws {
        let config = try Self.load()
        let builtIn = try #require(config.policies.first { $0.clock == .sinceStaffTask })
        #expect(builtIn.id == "staff-tasks" && !builtIn.clientFacing)
        #expect(builtIn.stages.map(\.notify) == [[.assignee], [.attorney]])
        #expect(builtIn.stages.map(\.action) == [.remind, .escalate])
        #expect(builtIn.stages.allSatisfy { $0.via == ["journal", "mail"] && $0.deliver == .immediately })
        #expect(builtIn.stages[1].offsetText == "after: 1 business day")

        let own = Self.yaml + """

              - id: tasks
                clock: { since: staff_task }
                stages: [{ after: 0 minutes, notify: [supervisor], via: [mail] }]
            """
        let mine = try ConfigurationLoader.parse(own, path: "/etc/tickler/tickler.yaml")
        #expect(mine.policies.filter { $0.clock == .sinceStaffTask }.map(\.id) == ["tasks"])

        let facing = Self.yaml + """

              - id: tasks
                client_facing: true
                clock: { since: staff_task }
                stages: [{ after: 0 minutes, notify: [client] }]
            """
        #expect(throws: (any Error).self) { try ConfigurationLoader.parse(facing, path: "x.yaml") }
        do {
            _ = try ConfigurationLoader.parse(facing, path: "x.yaml")
        } catch {
            #expect("\(error)".contains("error: since: staff_task tells staff what Tickler could not do: it cannot be client_facing"),
                    "\(error)")
        }
    }
}
