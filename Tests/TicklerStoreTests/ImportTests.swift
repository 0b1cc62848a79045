import Foundation
import Testing
import GRDB
import TicklerCore
@testable import TicklerStore

func temporaryDirectory() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tickler-tests-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func write(_ text: String, to path: String) { try! text.write(toFile: path, atomically: true, encoding: .utf8) }

let goodFirm = """
    {
      "people": [
        {"id": "a1", "name": "Alex Attorney", "email": "alex@firm.test", "role": "attorney", "manager_id": null},
        {"id": "p1", "name": "Pat Lee", "email": "pat@firm.test", "role": "paralegal", "manager_id": "a1"}
      ],
      "cases": [{
        "id": "c1", "number": "2026-0142", "title": "Smith v. Jones",
        "client_name": "Ann Smith", "client_email": "ann@example.test",
        "status": "open", "practice_area": "personal-injury", "office": "la",
        "assignee_id": "p1", "attorney_id": "a1", "opened_at": "2026-09-01T16:00:00Z",
        "tags": ["vip"],
        "communications": [{"id": "m1", "direction": "inbound", "channel": "call", "kind": "other",
                            "occurred_at": "2026-09-03T10:05:00-07:00", "responded_at": null}],
        "deadlines": [{"id": "d1", "title": "Answer due", "kind": "court", "due_at": "2026-10-05T23:59:00Z"}],
        "document_requests": [{"id": "r1", "title": "Medical records", "requested_at": "2026-09-02T15:00:00Z"}],
        "appointments": [{"id": "ap1", "title": "Deposition prep", "starts_at": "2026-09-20T17:00:00Z", "with_client": true}]
      }]
    }
    """

@Suite struct ImportTests {
    let now = Instant(seconds: 1_790_000_000)

    func store(_ dir: String) throws -> SQLiteCaseStore { try SQLiteCaseStore(path: dir + "/t.db", create: true) }

    func importFiles(_ paths: [String], into store: SQLiteCaseStore) async throws -> Result<Int, ImportRejected> {
        var batch = ImportBatch()
        var problems: [ImportProblem] = []
        for p in paths {
            let (b, pr) = ImportReader.read(path: p)
            batch.append(b)
            problems += pr
        }
        return try await Importer(store: store).run(batch, readProblems: problems, now: now)
    }

    @Test func importsTheInterchangeFormatAndReadsItBack() async throws {
        let dir = temporaryDirectory()
        write(goodFirm, to: dir + "/firm.json")
        let s = try store(dir)
        let result = try await importFiles([dir + "/firm.json"], into: s)
        #expect(try result.get() == 7)
        let snap = try await s.snapshot(caseIDs: nil)
        #expect(snap.badRows.isEmpty)
        #expect(snap.people.map(\.id) == ["a1", "p1"])
        let c = try #require(snap.cases.first)
        #expect(c.number == "2026-0142" && c.status == .open && c.tags == ["vip"] && c.assigneeID == "p1")
        #expect(c.communications.map(\.occurredAt) == [RFC3339.parse("2026-09-03T17:05:00Z")!])
        #expect(c.deadlines.map(\.kind) == [.court])
        #expect(c.documentRequests.map(\.id) == ["r1"])
        #expect(c.appointments.map(\.withClient) == [true])
    }

    @Test func reimportingTheSameIdsUpdatesThem() async throws {
        let dir = temporaryDirectory()
        write(goodFirm, to: dir + "/firm.json")
        let s = try store(dir)
        _ = try await importFiles([dir + "/firm.json"], into: s)
        write(goodFirm.replacingOccurrences(of: "\"status\": \"open\"", with: "\"status\": \"on_hold\""), to: dir + "/firm2.json")
        _ = try await importFiles([dir + "/firm2.json"], into: s)
        let snap = try await s.snapshot(caseIDs: nil)
        #expect(snap.cases.map(\.status) == [.onHold])
        #expect(snap.cases[0].communications.count == 1)
    }

