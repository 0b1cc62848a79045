import Foundation
import Testing
import TicklerClio
import TicklerCore
import TicklerStore

/// Each Clio model as its API sends it (JSON decoded as the sync decodes it), mapped to the row it becomes,
/// value by value; and the records that cannot be mapped, with the reason and nothing of the client.
struct ClioMappingTests {
    static let mapping = ClioMapping(defaults: .init(language: "es", timeZone: "America/New_York"))!

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test func aMatterBecomesACaseWithItsPeopleStageAndDatesInTheFirmsZone() throws {
        let m = try Self.decode(Clio.Matter.self, """
            {"id": 1001, "display_number": "00042-Canary", "description": "Canary v. Finch", "status": "Open",
             "open_date": "2026-09-01", "close_date": null, "client": {"id": 501, "name": "Ann Canary"},
             "practice_area": {"id": 9, "name": "Personal Injury"}, "responsible_attorney": {"id": 3, "name": "Alex Attorney"},
             "responsible_staff": {"id": 7}, "matter_stage": {"id": 4, "name": "Pre-Litigation"},
             "updated_at": "2026-11-30T10:15:00-05:00", "billable": true}
            """)
        let record = try Self.mapping.matter(m).get()
        let c = record.fields
        #expect(c.id == "clio:matter:1001")
        #expect(c.number == "00042-Canary")
        #expect(c.title == "Canary v. Finch")
        #expect(c.clientName == "Ann Canary")
        #expect(c.status == .open)
        #expect(c.practiceArea == "Personal Injury")
        #expect(c.attorneyID == "clio:user:3")
        #expect(c.assigneeID == "clio:user:7")
        #expect(c.stage == "pre_litigation")
        #expect(c.openedAt == RFC3339.parse("2026-09-01T04:00:00Z"))  // midnight in New York (EDT)
        #expect(c.closedAt == nil)
        #expect(record.updatedAt == RFC3339.parse("2026-11-30T15:15:00Z"))
    }

    @Test func aClosedMatterIsClosedOnItsCloseDateOrItsOpenDate() throws {
        let closed = try Self.mapping.matter(Clio.Matter(id: 2, display_number: "N-2", status: "closed", open_date: "2026-01-05",
                                                         close_date: "2026-12-01")).get().fields
        #expect(closed.status == .closed)
        #expect(closed.closedAt == RFC3339.parse("2026-12-01T05:00:00Z"))  // midnight EST
        let undated = try Self.mapping.matter(Clio.Matter(id: 3, display_number: "N-3", status: "Closed", open_date: "2026-01-05")).get()
        #expect(undated.fields.closedAt == RFC3339.parse("2026-01-05T05:00:00Z"))
        let pending = try Self.mapping.matter(Clio.Matter(id: 4, display_number: "N-4", status: "Pending", open_date: "2026-01-05")).get()
        #expect(pending.fields.status == .pending)
    }

    @Test func aMatterThatCannotBeACaseIsSkippedWithTheReasonAndNoClientData() {
        let cases: [(Clio.Matter, String)] = [
            (Clio.Matter(id: nil, display_number: "N"), "clio matter without an id: no id"),
            (Clio.Matter(id: 12, display_number: " ", status: "Open", open_date: "2026-01-05", client: Clio.Contact(id: 1, name: "Ann Canary")),
             "clio matter 12: no display number"),
            (Clio.Matter(id: 13, display_number: "N-13", status: "Archived", open_date: "2026-01-05"),
             "clio matter 13: status is not open, pending or closed"),
            (Clio.Matter(id: 14, display_number: "N-14", status: "Open"), "clio matter 14: no open date"),
            (Clio.Matter(id: 15, display_number: "N-15", status: "Open", open_date: "01/05/2026"), "clio matter 15: no open date"),
            (Clio.Matter(id: 16, display_number: "N-16", status: "Open", open_date: "2026-01-05", close_date: "soon"),
             "clio matter 16: close date is not a date"),
            (Clio.Matter(id: 17, display_number: "N-17", status: "Open", open_date: "2026-01-05", updated_at: "yesterday"),
             "clio matter 17: updated_at is not a timestamp"),
        ]
        for (matter, expected) in cases {
            switch Self.mapping.matter(matter) {
            case .success: Issue.record("mapped: \(expected)")
            case .failure(let skipped):
                #expect(skipped.description == expected)
                #expect(!skipped.description.contains("Canary"))
            }
        }
    }

