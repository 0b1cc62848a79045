import Foundation
import Testing
import TicklerClio
import TicklerCore
import TicklerStore
import TicklerTestKit

/// Pages as Clio's list endpoints answer them, made into one batch and written by the store's own writer
/// into a real SQLite store: the rows read back exactly, what cannot be mapped is listed by id, and a
/// later page of the same records updates the rows in place (the stage change recorded by the store).
@Suite(.ownThreads) struct ClioBatchTests {
    static let mapping = ClioMapping(defaults: .init(language: "en", timeZone: "America/New_York"))!

    static func page<T: Decodable & Sendable>(_ type: T.Type, _ json: String) throws -> Clio.Page<T> {
        try JSONDecoder().decode(Clio.Page<T>.self, from: Data(json.utf8))
    }

    static let users = """
        {"data": [{"id": 3, "name": "Alex Attorney", "email": "alex@firm.test", "enabled": true, "subscription_type": "Attorney"},
                  {"id": 7, "name": "Pat Paralegal", "email": "pat@firm.test", "enabled": true, "subscription_type": "NonAttorney"}],
         "meta": {"paging": {}, "records": 2}}
        """
    static let matters = """
        {"data": [
          {"id": 1001, "display_number": "00042-Canary", "description": "Canary v. Finch", "status": "Open", "open_date": "2026-09-01",
           "client": {"id": 501, "name": "Ann Canary", "primary_email_address": "ann@example.test", "primary_phone_number": "(212) 555-0101"},
           "responsible_attorney": {"id": 3}, "responsible_staff": {"id": 7}, "matter_stage": {"id": 4, "name": "Intake"},
           "updated_at": "2026-11-30T10:00:00-05:00"},
          {"id": 1002, "display_number": "", "status": "Open", "open_date": "2026-09-02", "client": {"id": 502, "name": "Bo Wren"}}
         ],
         "meta": {"paging": {"next": "https://app.clio.com/api/v4/matters.json?page_token=abc"}}}
        """

    func store() throws -> (SQLiteCaseStore, String) {
        let dir = "/tmp/tickler-clio-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (try SQLiteCaseStore(path: dir + "/tickler.db", create: true), dir + "/tickler.db")
    }