    @Test func aFileWithBadRecordsChangesNothingAndListsEveryProblem() async throws {
        let dir = temporaryDirectory()
        write(goodFirm, to: dir + "/firm.json")
        let s = try store(dir)
        _ = try await importFiles([dir + "/firm.json"], into: s)
        let before = try await s.snapshot(caseIDs: nil)
        let bad = """
            {
              "people": [{"name": "No Id"}, {"id": "p9", "name": "Dup", "manager_id": "ghost"}, {"id": "p9", "name": "Dup again"}],
              "cases": [
                {"id": "c1", "number": "2026-0142", "status": "archived", "opened_at": "2026-09-01T16:00:00Z"},
                {"id": "c2", "number": "2026-0143", "status": "open", "opened_at": "yesterday", "assignee_id": "nobody",
                 "communications": [{"id": "m2", "direction": "sideways", "channel": "call", "occurred_at": "2026-09-03T17:05:00Z"}]},
                {"id": "c3", "number": "2026-0144", "status": "open", "opened_at": "2026-09-01T16:00:00Z", "colour": "red",
                 "deadlines": [{"id": "d2", "kind": "court", "due_at": "2026-13-01T00:00:00Z"}]}
              ]
            }
            """
        write(bad, to: dir + "/bad.json")
        write("id,case_id,direction,channel,kind,occurred_at,responded_at\nm7,c404,inbound,call,other,2026-09-03T17:05:00Z,\n",
              to: dir + "/communications.csv")
        let result = try await importFiles([dir + "/bad.json", dir + "/communications.csv"], into: s)
        guard case .failure(let rejected) = result else {
            Issue.record("import accepted")
            return
        }
        let f = dir + "/bad.json"
        #expect(rejected.problems.map(\.description) == [
            "\(f):people[0].id: is required",
            "\(f):cases[0].status: must be one of open, pending, on_hold, closed",
            "\(f):cases[1].opened_at: is not an RFC 3339 timestamp with an offset (e.g. 2026-09-01T16:00:00Z)",
            "\(f):cases[1].communications[0].direction: must be one of inbound, outbound",
            "\(f):cases[2].colour: unknown field",
            "\(f):cases[2].deadlines[0].due_at: is not an RFC 3339 timestamp with an offset (e.g. 2026-09-01T16:00:00Z)",
            "\(f):people[2]: duplicate person id (first at \(f):people[1])",
            "\(f):people[1].manager_id: refers to a person who is neither in the file nor in the store",
            "\(f):cases[1].assignee_id: refers to a person who is neither in the file nor in the store",
            "\(dir)/communications.csv:line 2.case_id: refers to a case that is neither in the file nor in the store",
        ])
        let after = try await s.snapshot(caseIDs: nil)
        #expect(after.cases == before.cases)
        #expect(after.people == before.people)
    }

    @Test func referencesMayPointAtRecordsAlreadyInTheStore() async throws {
        let dir = temporaryDirectory()
        write(goodFirm, to: dir + "/firm.json")
        let s = try store(dir)
        _ = try await importFiles([dir + "/firm.json"], into: s)
        write("id,case_id,title,kind,due_at,completed_at\nd9,c1,\"Reply, brief\",filing,2026-11-02T17:00:00-08:00,\n",
              to: dir + "/deadlines.csv")
        #expect(try await importFiles([dir + "/deadlines.csv"], into: s).get() == 1)
        let c = try await s.snapshot(caseIDs: ["c1"]).cases[0]
        #expect(c.deadlines.map(\.title).sorted() == ["Answer due", "Reply, brief"])
        #expect(c.deadlines.first { $0.id == "d9" }?.dueAt == RFC3339.parse("2026-11-03T01:00:00Z"))
    }

    @Test func csvCasesWithTagsAndBooleans() async throws {
        let dir = temporaryDirectory()
        write("id,name,email,role,manager_id,active\np1,Pat,pat@firm.test,paralegal,,false\n", to: dir + "/people.csv")
        write("id,number,status,opened_at,assignee_id,tags\nc1,N-1,pending,2026-09-01T16:00:00Z,p1,vip;pro-bono\n", to: dir + "/cases.csv")
        let s = try store(dir)
        #expect(try await importFiles([dir + "/people.csv", dir + "/cases.csv"], into: s).get() == 2)
        let snap = try await s.snapshot(caseIDs: nil)
        #expect(snap.people.first?.active == false)
        #expect(snap.cases.first?.tags == ["vip", "pro-bono"])
    }

    @Test func aBadRowWrittenByAnotherWriterIsSkippedAndReported() async throws {
        let dir = temporaryDirectory()
        write(goodFirm, to: dir + "/firm.json")
        let s = try store(dir)
        _ = try await importFiles([dir + "/firm.json"], into: s)
        try await s.pool.write { db in
            try db.execute(sql: "INSERT INTO cases (id, number, status, opened_at, updated_at) VALUES ('c2', 'N', 'open', 'garbage', 'x')")
            try db.execute(sql: "INSERT INTO communications (id, case_id, direction, channel, occurred_at) VALUES ('m9', 'c1', 'inbound', 'fax', '2026-01-01T00:00:00Z')")
        }
        let snap = try await s.snapshot(caseIDs: nil)
        #expect(snap.cases.map(\.id) == ["c1"])
        #expect(snap.cases[0].communications.map(\.id) == ["m1"])
        #expect(snap.badRows.map(\.description) == [
            "cases row 'c2' skipped: opened_at is not an RFC 3339 timestamp",
            "communications row 'm9' skipped: unknown direction, channel or kind",
        ])
    }

    @Test func ledgerRecordsEachKeyOnce() async throws {
        let dir = temporaryDirectory()
        let s = try store(dir)
        let key = FireKey(cycle: CycleKey(policy: "p", subject: SubjectRef(.case, "c1"), anchor: now), step: StepIndex(stage: 1))
        let fire = Fire(key: key, caseID: "c1", caseNumber: "N", due: now, firedAt: now, deliverAt: now, action: .remind,
                        recipients: ["p1"], channels: ["journal"])
        #expect(try await s.record(fires: [fire], skipped: [], now: now).count == 1)
        #expect(try await s.record(fires: [fire], skipped: [], now: now).isEmpty)
        #expect(try await s.ledger().map(\.fireID) == [key.fireID])
        #expect(try await s.ledgerFacts(caseIDs: nil).highestRecorded(key.cycle) == StepIndex(stage: 1))
    }

    @Test func recordingAFireQueuesEmailPerRecipientWebhooksPerFireAndWritesTheOutboxOnce() async throws {
        let s = try store(temporaryDirectory())
        let key = FireKey(cycle: CycleKey(policy: "p", subject: SubjectRef(.case, "c1"), anchor: now), step: StepIndex(stage: 2))
        let fire = Fire(key: key, caseID: "c1", caseNumber: "N", due: now, firedAt: now, deliverAt: now.adding(seconds: 60),
                        action: .escalate, recipients: ["a1", "mp1"],
                        channels: ["journal", "email", "ops-hook", "outbox", "named-outbox"])
        let channels: [String: ChannelSettings] = [
            "email": .email(.init(url: "smtp://127.0.0.1:25", startTLS: .off, from: "t@firm.test")),
            "ops-hook": .webhook(.init(url: "https://hooks.firm.test/", secretCredential: "s")),
            "outbox": .outbox(includeClient: false), "named-outbox": .outbox(includeClient: true),
        ]
        #expect(try await s.record(fires: [fire], skipped: [], channels: channels, now: now).count == 1)
        #expect(try await s.record(fires: [fire], skipped: [], channels: channels, now: now).isEmpty)
        let queued = try await s.deliveries()
        #expect(queued.map { "\($0.recipient)/\($0.channel)" } == ["a1/email", "mp1/email", "*/ops-hook"])
        #expect(queued.allSatisfy { $0.sourceID == key.fireID && $0.status == "pending" && $0.nextAttemptAt == now.adding(seconds: 60) })
        let outbox = try await s.outbox()
        #expect(outbox.map { "\($0.channel)" } == ["outbox", "named-outbox"])
        #expect(outbox.allSatisfy { $0.fireID == key.fireID && $0.caseNumber == "N" })
    }

    @Test func theOutboxNamesTheClientOnlyWhereItsChannelIncludesIt() async throws {
        let s = try store(temporaryDirectory())
        var batch = ImportBatch()
        batch.cases = [.init(source: "t", record: .init(fields: CaseSnapshot(
            id: "c1", number: "N-1", clientName: "Canary Client", status: .open, openedAt: now), updatedAt: nil))]
        try await s.write(batch, now: now)
        let key = FireKey(cycle: CycleKey(policy: "p", subject: SubjectRef(.case, "c1"), anchor: now), step: StepIndex(stage: 1))
        let fire = Fire(key: key, caseID: "c1", caseNumber: "N-1", due: now, firedAt: now, deliverAt: now, action: .remind,
                        recipients: ["p1"], channels: ["private", "shared"])
        _ = try await s.record(fires: [fire], skipped: [], channels: ["private": .outbox(includeClient: false),
                                                                     "shared": .outbox(includeClient: true)], now: now)
        let rows = try await s.outbox()
        #expect(rows.map { "\($0.channel)=\($0.clientName ?? "-")" } == ["private=-", "shared=Canary Client"])
        #expect(try await s.deliveries().isEmpty)
    }

    @Test func eventsImportFromJSONAndCSVAndABadStoredOneIsSkipped() async throws {
        let dir = temporaryDirectory()
        write("""
            {"cases": [{"id": "c1", "number": "N-1", "status": "open", "opened_at": "2026-09-01T16:00:00Z",
              "events": [{"id": "e1", "kind": "complaint_served", "occurred_at": "2026-11-02T15:00:00Z", "service_method": "mail"}]}]}
            """, to: dir + "/firm.json")
        write("id,case_id,kind,occurred_at,service_method\ne2,c1,order_entered,2026-11-05T15:00:00Z,\n", to: dir + "/events.csv")
        let s = try store(dir)
        #expect(try await importFiles([dir + "/firm.json", dir + "/events.csv"], into: s).get() == 3)
        let c = try #require(try await s.snapshot(caseIDs: ["c1"]).cases.first)
        #expect(c.events == [
            TriggerEvent(id: "e1", kind: "complaint_served", occurredAt: RFC3339.parse("2026-11-02T15:00:00Z")!, serviceMethod: .mail),
            TriggerEvent(id: "e2", kind: "order_entered", occurredAt: RFC3339.parse("2026-11-05T15:00:00Z")!),
        ])
        // Every problem of a bad file is listed, and nothing is written.
        write("""
            {"cases": [{"id": "c2", "number": "N-2", "status": "open", "opened_at": "2026-09-01T16:00:00Z",
              "events": [{"id": "e3", "kind": "served", "occurred_at": "yesterday", "service_method": "pigeon"}]}]}
            """, to: dir + "/bad.json")
        guard case .failure(let rejected) = try await importFiles([dir + "/bad.json"], into: s) else {
            Issue.record("a bad event was imported"); return
        }
        #expect(rejected.problems.map(\.message).count == 2)
        // A row another writer stored badly is skipped and reported, never a crash.
        let db = try DatabaseQueue(path: dir + "/t.db")
        try await db.write { try $0.execute(sql: "INSERT INTO events VALUES ('e9', 'c1', 'served', '2026-13-45', NULL)") }
        let snap = try await s.snapshot(caseIDs: ["c1"])
        #expect(snap.badRows.map(\.id) == ["e9"])
        #expect(snap.cases.first?.events.count == 2)
    }

    @Test func aMissingStoreIsNotCreatedUnlessAsked() {
        #expect(throws: StoreUnavailable.self) { try SQLiteCaseStore(path: "/nonexistent/dir/t.db", create: false) }
    }
}

