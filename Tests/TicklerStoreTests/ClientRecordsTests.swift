import Foundation
import Testing
import TicklerCore
@testable import TicklerPostgres
import TicklerTestKit
@testable import TicklerStore

/// Contacts, stages and their history, shareable document titles and the consent ledger, on both stores:
/// imported, read back (names and addresses only in full reads), a stage change recorded by the store for
/// any writer, and consent entries added once however often a file is imported.
@Suite(.ownThreads) struct ClientRecordsTests {
    static let now = RFC3339.parse("2026-12-01T16:00:00Z")!

    static let firm = """
        {
          "people": [{"id": "p1", "name": "Pat Lee", "email": "pat@firm.test", "role": "paralegal", "phone": "+13125550199"}],
          "cases": [{
            "id": "c1", "number": "2026-0142", "client_name": "Ann Smith", "client_email": "ann@example.test",
            "status": "open", "assignee_id": "p1", "opened_at": "2026-09-01T16:00:00Z", "stage": "intake",
            "updated_at": "2026-11-01T16:00:00Z",
            "document_requests": [{"id": "r1", "title": "Pay stubs", "requested_at": "2026-09-02T15:00:00Z", "shareable": true},
                                  {"id": "r2", "title": "Psychiatric evaluation", "requested_at": "2026-09-02T15:00:00Z"}],
            "deadlines": [{"id": "d1", "kind": "court", "title": "Motion hearing", "due_at": "2026-12-04T17:00:00Z",
                           "location": "Daley Center, Courtroom 2402", "client_attends": true},
                          {"id": "d2", "kind": "filing", "due_at": "2026-12-10T17:00:00Z"}],
            "appointments": [{"id": "a1", "starts_at": "2026-12-08T15:00:00Z", "with_client": true, "location": "Our office, 5th floor"}],
            "contacts": [
              {"id": "k1", "name": "Ann Smith", "email": "ann@example.test", "phone": "+13125550100", "language": "en",
               "time_zone": "America/Chicago", "preferred_channel": "sms",
               "consents": [{"channel": "sms", "purpose": "case-updates", "granted": true, "source": "intake-form",
                             "at": "2026-09-01T16:00:00Z", "wording": "May we text you about your case?"},
                            {"channel": "email", "purpose": "reminders", "source": "intake-form", "at": "2026-09-01T16:00:00Z"}]},
              {"id": "k2", "name": "Luis Smith", "phone": "+14155550101", "language": "es", "time_zone": "America/Los_Angeles"},
              {"id": "k3", "name": "Old Guardian", "email": "g@example.test", "updates_enabled": false}
            ]
          }, {
            "id": "c2", "number": "2026-0143", "client_name": "Bo Jones", "client_email": "bo@example.test",
            "status": "open", "opened_at": "2026-09-01T16:00:00Z"
          }]
        }
        """

    enum Kind: String, CaseIterable { case sqlite, postgres }

    /// A fresh store of `kind` with `firm` imported; the test database (PostgreSQL) lives as long as the store.
    static func store(_ kind: Kind) async throws -> (any CaseStore & ConsentLedger, Any?) {
        let dir = temporaryDirectory()
        write(firm, to: dir + "/firm.json")
        let store: any CaseStore & ConsentLedger
        var keep: Any?
        switch kind {
        case .sqlite: store = try SQLiteCaseStore(path: dir + "/t.db", create: true)
        case .postgres:
            let db = try TestDatabase()
            keep = db
            store = try await PostgresStoreTests.open(db)
        }
        let (batch, problems) = ImportReader.read(path: dir + "/firm.json")
        #expect(problems.isEmpty)
        #expect(try await Importer(store: store).run(batch, readProblems: problems, now: now).get() == 13)
        return (store, keep)
    }