    @Test func pagesBecomeRowsThroughTheStoresWriterAndWhatCannotBeMappedIsListedByID() async throws {
        var b = ClioBatch(mapping: Self.mapping)
        b.add(users: try Self.page(Clio.User.self, Self.users).data)
        let matters = try Self.page(Clio.Matter.self, Self.matters)
        #expect(matters.next == "https://app.clio.com/api/v4/matters.json?page_token=abc")
        b.add(matters: matters.data)
        b.add(calendarEntries: try Self.page(Clio.CalendarEntry.self, """
            {"data": [{"id": 77, "summary": "Hearing", "start_at": "2026-12-14T09:30:00-05:00", "all_day": false, "matter": {"id": 1001},
                       "attendees": [{"id": 501, "type": "Contact"}], "location": "Dept. 12"},
                      {"id": 78, "summary": "Answer due", "start_at": "2026-12-21T00:00:00-05:00", "all_day": true, "matter": {"id": 1001},
                       "court_rule": {"id": 5}}]}
            """).data)
        b.add(tasks: try Self.page(Clio.Task.self, """
            {"data": [{"id": 90, "name": "File before SOL", "due_at": "2027-03-01", "statute_of_limitations": true, "matter": {"id": 1001}},
                      {"id": 91, "name": "No date", "matter": {"id": 1001}}]}
            """).data)
        b.add(communications: try Self.page(Clio.Communication.self, """
            {"data": [{"id": 300, "type": "PhoneCommunication", "received_at": "2026-12-01T14:05:00-05:00", "matter": {"id": 1001},
                       "senders": [{"id": 501, "type": "Contact"}], "subject": "Ann called", "body": "her words"}]}
            """).data)
        #expect(b.count == 8)
        #expect(b.skipped.map(\.description) == ["clio matter 1002: no display number", "clio task 91: no due date"])

        let (store, path) = try store()
        try await store.write(b.batch, now: RFC3339.parse("2026-12-01T20:00:00Z")!)
        #expect(try sqliteRows(path, "SELECT id, name, email, role, active FROM people ORDER BY id") == [
            ["clio:user:3", "Alex Attorney", "alex@firm.test", "attorney", "1"],
            ["clio:user:7", "Pat Paralegal", "pat@firm.test", "staff", "1"]])
        #expect(try sqliteRows(path, """
            SELECT id, number, title, client_name, status, assignee_id, attorney_id, opened_at, stage, updated_at FROM cases
            """) == [["clio:matter:1001", "00042-Canary", "Canary v. Finch", "Ann Canary", "open", "clio:user:7", "clio:user:3",
                      "2026-09-01T04:00:00Z", "intake", "2026-11-30T15:00:00Z"]])
        #expect(try sqliteRows(path, "SELECT id, case_id, email, phone, language, time_zone FROM contacts") == [
            ["clio:contact:501:matter:1001", "clio:matter:1001", "ann@example.test", "+12125550101", "en", "America/New_York"]])
        #expect(try sqliteRows(path, "SELECT id, case_id, starts_at, with_client, location FROM appointments") == [
            ["clio:calendar_entry:77", "clio:matter:1001", "2026-12-14T14:30:00Z", "1", "Dept. 12"]])
        #expect(try sqliteRows(path, "SELECT id, kind, due_at FROM deadlines ORDER BY id") == [
            ["clio:calendar_entry:78", "court", "2026-12-22T04:59:00Z"], ["clio:task:90", "statute", "2027-03-02T04:59:00Z"]])
        #expect(try sqliteRows(path, "SELECT id, direction, channel, occurred_at, coalesce(body, '-') FROM communications") == [
            ["clio:communication:300", "inbound", "call", "2026-12-01T19:05:00Z", "-"]])

        // The same matter again, later: moved to the next stage and its attorney changed. Updated in place; the
        // store records the stage change at the record's updated_at.
        var again = ClioBatch(mapping: Self.mapping)
        again.add(matters: [Clio.Matter(id: 1001, display_number: "00042-Canary", description: "Canary v. Finch", status: "Open",
                                        open_date: "2026-09-01", client: Clio.Contact(id: 501, name: "Ann Canary"),
                                        responsible_attorney: .init(id: 7), matter_stage: .init(id: 5, name: "Investigation"),
                                        updated_at: "2026-12-02T09:00:00-05:00")])
        try await store.write(again.batch, now: RFC3339.parse("2026-12-02T20:00:00Z")!)
        #expect(try sqliteRows(path, "SELECT count(*), attorney_id, stage FROM cases") == [["1", "clio:user:7", "investigation"]])
        #expect(try sqliteRows(path, "SELECT from_stage, to_stage, changed_at FROM stage_changes WHERE case_id = 'clio:matter:1001'")
            .last == ["intake", "investigation", "2026-12-02T14:00:00Z"])
        #expect(try sqliteRows(path, "SELECT count(*) FROM contacts") == [["1"]])
    }

    /// A contact related to a matter (a guardian) is a contact of its case that receives no client update,
    /// and stays so when the contact changes in Clio; a relationship that names no contact is skipped by id.
    @Test func aRelatedContactIsOnTheCaseButNeverUpdatedAndItsChangesKeepItSo() throws {
        let page = try Self.page(Clio.Relationship.self, """
            {"data": [
              {"id": 800, "description": "Guardian", "matter": {"id": 1001}, "updated_at": "2026-11-30T10:00:00Z",
               "contact": {"id": 601, "name": "Gail Canary", "primary_phone_number": "212-555-0199"}},
              {"id": 801, "description": "Opposing Counsel", "matter": {"id": 1001}},
              {"id": 802, "description": "Judge", "contact": {"id": 602, "name": "Hon. Judge"}}
             ], "meta": {"paging": {}}}
            """)
        var b = ClioBatch(mapping: Self.mapping)
        b.add(relationships: page.data)
        #expect(b.batch.contacts.map { "\($0.source) \($0.caseID) \($0.record.id) \($0.record.phone ?? "-") \($0.record.updatesEnabled)" }
            == ["clio:relationship:800 clio:matter:1001 clio:contact:601:matter:1001:relationship:800 +12125550199 false"])
        #expect(b.versions == ["clio:relationship:800": RFC3339.parse("2026-11-30T10:00:00Z")!])
        #expect(b.skipped.map(\.description) == ["clio relationship 801: no contact", "clio relationship 802: not on a matter"])

        // The contact is also the client of matter 1002: one change reaches both rows, the related one still off.
        var change = ClioBatch(mapping: Self.mapping)
        change.add(contacts: [Clio.Contact(id: 601, name: "Gail Canary", primary_email_address: "gail@example.test",
                                           updated_at: "2026-12-01T10:00:00Z")],
                   rows: ["clio:contact:601:matter:1001:relationship:800", "clio:contact:601:matter:1002", "clio:contact:6011:matter:9",
                          "clio:contact:601:matter:1001:note:1"])
        #expect(change.batch.contacts.map { "\($0.caseID) \($0.record.id) \($0.record.email ?? "-") \($0.record.updatesEnabled)" } == [
            "clio:matter:1001 clio:contact:601:matter:1001:relationship:800 gail@example.test false",
            "clio:matter:1002 clio:contact:601:matter:1002 gail@example.test true"])
    }

    /// A client of two matters is a contact of each case: two rows, one per matter, neither taking the other's.
    @Test func aClientOfTwoMattersIsAContactOfEach() throws {
        let page = try Self.page(Clio.Matter.self, """
            {"data": [
              {"id": 1001, "display_number": "A-1", "status": "Open", "open_date": "2026-09-01", "client": {"id": 501, "name": "Ann Canary"},
               "updated_at": "2026-11-30T10:00:00Z"},
              {"id": 1002, "display_number": "A-2", "status": "Open", "open_date": "2026-10-01", "client": {"id": 501, "name": "Ann Canary"},
               "updated_at": "2026-11-30T10:00:00Z"}
             ], "meta": {"paging": {}}}
            """)
        var batch = ClioBatch(mapping: Self.mapping)
        batch.add(matters: page.data)
        #expect(batch.batch.contacts.map { "\($0.caseID) \($0.record.id)" }
            == ["clio:matter:1001 clio:contact:501:matter:1001", "clio:matter:1002 clio:contact:501:matter:1002"])
    }
}