@Suite struct CaseIndexTests {
    @Test func findsEveryIdAfterGrowingAndRejectsUnknownOnes() {
        var index = CaseIndex(capacity: 4)
        let ids = (0..<5000).map { "case-\($0)" }
        for id in ids { index.insert(id) }
        for (i, id) in ids.enumerated() {
            var bytes = Array(id.utf8)
            #expect(bytes.withUnsafeBufferPointer { index.position(of: $0) } == i)
            bytes.append(0x78)
            #expect(bytes.withUnsafeBufferPointer { index.position(of: $0) } == nil)
        }
    }
}

@Suite struct JSONTextTests {
    @Test func parsesStringArraysFastAndSlowAlike() {
        #expect(JSONText.parseArray("[]") == [])
        #expect(JSONText.parseArray(#"["vip","pro-bono"]"#) == ["vip", "pro-bono"])
        #expect(JSONText.parseArray(#"[ "a, b" , "c" ]"#) == ["a, b", "c"])
        #expect(JSONText.parseArray(#"["q\"uote"]"#) == ["q\"uote"])
        #expect(JSONText.parseArray(JSONText.array(["x\\y", "tab\t"])) == ["x\\y", "tab\t"])
        #expect(JSONText.parseArray("vip") == nil)
        #expect(JSONText.parseArray("[1, 2]") == nil)
    }
}

