import Foundation
import Testing
import TicklerTestKit

/// `tickler import calls.json`: a phone system's call log, all or nothing, as the voice callbacks are: a
/// missed call or a voicemail is unanswered on the caller's open cases until an answered call or a call
/// back that connected; a second import of the same log changes nothing.
@Suite(.ownThreads) struct CallLogImportTests {
    func firm() throws -> String {
        let dir = "/tmp/tickler-calls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
            store: { sqlite: tickler.db }
            policies:
              - { id: unanswered-inbound, clock: { since: inbound }, stages: [{ after: 1 day, notify: [assignee] }] }
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        try """
            {"cases": [
              {"id": "c1", "number": "N-1", "client_name": "Ann Canary", "status": "open", "opened_at": "2026-09-01T16:00:00Z",
               "contacts": [{"id": "k1", "name": "Ann Canary", "phone": "+12125550101"}]},
              {"id": "c2", "number": "N-2", "client_name": "Ann Canary", "status": "closed", "opened_at": "2026-09-01T16:00:00Z",
               "contacts": [{"id": "k2", "name": "Ann Canary", "phone": "+12125550101"}]}]}
            """.write(toFile: dir + "/firm.json", atomically: true, encoding: .utf8)
        #expect(try TicklerBinary.run(["import", dir + "/firm.json", "--config", dir + "/tickler.yaml"]).status == 0)
        return dir
    }

    @Test func aMissedCallIsUnansweredUntilTheCallBackAndAnImportAgainChangesNothing() throws {
        let dir = try firm()
        try """
            {"calls": [
              {"id": "1001", "direction": "inbound", "from": "+12125550101", "to": "+13125550000", "status": "missed", "started_at": "2026-12-01T15:00:00Z"},
              {"id": "1002", "direction": "inbound", "from": "+19995550100", "to": "+13125550000", "status": "voicemail", "started_at": "2026-12-01T15:05:00Z", "duration_s": 40},
              {"id": "1003", "direction": "outbound", "from": "+13125550000", "to": "+12125550101", "status": "missed", "started_at": "2026-12-01T16:00:00Z"}
            ]}
            """.write(toFile: dir + "/calls.json", atomically: true, encoding: .utf8)
        let first = try TicklerBinary.run(["import", dir + "/calls.json", "--config", dir + "/tickler.yaml"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "imported 3 calls: 1 on cases, 1 from or to no open case's contact, 1 not recorded (calls back that did not connect)\n")
        #expect(try sqliteRows(dir + "/tickler.db", "SELECT id, case_id, direction, channel, responded_at IS NULL FROM communications") == [
            ["call:log-1001:k1", "c1", "inbound", "call", "1"]])

        try """
            {"calls": [
              {"id": "1004", "direction": "outbound", "from": "+13125550000", "to": "+12125550101", "status": "answered", "started_at": "2026-12-01T17:00:00Z", "duration_s": 95}
            ]}
            """.write(toFile: dir + "/calls2.json", atomically: true, encoding: .utf8)
        #expect(try TicklerBinary.run(["import", dir + "/calls2.json", "--config", dir + "/tickler.yaml"]).status == 0)
        #expect(try sqliteRows(dir + "/tickler.db", "SELECT id, direction, responded_at FROM communications ORDER BY id") == [
            ["call:log-1001:k1", "inbound", "2026-12-01T17:00:00Z"], ["call:log-1004:k1", "outbound", ""]])
        let seq = try sqliteRows(dir + "/tickler.db", "SELECT max(seq) FROM tickler_changes")
        #expect(try TicklerBinary.run(["import", dir + "/calls.json", "--config", dir + "/tickler.yaml"]).status == 0)
        #expect(try sqliteRows(dir + "/tickler.db", "SELECT max(seq) FROM tickler_changes") == seq)
    }

    @Test func everyProblemIsListedAndNothingIsWritten() throws {
        let dir = try firm()
        try """
            {"calls": [
              {"id": "1", "direction": "inbound", "from": "+12125550101", "to": "+13125550000", "status": "missed", "started_at": "2026-12-01T15:00:00Z"},
              {"id": "1", "direction": "sideways", "from": "212-555-0101", "to": "+13125550000", "status": "lost", "started_at": "yesterday", "note": "x"}
            ]}
            """.write(toFile: dir + "/calls.json", atomically: true, encoding: .utf8)
        let r = try TicklerBinary.run(["import", dir + "/calls.json", "--config", dir + "/tickler.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").map(String.init) == [
            "\(dir)/calls.json:calls[1].note: is not a field of a call",
            "\(dir)/calls.json:calls[1].id: is given to two calls",
            "\(dir)/calls.json:calls[1].direction: must be inbound or outbound",
            "\(dir)/calls.json:calls[1].from: must be a number in E.164 (+14155550123)",
            "\(dir)/calls.json:calls[1].status: must be missed, voicemail or answered",
            "\(dir)/calls.json:calls[1].started_at: is not an RFC 3339 timestamp with an offset (e.g. 2026-09-01T16:00:00Z)",
            "import rejected: 6 problem(s); nothing was written",
        ])
        #expect(try sqliteRows(dir + "/tickler.db", "SELECT count(*) FROM communications") == [["0"]])
    }
}
