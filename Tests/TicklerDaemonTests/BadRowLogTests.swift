import Testing
import TicklerStore
@testable import TicklerDaemon

@Suite struct BadRowLogTests {
    let a = BadRow(table: "cases", id: "c1", caseID: "c1", problem: "unknown status")
    let b = BadRow(table: "events", id: "e1", caseID: "c2", problem: "occurred_at is not RFC 3339")

    @Test func eachRowOnceWhileItStaysBad() {
        var log = BadRowLog()
        #expect(log.report([a, b], caseIDs: nil) == [a, b])
        #expect(log.report([a, b], caseIDs: nil) == [])
        #expect(log.report([b], caseIDs: ["c2"]) == [])
    }

    @Test func aRowReadWellAgainIsForgotten() {
        var log = BadRowLog()
        _ = log.report([a, b], caseIDs: nil)
        // c1 read by a tick without its bad row: mended. b's case was not read: still known.
        #expect(log.report([], caseIDs: ["c1"]) == [])
        #expect(log.report([a, b], caseIDs: nil) == [a])
        // A full read without b forgets it.
        _ = log.report([a], caseIDs: nil)
        #expect(log.report([b], caseIDs: ["c2"]) == [b])
    }

    @Test func anotherProblemOfTheSameRowIsNews() {
        var log = BadRowLog()
        _ = log.report([a], caseIDs: nil)
        var worse = a
        worse.problem = "opened_at is not an RFC 3339 timestamp"
        #expect(log.report([worse], caseIDs: ["c1"]) == [worse])
    }
}