@Suite struct ChangeFeedTests {
    @Test func everyWriterIsSeenThroughTheFeed() async throws {
        let dir = temporaryDirectory()
        write(goodFirm, to: dir + "/firm.json")
        let s = try SQLiteCaseStore(path: dir + "/t.db", create: true)
        let (batch, _) = ImportReader.read(path: dir + "/firm.json")
        try await s.write(batch, now: Instant(seconds: 0))
        let first = try await s.changes(after: 0)
        #expect(first.cases == ["c1"])
        #expect(first.people)
        #expect(first.through == 7)
        #expect(try await s.generation() == 7)
        // Another writer (an integration's sync) changes a deadline of c1 and adds a case.
        try await s.pool.write { db in
            try db.execute(sql: "UPDATE deadlines SET completed_at = '2026-10-01T00:00:00Z' WHERE id = 'd1'")
            try db.execute(sql: "INSERT INTO cases (id, number, status, opened_at, updated_at) VALUES ('c2', 'N', 'open', '2026-01-01T00:00:00Z', 'x')")
        }
        let next = try await s.changes(after: first.through)
        #expect(next.cases == ["c1", "c2"])
        #expect(!next.people)
        try await s.pruneChanges(through: next.through)
        #expect(try await s.changes(after: 0).cases.isEmpty)
        #expect(try await s.generation() == next.through)
        // A communication moved between cases touches both.
        try await s.pool.write { db in try db.execute(sql: "UPDATE communications SET case_id = 'c2' WHERE id = 'm1'") }
        #expect(try await s.changes(after: next.through).cases == ["c1", "c2"])
    }
}