    @Test func aContactIsReachableByItsPrimaryEmailAndPhoneInE164WithTheDefaults() throws {
        let k = try Self.decode(Clio.Contact.self, """
            {"id": 501, "name": "Ann Canary", "type": "Person", "primary_email_address": "ann@example.test",
             "primary_phone_number": "(212) 555-0101 x12", "updated_at": "2026-11-30T10:15:00Z"}
            """)
        let c = try Self.mapping.contact(k, matter: 1001).get()
        #expect(c == Contact(id: "clio:contact:501:matter:1001", name: "Ann Canary", email: "ann@example.test", phone: "+12125550101",
                             language: "es", timeZone: "America/New_York", preferred: .email))
        // No email: reached by text. A phone that is no number: left out, the contact kept.
        let textOnly = try Self.mapping.contact(Clio.Contact(id: 502, name: "Bea", primary_phone_number: "212.555.0199"), matter: 1001).get()
        #expect(textOnly.phone == "+12125550199" && textOnly.email == nil && textOnly.preferred == .sms)
        let noPhone = try Self.mapping.contact(Clio.Contact(id: 503, name: "Cy", primary_email_address: "cy@example.test",
                                                            primary_phone_number: "call the front desk"), matter: 1001).get()
        #expect(noPhone.phone == nil && noPhone.email == "cy@example.test")
        #expect(throws: ClioMapping.Skipped(.contact, 504, "no name")) { try Self.mapping.contact(Clio.Contact(id: 504, name: ""), matter: 1001).get() }
    }

    @Test func phoneNumbersAreReadAsE164OrNotAtAll() {
        let cases: [(String, String?)] = [
            ("(212) 555-0101", "+12125550101"), ("212-555-0101", "+12125550101"), ("1 212 555 0101", "+12125550101"),
            ("+44 20 7946 0958", "+442079460958"), ("+1 (415) 555-0123 ext. 4", "+14155550123"), ("415 555 0123 x4", "+14155550123"),
            ("555-0101", nil), ("012 555 0101", nil), ("", nil), ("+0 123 4567 890", nil), ("2125550101abc", nil),
        ]
        for (text, expected) in cases { #expect(PhoneNumber.e164(text) == expected, "\(text)") }
    }

    @Test func aCourtRuleEntryIsACourtDeadlineAndAnyOtherEntryAnAppointment() throws {
        let hearing = try Self.decode(Clio.CalendarEntry.self, """
            {"id": 77, "summary": "Response to motion due", "start_at": "2026-12-14T00:00:00-05:00", "all_day": true,
             "location": "Dept. 12", "matter": {"id": 1001}, "court_rule": {"id": 5}, "attendees": []}
            """)
        #expect(try Self.mapping.calendarEntry(hearing).get() == .deadline(caseID: "clio:matter:1001", Deadline(
            id: "clio:calendar_entry:77", title: "Response to motion due", kind: .court, dueAt: RFC3339.parse("2026-12-15T04:59:00Z")!,
            location: "Dept. 12", clientAttends: false)))
        let meeting = try Self.decode(Clio.CalendarEntry.self, """
            {"id": 78, "summary": "Client meeting", "start_at": "2026-12-10T15:30:00Z", "all_day": false,
             "matter": {"id": 1001}, "attendees": [{"id": 3, "type": "User"}, {"id": 501, "type": "Contact"}]}
            """)
        #expect(try Self.mapping.calendarEntry(meeting).get() == .appointment(caseID: "clio:matter:1001", Appointment(
            id: "clio:calendar_entry:78", title: "Client meeting", startsAt: RFC3339.parse("2026-12-10T15:30:00Z")!, withClient: true)))
        #expect(throws: ClioMapping.Skipped(.calendarEntry, 79, "not on a matter")) {
            try Self.mapping.calendarEntry(Clio.CalendarEntry(id: 79, start_at: "2026-12-10T15:30:00Z")).get()
        }
    }

    @Test func aTaskIsADeadlineDueAtTheEndOfItsDayAStatuteWhenMarkedSo() throws {
        let sol = try Self.decode(Clio.Task.self, """
            {"id": 90, "name": "File before SOL", "status": "pending", "due_at": "2027-03-01", "completed_at": null,
             "statute_of_limitations": true, "matter": {"id": 1001}}
            """)
        let mapped = try Self.mapping.task(sol).get()
        #expect(mapped.caseID == "clio:matter:1001")
        #expect(mapped.deadline == Deadline(id: "clio:task:90", title: "File before SOL", kind: .statute,
                                            dueAt: RFC3339.parse("2027-03-02T04:59:00Z")!))
        let done = try Self.mapping.task(Clio.Task(id: 91, name: "Send records request", status: "complete", due_at: "2026-07-01",
                                                   completed_at: "2026-06-30T18:00:00Z", matter: .init(id: 1001))).get()
        #expect(done.deadline.kind == .internal && done.deadline.completedAt == RFC3339.parse("2026-06-30T18:00:00Z"))
        #expect(done.deadline.dueAt == RFC3339.parse("2026-07-02T03:59:00Z"))  // 23:59 EDT
        #expect(throws: ClioMapping.Skipped(.task, 92, "no due date")) {
            try Self.mapping.task(Clio.Task(id: 92, name: "Someday", matter: .init(id: 1001))).get()
        }
    }

    @Test func aLoggedCallOrEmailIsOutboundWhenAUserSentItInboundWhenOnlyContactsDid() throws {
        let call = try Self.decode(Clio.Communication.self, """
            {"id": 300, "type": "PhoneCommunication", "subject": "Ann called about her claim", "body": "private words",
             "received_at": "2026-12-01T14:05:00-05:00", "matter": {"id": 1001},
             "senders": [{"id": 501, "type": "Contact"}], "receivers": [{"id": 7, "type": "User"}]}
            """)
        let inbound = try Self.mapping.communication(call).get()
        #expect(inbound.caseID == "clio:matter:1001")
        #expect(inbound.communication == Communication(id: "clio:communication:300", direction: .inbound, channel: .call,
                                                       occurredAt: RFC3339.parse("2026-12-01T19:05:00Z")!))
        #expect(inbound.communication.body == nil)
        let email = try Self.mapping.communication(Clio.Communication(
            id: 301, type: "EmailCommunication", received_at: "2026-12-02T09:00:00Z", matter: .init(id: 1001),
            senders: [.init(id: 7, type: "User")], receivers: [.init(id: 501, type: "Contact")])).get()
        #expect(email.communication.direction == .outbound && email.communication.channel == .email)
        #expect(throws: ClioMapping.Skipped(.communication, 302, "type is not PhoneCommunication or EmailCommunication")) {
            try Self.mapping.communication(Clio.Communication(id: 302, type: "Note", matter: .init(id: 1001))).get()
        }
        #expect(throws: ClioMapping.Skipped(.communication, 303, "no sender")) {
            try Self.mapping.communication(Clio.Communication(id: 303, type: "EmailCommunication", received_at: "2026-12-02T09:00:00Z",
                                                              matter: .init(id: 1001))).get()
        }
    }

    @Test func aUserIsAPersonOfTheFirmActiveWhileEnabled() throws {
        let u = try Self.decode(Clio.User.self, """
            {"id": 3, "name": "Alex Attorney", "email": "alex@firm.test", "enabled": false, "subscription_type": "Attorney"}
            """)
        #expect(try Self.mapping.person(u).get() == Person(id: "clio:user:3", name: "Alex Attorney", email: "alex@firm.test",
                                                           role: "attorney", active: false))
        #expect(try Self.mapping.person(Clio.User(id: 7, name: "Pat", subscription_type: "NonAttorney")).get().role == "staff")
    }

    @Test func idsAreNamespacedByModelAndReadBack() {
        #expect(ClioID.of(.calendarEntry, 77) == "clio:calendar_entry:77")
        #expect(ClioID.parse("clio:matter:1001", as: .matter) == 1001)
        #expect(ClioID.parse("clio:matter:1001", as: .task) == nil)
        #expect(ClioID.parse("clio:matter:-1", as: .matter) == nil)
        #expect(ClioID.parse("c1", as: .matter) == nil)
        #expect(ClioMapping(defaults: .init(timeZone: "Mars/Olympus")) == nil)
    }
}