    @Test(arguments: Kind.allCases)
    func contactsStagesAndShareableTitlesReadBack(_ kind: Kind) async throws {
        let (store, keep) = try await Self.store(kind)
        defer { _ = keep }
        let full = try await store.snapshot(caseIDs: ["c1", "c2"], detail: .full, people: false).cases
        #expect(full.map(\.stage) == ["intake", nil])
        #expect(full[0].documentRequests.sorted { $0.id < $1.id }.map(\.shareable) == [true, false])
        // Where a date is and whether the client attends: for clients' reminders, read in full reads only.
        #expect(full[0].deadlines.sorted { $0.id < $1.id }.map { "\($0.location)|\($0.clientAttends.map(String.init) ?? "-")" }
            == ["Daley Center, Courtroom 2402|true", "|-"])
        #expect(full[0].appointments.map(\.location) == ["Our office, 5th floor"])
        let contacts = full[0].contacts.sorted { $0.id < $1.id }
        #expect(contacts == [
            Contact(id: "k1", name: "Ann Smith", email: "ann@example.test", phone: "+13125550100", language: "en",
                    timeZone: "America/Chicago", preferred: .sms),
            // Only a phone: text is the preference.
            Contact(id: "k2", name: "Luis Smith", phone: "+14155550101", language: "es", timeZone: "America/Los_Angeles",
                    preferred: .sms),
            Contact(id: "k3", name: "Old Guardian", email: "g@example.test", updatesEnabled: false),
        ])
        // A case without contact rows has its client as one implicit contact.
        #expect(full[1].messageableContacts == [Contact(id: "c2.client", name: "Bo Jones", email: "bo@example.test")])
        // Evaluation reads know who can be messaged, not their names or addresses.
        let eval = try await store.snapshot(caseIDs: ["c1", "c2"], detail: .evaluation, people: false).cases
        #expect(eval[0].messageableContacts.map(\.recipient) == ["contact:k1", "contact:k2"])
        #expect(eval[0].contacts.allSatisfy { $0.name.isEmpty && ($0.email ?? "").isEmpty && ($0.phone ?? "").isEmpty })
        #expect(eval[0].deadlines.allSatisfy { $0.location.isEmpty && $0.clientAttends == nil })
        #expect(eval[0].appointments.allSatisfy { $0.location.isEmpty })
        // ... only whether there is one: k1 has both, k2 a phone, k3 an email.
        #expect(eval[0].contacts.sorted { $0.id < $1.id }.map(\.reachable) == [[.sms, .email], [.sms], [.email]])
        #expect(eval[1].messageableContacts.map(\.recipient) == ["contact:c2.client"])
        #expect(eval[1].clientEmail == "")
        // The assignee's direct line, which a client message may give.
        #expect(try await store.snapshot(caseIDs: [], detail: .evaluation, people: true).people.map(\.phone) == ["+13125550199"])
    }

    @Test(arguments: Kind.allCases)
    func everyStageChangeIsRecordedAtTheWritersTime(_ kind: Kind) async throws {
        let (store, keep) = try await Self.store(kind)
        defer { _ = keep }
        func reimport(stage: String?, updated: String) async throws {
            var c = CaseSnapshot(id: "c1", number: "2026-0142", clientName: "Ann Smith", clientEmail: "ann@example.test",
                                 assigneeID: "p1", openedAt: RFC3339.parse("2026-09-01T16:00:00Z")!)
            c.stage = stage
            var batch = ImportBatch()
            batch.cases = [.init(source: "t", record: .init(fields: c, updatedAt: RFC3339.parse(updated)!))]
            try await store.write(batch, now: Self.now)
        }
        try await reimport(stage: "discovery", updated: "2026-12-01T18:00:00Z")
        try await reimport(stage: "discovery", updated: "2026-12-01T18:01:00Z")  // no change of stage: no entry
        try await reimport(stage: "intake", updated: "2026-12-01T18:03:00Z")
        try await reimport(stage: nil, updated: "2026-12-01T18:04:00Z")  // cleared: not a stage to announce
        try await reimport(stage: "mediation", updated: "2026-12-01T18:05:00Z")
        let c = try await store.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases[0]
        #expect(c.stage == "mediation")
        #expect(c.stageChanges.sorted { $0.at < $1.at } == [
            StageChange(from: "intake", to: "discovery", at: RFC3339.parse("2026-12-01T18:00:00Z")!),
            StageChange(from: "discovery", to: "intake", at: RFC3339.parse("2026-12-01T18:03:00Z")!),
            StageChange(from: nil, to: "mediation", at: RFC3339.parse("2026-12-01T18:05:00Z")!),
        ])
        // Within minutes of each other, the changes are one move from where the client last heard.
        #expect(StageTransition.settled(c.stageChanges, settleSeconds: 600)
            == StageTransition(from: "intake", to: "mediation", at: RFC3339.parse("2026-12-01T18:05:00Z")!))
    }

    @Test(arguments: Kind.allCases)
    func consentEntriesAreAddedOnceAndTheLatestIsInForce(_ kind: Kind) async throws {
        let (store, keep) = try await Self.store(kind)
        defer { _ = keep }
        var entries = try await store.consents(of: ["k1", "k2", "nobody"])
        #expect(entries == [
            ConsentRecord(contactID: "k1", medium: .sms, purpose: .caseUpdates, granted: true, source: "intake-form",
                          at: RFC3339.parse("2026-09-01T16:00:00Z")!, wording: "May we text you about your case?"),
            ConsentRecord(contactID: "k1", medium: .email, purpose: .reminders, granted: true, source: "intake-form",
                          at: RFC3339.parse("2026-09-01T16:00:00Z")!),
        ])
        // The same entries again (a re-imported file) add nothing; a STOP adds its revocation.
        #expect(try await store.record(consents: entries, now: Self.now) == 0)
        let stop = ConsentBook(entries).optOut("k1", at: Self.now, wording: "STOP")
        #expect(try await store.record(consents: stop, now: Self.now) == 1)
        entries = try await store.consents(of: ["k1"])
        #expect(entries.count == 3)
        #expect(!ConsentBook(entries).allows("k1", .sms, .caseUpdates))
        #expect(ConsentBook(entries).allows("k1", .email, .reminders))
    }

    @Test func aStoreCopiedToPostgreSQLKeepsContactsStageHistoryAndConsents() async throws {
        let (lite, _) = try await Self.store(.sqlite)
        var c = try await lite.snapshot(caseIDs: ["c1"], detail: .full, people: false).cases[0]
        c.stage = "discovery"
        var batch = ImportBatch()
        batch.cases = [.init(source: "t", record: .init(fields: c, updatedAt: RFC3339.parse("2026-12-01T18:00:00Z")!))]
        try await lite.write(batch, now: Self.now)
        // What a client wrote, Tickler's own message, a survey's comment and staff tasks, as the daemon and
        // tickler-inbound write them.
        let sqlite = lite as! SQLiteCaseStore
        let at = RFC3339.parse("2026-12-01T19:00:00Z")!
        #expect(try await sqlite.apply(InboundEffects(
            messageID: "SM1", route: "message", receivedAt: at,
            communications: [CaseRecord(caseID: "c1", Communication(id: "sms-SM1", direction: .inbound, channel: .sms, occurredAt: at))],
            text: "Can you call me after 5?",
            surveyResponse: CaseRecord(caseID: "c1", SurveyResponse(id: "survey-f1.k1", contactID: "k1", score: 2, scaleMax: 5,
                                                                    receivedAt: at, comment: "slow to call back"))), now: at))
        var own = ImportBatch()
        own.communications = [.init(source: "t", caseID: "c1", record: Communication(
            id: "tickler-f2.k1", direction: .outbound, channel: .sms, kind: .statusUpdate, occurredAt: at, automated: true))]
        try await sqlite.write(own, now: at)
        _ = try sqliteRows(sqlite.path, """
            INSERT INTO tickler_staff_tasks (id, case_id, contact_id, fire_id, reason, created_at, done_at, done_by, done_reason) VALUES
              ('t1', 'c1', 'k2', 'f3', 'no medium the contact consented to for reminders', '2026-12-01T19:00:00Z', NULL, NULL, NULL),
              ('t2', 'c1', 'k3', 'f4', 'every medium the contact consented to refused the message', '2026-12-01T19:00:00Z',
               '2026-12-01T20:00:00Z', 'pat', 'called');
            """)
        let closure = CourtClosure(date: LocalDate(year: 2026, month: 2, day: 13), reason: "storm", source: "order 7")
        _ = try await sqlite.addCourtClosure(court: "ca-superior", closure, now: at)
        let db = try TestDatabase()
        let pg = try await PostgresStoreTests.open(db)
        let copied = try await StoreMigration(from: sqlite, to: pg).run()
        #expect(copied.staffTasks == 2)
        #expect(copied.closures == 1)
        #expect(try await pg.courtClosures() == ["ca-superior": [closure]])
        #expect(try await pg.staffTasks(caseID: nil, includeDone: true) == sqlite.staffTasks(caseID: nil, includeDone: true))
        let comms = try await pg.snapshot(caseIDs: ["c1"], detail: .full, people: false).cases[0].communications.sorted { $0.id < $1.id }
        #expect(comms.map { "\($0.id) \($0.automated) \($0.body ?? "-")" } == ["sms-SM1 false Can you call me after 5?", "tickler-f2.k1 true -"])
        #expect(try await pg.snapshot(caseIDs: ["c1"], detail: .full, people: false).cases[0].surveyResponses.map(\.comment) == ["slow to call back"])
        let a = try await lite.snapshot(caseIDs: nil, detail: .full, people: false).cases
        let b = try await pg.snapshot(caseIDs: nil, detail: .full, people: false).cases
        #expect(b.map(\.stage) == a.map(\.stage))
        #expect(b.map { $0.contacts.sorted { $0.id < $1.id } } == a.map { $0.contacts.sorted { $0.id < $1.id } })
        #expect(b[0].stageChanges == [StageChange(from: "intake", to: "discovery", at: RFC3339.parse("2026-12-01T18:00:00Z")!)])
        #expect(b[0].documentRequests.sorted { $0.id < $1.id } == a[0].documentRequests.sorted { $0.id < $1.id })
        #expect(try await pg.consents(of: ["k1", "k2", "k3"]) == lite.consents(of: ["k1", "k2", "k3"]))
        await pg.close()
    }

    @Test func contactsAndConsentsImportFromCSV() async throws {
        let dir = temporaryDirectory()
        write("id,number,status,opened_at\nc1,N-1,open,2026-09-01T16:00:00Z\n", to: dir + "/cases.csv")
        write("id,case_id,name,email,phone,language,time_zone,preferred_channel,updates_enabled\n"
              + "k1,c1,Ann Smith,ann@example.test,+13125550100,es,America/Chicago,sms,true\n", to: dir + "/contacts.csv")
        write("contact_id,channel,purpose,granted,source,at,wording\n"
              + "k1,sms,case-updates,true,intake-form,2026-09-01T16:00:00Z,\"Texts about your case, OK?\"\n", to: dir + "/consents.csv")
        let store = try SQLiteCaseStore(path: dir + "/t.db", create: true)
        var batch = ImportBatch(), problems: [ImportProblem] = []
        for f in ["/cases.csv", "/contacts.csv", "/consents.csv"] {
            let (b, p) = ImportReader.read(path: dir + f)
            batch.append(b)
            problems += p
        }
        #expect(try await Importer(store: store).run(batch, readProblems: problems, now: Self.now).get() == 3)
        let c = try await store.snapshot(caseIDs: nil, detail: .full, people: false).cases[0]
        #expect(c.contacts == [Contact(id: "k1", name: "Ann Smith", email: "ann@example.test", phone: "+13125550100",
                                       language: "es", timeZone: "America/Chicago", preferred: .sms)])
        #expect(try await store.consents(of: ["k1"]).map(\.wording) == ["Texts about your case, OK?"])
    }

    /// What `tickler-inbound` asks of either store: who a number is, and a place for what they sent.
    @Test(arguments: Kind.allCases)
    func aNumberFindsItsContactsAndTheirRepliesAreRecordedOnce(_ kind: Kind) async throws {
        let (store, keep) = try await Self.store(kind)
        defer { _ = keep }
        let directory = try #require(store as? any ClientDirectory)
        #expect(try await directory.contacts(phone: "+13125550100").map(\.contact.id) == ["k1"])
        #expect(try await directory.contacts(phone: "+13125550100").first?.caseOpen == true)
        #expect(try await directory.contacts(phone: "+19999999999").isEmpty)
        let at = RFC3339.parse("2026-12-01T16:00:00Z")!
        let stop = ConsentRecord(contactID: "k1", medium: .sms, purpose: .caseUpdates, granted: false, source: ConsentRecord.keywordSource,
                                 at: at, wording: "STOP")
        let message = InboundEffects(messageID: "SM1", route: "message", receivedAt: at, consents: [stop],
                                     communications: [CaseRecord(caseID: "c1", Communication(id: "sms-SM1", direction: .inbound, channel: .sms,
                                                                                            occurredAt: at))])
        let answer = InboundEffects(messageID: "SM2", route: "message", receivedAt: at, surveyResponse: CaseRecord(
            caseID: "c1", SurveyResponse(id: "survey-SM2", contactID: "k1", score: 2, scaleMax: 5, receivedAt: at)))
        // The gateway retried, later: its id is known, and nothing is written again, however the effects differ.
        #expect(try await directory.apply(message, now: at))
        #expect(try await directory.apply(answer, now: at))
        var replay = message
        replay.consents = [ConsentRecord(contactID: "k1", medium: .sms, purpose: .caseUpdates, granted: true, source: ConsentRecord.keywordSource,
                                         at: at.adding(seconds: 60), wording: "START")]
        #expect(try await !directory.apply(replay, now: at.adding(seconds: 60)))
        #expect(try await !directory.apply(answer, now: at.adding(seconds: 60)))
        let c = try #require(try await store.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases.first)
        #expect(c.communications == [Communication(id: "sms-SM1", direction: .inbound, channel: .sms, occurredAt: at)])
        #expect(c.surveyResponses == [SurveyResponse(id: "survey-SM2", contactID: "k1", score: 2, scaleMax: 5, receivedAt: at)])
        #expect(try await directory.consents(of: ["k1"]).filter { $0.source == ConsentRecord.keywordSource } == [stop])
        // No survey went to k1: a number is not taken for an answer.
        #expect(try await directory.latestSurvey(contactIDs: ["k1"], policies: ["closing-survey"], since: Instant(seconds: 0)) == nil)
    }

    @Test func badContactsAndConsentsAreEachListedAndNothingIsWritten() async throws {
        let dir = temporaryDirectory()
        write("""
            {"cases": [{"id": "c9", "number": "N", "status": "open", "opened_at": "2026-09-01T16:00:00Z",
              "contacts": [{"id": "k9", "phone": "555-0100", "time_zone": "America/Springfield", "preferred_channel": "fax",
                            "consents": [{"channel": "sms", "purpose": "marketing", "at": "yesterday"}]},
                           {"id": "k10", "preferred_channel": "sms"}]}]}
            """, to: dir + "/bad.json")
        write("contact_id,channel,purpose,granted,source,at\nk404,sms,reminders,true,staff:p1,2026-09-01T16:00:00Z\n",
              to: dir + "/consents.csv")
        let store = try SQLiteCaseStore(path: dir + "/t.db", create: true)
        var batch = ImportBatch(), problems: [ImportProblem] = []
        for f in ["/bad.json", "/consents.csv"] {
            let (b, p) = ImportReader.read(path: dir + f)
            batch.append(b)
            problems += p
        }
        let result = try await Importer(store: store).run(batch, readProblems: problems, now: Self.now)
        guard case .failure(let rejected) = result else { Issue.record("accepted a bad import"); return }
        let b = dir + "/bad.json:cases[0].contacts"
        #expect(rejected.problems.map(\.description) == [
            "\(b)[0].phone: is not an E.164 number (e.g. +14155550123)",
            "\(b)[0].time_zone: is not an IANA time zone",
            "\(b)[0].preferred_channel: must be one of email, sms",
            "\(b)[0].consents[0].purpose: must be one of case-updates, reminders, surveys",
            "\(b)[0].consents[0].source: is required",
            "\(b)[0].consents[0].at: is not an RFC 3339 timestamp with an offset (e.g. 2026-09-01T16:00:00Z)",
            "\(b)[1].preferred_channel: is sms but the contact has no phone",
            "\(dir)/consents.csv:line 2.contact_id: refers to a contact that is neither in the file nor in the store",
        ])
        #expect(try await store.snapshot(caseIDs: nil, detail: .full, people: true).cases.isEmpty)
    }
}
