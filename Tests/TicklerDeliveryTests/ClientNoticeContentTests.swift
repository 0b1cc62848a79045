import Foundation
import Testing
import TicklerCore
@testable import TicklerDelivery

/// What a client reads is whole and true: a stage without text in their language comes whole in the
/// fallback language (never their language around another's words), a move back is not "a new stage",
/// a court date says what it is, where, and whether they attend, a text that cannot fit its segments goes
/// in its short form, and every email says why it came and how to stop, answered to a person.
@Suite struct ClientNoticeContentTests {
    static let utc = BusinessCalendar(name: "firm", zone: .utc)
    static let settings = ClientSettings(
        languages: ["en", "es"],
        stages: StageVocabulary(areas: ["default": [
            .init(id: "intake", texts: ["en": .init(name: "Intake"), "es": .init(name: "Inicio")]),
            .init(id: "discovery", texts: ["en": .init(name: "Discovery", next: "We send our questions to the other side.")]),
        ]]), defaultZone: ZoneRules(identifier: "America/New_York")!)
    static func at(_ s: String) -> Instant { RFC3339.parse(s)! }
    func at(_ s: String) -> Instant { Self.at(s) }
    static let staff = Staff([Person(id: "p1", name: "Pat Lee", email: "pat@firm.test", role: "paralegal", phone: "+13125550199")])
    static let catalog = TemplateCatalog.builtIn

    static func stagePolicy() -> Policy {
        Policy(id: "stage-update", clock: .sinceStageChange(settleSeconds: 0), calendar: utc,
               stages: [Stage(number: 1, offset: Period(0, .minutes), counting: utc, notify: [.client], deliver: .immediately)],
               clientFacing: true)
    }

    static func reminderPolicy() -> Policy {
        Policy(id: "hearing-notice", clock: .untilDeadline(kinds: [.court]), calendar: utc,
               stages: [Stage(number: 1, side: .before, offset: Period(2, .days), counting: utc, notify: [.client], deliver: .immediately)],
               clientFacing: true)
    }

    static func caseAt(_ stage: String, from: String) -> CaseSnapshot {
        var c = CaseSnapshot(id: "c1", number: "N-1", assigneeID: "p1", openedAt: Self.at("2026-09-01T16:00:00Z"), stage: stage)
        c.stageChanges = [StageChange(from: from, to: stage, at: Self.at("2026-12-01T15:00:00Z"))]
        return c
    }

