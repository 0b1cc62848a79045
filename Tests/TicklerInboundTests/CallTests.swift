import Foundation
import Testing
import TicklerCore
import TicklerStore
import TicklerTestKit
@testable import TicklerInbound

/// The gateway's voice status callbacks, signed by the independent test signer, against `tickler-inbound`
/// on a real SQLite store: a missed call or a voicemail from a client is an unanswered inbound call on each
/// of their open cases; a connected call back answers it; an unsigned callback, a call still ringing or a
/// call back that did not connect changes nothing.
@Suite(.serialized, .ownThreads) struct CallTests {
    static func call(_ sid: String, status: String, direction: String = "inbound", from: String, to: String, duration: String? = nil,
                     extra: [(String, String)] = []) -> [(String, String)] {
        [("AccountSid", "AC1"), ("CallSid", sid), ("CallStatus", status), ("Direction", direction), ("From", from), ("To", to),
         ("ApiVersion", "2010-04-01"), ("Timestamp", "Sun, 06 Dec 2026 15:04:05 +0000"), ("CallbackSource", "call-progress-events"),
         ("SequenceNumber", "2")] + (duration.map { [("CallDuration", $0)] } ?? []) + extra
    }

    static let firmLine = "+13125550000"

    func calls(_ store: SQLiteCaseStore) async throws -> [String: [Communication]] {
        let cases = try await store.snapshot(caseIDs: nil, detail: .evaluation, people: false).cases
        return Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0.communications.filter { $0.channel == .call }.sorted { $0.id < $1.id }) })
    }

    @Test func aMissedCallIsUnansweredUntilAConnectedCallBack() async throws {
        let firm = try await InboundFirm()
        let inbound = try InboundProcess(firm: firm)
        let store = try firm.store()

        // Unsigned: refused, nothing written. Still ringing: nothing to record.
        #expect(try inbound.post(InboundService.callPath, Self.call("CA0", status: "no-answer", from: "+12125550101", to: Self.firmLine),
                                 badSignature: true, firm: firm).0 == 403)
        #expect(try inbound.post(InboundService.callPath, Self.call("CA1", status: "ringing", from: "+12125550101", to: Self.firmLine),
                                 firm: firm).0 == 200)
        #expect(try await calls(store).values.allSatisfy(\.isEmpty))

        // Nobody picked up: an unanswered inbound call on each open case of the number's contacts (c3 is closed).
        for _ in 0..<2 {  // the gateway retries: recorded once
            #expect(try inbound.post(InboundService.callPath, Self.call("CA1", status: "no-answer", from: "+12125550101", to: Self.firmLine),
                                     firm: firm).0 == 200)
        }
        var byCase = try await calls(store)
        #expect(byCase["c1"]?.map(\.id) == ["call:CA1:k1"] && byCase["c2"]?.map(\.id) == ["call:CA1:k1b"] && byCase["c3"] == [])
        #expect(byCase.values.joined().allSatisfy { $0.direction == .inbound && $0.respondedAt == nil })

        // Luis leaves a voicemail: unanswered too.
        #expect(try inbound.post(InboundService.callPath, Self.call("CA2", status: "completed", from: "+13105550102", to: Self.firmLine,
                                                                   duration: "41", extra: [("RecordingSid", "RE1")]), firm: firm).0 == 200)
        // A call back to Ann that nobody answered answers nothing.
        #expect(try inbound.post(InboundService.callPath, Self.call("CA3", status: "no-answer", direction: "outbound-api", from: Self.firmLine,
                                                                   to: "+12125550101", duration: "0"), firm: firm).0 == 200)
        byCase = try await calls(store)
        #expect(byCase["c2"]?.map(\.id) == ["call:CA1:k1b", "call:CA2:k2"])
        #expect(byCase.values.joined().allSatisfy { $0.respondedAt == nil })

        // A call back that connected answers Ann's missed call on both cases, and not Luis's voicemail.
        #expect(try inbound.post(InboundService.callPath, Self.call("CA4", status: "completed", direction: "outbound-api", from: Self.firmLine,
                                                                   to: "+12125550101", duration: "95"), firm: firm).0 == 200)
        byCase = try await calls(store)
        let all = Dictionary(uniqueKeysWithValues: byCase.values.joined().map { ($0.id, $0) })
        #expect(all["call:CA1:k1"]?.respondedAt != nil && all["call:CA1:k1b"]?.respondedAt != nil)
        #expect(all["call:CA2:k2"]?.respondedAt == nil)
        #expect(all["call:CA4:k1"]?.direction == .outbound && all["call:CA4:k1b"]?.direction == .outbound)

        // Luis calls again and is answered: recorded answered, and his voicemail with it.
        #expect(try inbound.post(InboundService.callPath, Self.call("CA5", status: "completed", from: "+13105550102", to: Self.firmLine,
                                                                   duration: "300"), firm: firm).0 == 200)
        let after = Dictionary(uniqueKeysWithValues: try await calls(store).values.joined().map { ($0.id, $0) })
        #expect(after["call:CA2:k2"]?.respondedAt != nil && after["call:CA5:k2"]?.respondedAt == after["call:CA5:k2"]?.occurredAt)

        // Nothing of the numbers reached the tables (but the contacts' own rows) or tickler-inbound's journal.
        let db = firm.dir + "/tickler.db"
        var stored = ""
        for t in try sqliteRows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('contacts')").map({ $0[0] }) {
            stored += try sqliteRows(db, "SELECT * FROM \"\(t)\"").flatMap { $0 }.joined(separator: " ")
        }
        let journal = try JournalQuery.values(of: "MESSAGE", ["_PID=\(inbound.process.processIdentifier)"]).joined(separator: "\n")
        #expect(journal.contains("recorded a client's call on case c1"))
        for text in [stored, journal] {
            for number in ["2125550101", "3105550102", "212-555", "555-0101"] { #expect(!text.contains(number), "\(number)") }
        }

        // A field the gateway does not document for calls is refused, as for texts.
        #expect(try inbound.post(InboundService.callPath, Self.call("CA6", status: "no-answer", from: "+12125550101", to: Self.firmLine,
                                                                   extra: [("Body", "hello")]), firm: firm).0 == 400)
    }

    @Test func callFormsAreCheckedFieldByField() {
        let ok = Self.call("CA1", status: "no-answer", from: "anonymous", to: Self.firmLine)
        #expect((try? GatewayForm.check(ok, route: .call).get()) != nil)
        for (name, value) in [("Timestamp", "Sun, 6 Dec 2026 15:04:05 +0000"), ("From", "+1 212 555"), ("CallStatus", "no answer"),
                              ("CallDuration", "-1")] {
            let form = ok.filter { $0.0 != name } + [(name, value)]
            #expect(GatewayForm.check(form, route: .call) == .failure(.malformed(name)), "\(name)=\(value)")
        }
        #expect(GatewayForm.check(ok.filter { $0.0 != "Direction" }, route: .call) == .failure(.missing("Direction")))
    }

    @Test func whatACallBecomes() {
        #expect(PhoneCall.kind(direction: .inbound, status: "no-answer", seconds: nil, voicemail: false) == .missed)
        #expect(PhoneCall.kind(direction: .inbound, status: "busy", seconds: nil, voicemail: false) == .missed)
        #expect(PhoneCall.kind(direction: .inbound, status: "completed", seconds: 30, voicemail: true) == .missed)
        #expect(PhoneCall.kind(direction: .inbound, status: "completed", seconds: 0, voicemail: false) == .missed)
        #expect(PhoneCall.kind(direction: .inbound, status: "completed", seconds: 30, voicemail: false) == .answered)
        #expect(PhoneCall.kind(direction: .inbound, status: "in-progress", seconds: nil, voicemail: false) == nil)
        #expect(PhoneCall.kind(direction: .outbound, status: "completed", seconds: 12, voicemail: false) == .returned)
        #expect(PhoneCall.kind(direction: .outbound, status: "completed", seconds: 0, voicemail: false) == nil)
        #expect(PhoneCall.kind(direction: .outbound, status: "no-answer", seconds: nil, voicemail: false) == nil)
    }
}