    @Test func aStageWithoutTextInTheContactsLanguageComesWholeInTheFallbackLanguage() throws {
        let luis = Contact(id: "k2", name: "Luis Canary", email: "luis@client.test", language: "es")
        let n = try #require(ClientNotice.build(for: luis, case: Self.caseAt("discovery", from: "intake"), policy: Self.stagePolicy(),
                                                anchor: nil, staff: Self.staff, settings: Self.settings, firmName: "Example Law"))
        #expect(n.language == "en")
        let text = Self.catalog.renderClient(.text, policy: "stage-update", stage: 1, notice: n, fallback: "en")
        #expect(text.hasPrefix("Dear Luis,\n\nYour case has moved to a new stage: Discovery."))
        #expect(!text.contains("Estimado"))
        // Where the stage has Spanish text, the message is Spanish.
        let back = try #require(ClientNotice.build(for: luis, case: Self.caseAt("intake", from: "discovery"), policy: Self.stagePolicy(),
                                                   anchor: nil, staff: Self.staff, settings: Self.settings, firmName: "Example Law"))
        #expect(back.language == "es")
    }

    @Test func aMoveBackToAnEarlierStageIsNotANewStage() throws {
        let ann = Contact(id: "k1", name: "Ann Canary", email: "ann@client.test")
        let n = try #require(ClientNotice.build(for: ann, case: Self.caseAt("intake", from: "discovery"), policy: Self.stagePolicy(),
                                                anchor: nil, staff: Self.staff, settings: Self.settings, firmName: "Example Law"))
        #expect(n.stageBack)
        let text = Self.catalog.renderClient(.text, policy: "stage-update", stage: 1, notice: n, fallback: "en")
        #expect(text.contains("Your case has gone back to an earlier stage: Intake."))
        #expect(!text.contains("new stage"))
        let forward = try #require(ClientNotice.build(for: ann, case: Self.caseAt("discovery", from: "intake"), policy: Self.stagePolicy(),
                                                      anchor: nil, staff: Self.staff, settings: Self.settings, firmName: "Example Law"))
        #expect(!forward.stageBack)
    }

    @Test func aCourtDateSaysWhatItIsWhereAndWhetherTheClientAttends() throws {
        var c = CaseSnapshot(id: "c1", number: "N-1", assigneeID: "p1", openedAt: at("2026-09-01T16:00:00Z"))
        c.deadlines = [Deadline(id: "d1", title: "Motion hearing: privileged strategy", kind: .court, dueAt: at("2026-12-04T17:00:00Z"),
                                location: "Daley Center, Courtroom 2402", clientAttends: true)]
        let ann = Contact(id: "k1", name: "Ann Canary", email: "ann@client.test", timeZone: "America/Chicago")
        let n = try #require(ClientNotice.build(for: ann, case: c, policy: Self.reminderPolicy(), anchor: at("2026-12-04T17:00:00Z"),
                                                subject: SubjectRef(.deadline, "d1"), staff: Self.staff, settings: Self.settings,
                                                firmName: "Example Law"))
        let text = Self.catalog.renderClient(.text, policy: "hearing-notice", stage: 1, notice: n, fallback: "en")
        #expect(text.contains("A reminder: you have a court date on Friday, December 4 at 11:00 AM.\n\nWhere: Daley Center, Courtroom 2402\n\n"
            + "You need to be there.\n"), "\(text)")
        #expect(!text.contains("privileged"), "a title is never shown")
        let sms = Self.catalog.renderClient(.sms, policy: "hearing-notice", stage: 1, notice: n, fallback: "en")
        #expect(sms == "Example Law: reminder, you have a court date on Friday, December 4 at 11:00 AM, Daley Center, Courtroom 2402. "
            + "You need to be there. Questions? Call +13125550199.")
        // An appointment without the client, in Spanish; nothing said of attendance when the firm said nothing.
        c.appointments = [Appointment(id: "a1", startsAt: at("2026-12-04T17:00:00Z"), withClient: false, location: "Oficina central")]
        let luis = Contact(id: "k2", name: "Luis Canary", email: "luis@client.test", language: "es", timeZone: "America/Chicago")
        let a = try #require(ClientNotice.build(for: luis, case: c, policy: Self.reminderPolicy(), anchor: at("2026-12-04T17:00:00Z"),
                                                subject: SubjectRef(.appointment, "a1"), staff: Self.staff, settings: Self.settings,
                                                firmName: "Example Law"))
        #expect((a.what, a.place, a.attend) == ("una cita", "Oficina central", ""))
        c.deadlines[0].clientAttends = nil
        let unsaid = try #require(ClientNotice.build(for: ann, case: c, policy: Self.reminderPolicy(), anchor: at("2026-12-04T17:00:00Z"),
                                                     subject: SubjectRef(.deadline, "d1"), staff: Self.staff, settings: Self.settings,
                                                     firmName: "Example Law"))
        #expect(unsaid.attend == "")
    }

    @Test func aTextThatCannotFitGoesInItsShortFormWithItsOptOut() {
        let n = ClientNotice(kind: .stage, language: "en", firmName: "Example Law", firstName: "Alexandrina",
                             stage: .init(name: "Discovery", means: "Both sides exchange evidence.",
                                          next: "We send the other side our written questions and they answer under oath within thirty days.",
                                          needs: "Your pay stubs for the last two years."),
                             staffName: "Pat Lee", staffPhone: "+13125550199")
        let composer = MessageComposer(templates: Self.catalog)
        let whole = composer.clientSMSForm(n, policy: "stage-update", stage: 1, fallback: "en", maxSegments: 3)
        #expect(whole.form == .whole)
        let one = composer.clientSMSForm(n, policy: "stage-update", stage: 1, fallback: "en", maxSegments: 1)
        #expect(one.form == .short)
        #expect(one.text == "Example Law: your case is now at the Discovery stage. Questions? +13125550199 Reply STOP to opt out.")
        #expect(SMSSegments.count(one.text) == 1)
    }

    @Test func anEmailToAClientIsAnsweredToAPersonAndSaysHowToStop() {
        let n = ClientNotice(kind: .silence, language: "en", firmName: "Example Law", firstName: "Ann")
        let mail = MessageComposer(templates: Self.catalog).clientEmail(
            n, policy: "no-news", stage: 1, fallback: "en", fireID: "f1", to: Mailbox(address: "ann@client.test"),
            replyTo: MessageComposer.clientReplyTo(Self.caseAt("intake", from: "intake"), staff: Self.staff, intake: "intake@firm.test"),
            settings: ChannelSettings.Email(url: "smtp://127.0.0.1:9", startTLS: .off, from: "Example Law <updates@firm.test>"),
            now: Self.at("2026-12-01T15:00:00Z"))
        #expect(mail.extraHeaders.first { $0.name == "Reply-To" }?.value == "\"Pat Lee\" <pat@firm.test>")
        #expect(mail.text.hasSuffix("\n-- \nYou receive these emails because you agreed to hear from Example Law about your case. "
            + "To stop them, reply to this email and say so.\n"))
        // No assignee: the intake address.
        var c = Self.caseAt("intake", from: "intake")
        c.assigneeID = nil
        #expect(MessageComposer.clientReplyTo(c, staff: Self.staff, intake: "intake@firm.test") == Mailbox(address: "intake@firm.test"))
    }
}
