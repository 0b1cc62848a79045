import Foundation
import Logging
import Testing
import TicklerTestKit
@testable import Systemd

@Suite(.ownThreads) struct JournalFieldTests {
    @Test func metadataKeysBecomeValidTicklerFieldNames() {
        #expect(JournalEntry.ticklerFieldName("case_id") == "TICKLER_CASE_ID")
        #expect(JournalEntry.ticklerFieldName("case-number") == "TICKLER_CASE_NUMBER")
        #expect(JournalEntry.ticklerFieldName("TICKLER_POLICY") == "TICKLER_POLICY")
        #expect(JournalEntry.ticklerFieldName("fire.id") == "TICKLER_FIRE_ID")
        #expect(JournalEntry.ticklerFieldName("_x") == "TICKLER_X")
        for key in ["case_id", "a b", "ü", "9lives", "_", String(repeating: "k", count: 90)] {
            #expect(JournalEntry.isValidFieldName(JournalEntry.ticklerFieldName(key)), "\(key)")
        }
        #expect(!JournalEntry.isValidFieldName("_PID"))
        #expect(!JournalEntry.isValidFieldName("lower"))
    }

    @Test func logRecordsBecomeEntriesWithPriorityCodeLocationAndMappedMetadata() {
        let e = JournalLogHandler.entry(identifier: "ticklerd", level: .warning, message: "hello",
                                        metadata: ["message_id": "0123456789abcdef0123456789abcdef", "case-id": "c1",
                                                   "recipients": ["p1", "a1"]],
                                        file: "F.swift", function: "f()", line: 7)
        #expect(e.fields.map(\.name) == ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "MESSAGE_ID", "CODE_FILE", "CODE_LINE",
                                         "CODE_FUNC", "TICKLER_CASE_ID", "TICKLER_RECIPIENTS", "TICKLER_RECIPIENTS"])
        #expect(e.fields.map(\.value) == ["hello", "4", "ticklerd", "0123456789abcdef0123456789abcdef", "F.swift", "7", "f()",
                                          "c1", "p1", "a1"])
    }
}

/// Needs journald listening on /run/systemd/journal/socket: `make test` starts it when it is not.
@Suite(.ownThreads, .enabled(if: Journal.isAvailable || ProcessInfo.processInfo.environment["CI"] != nil,
                "journald is not running: `make test` (or `make journald`) starts it; under CI this suite always runs"))
struct JournaldRoundTripTests {
    @Test func anEntryReachesJournaldWithEveryFieldRepeatedFieldsAndNewlines() throws {
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let entry = JournalEntry([
            ("MESSAGE", "line one\nline two"), ("PRIORITY", "5"), ("SYSLOG_IDENTIFIER", "tickler-test"),
            ("MESSAGE_ID", "6c1a7f3e0b7a4e2c9d1f5a3b7e9c2d40"), ("TICKLER_TEST_TOKEN", token),
            ("TICKLER_RECIPIENTS", "p1"), ("TICKLER_RECIPIENTS", "a1"),
        ])
        #expect(Journal.send(entry) == 0)
        let found = try JournalQuery.entries(["TICKLER_TEST_TOKEN=\(token)"])
        let e = try #require(found.first)
        #expect(e["PRIORITY"] as? String == "5")
        #expect(e["SYSLOG_IDENTIFIER"] as? String == "tickler-test")
        #expect(e["MESSAGE_ID"] as? String == "6c1a7f3e0b7a4e2c9d1f5a3b7e9c2d40")
        #expect(e["MESSAGE"] as? String == "line one\nline two")
        // journald keeps every value of a repeated field, but not their order.
        #expect((e["TICKLER_RECIPIENTS"] as? [String])?.sorted() == ["a1", "p1"])
    }

    @Test func theLogHandlerWritesStructuredEntries() throws {
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        var logger = Logger(label: "test") { _ in JournalLogHandler(identifier: "tickler-test") }
        logger[metadataKey: "run"] = "\(token)"
        logger.notice("stage fired", metadata: ["policy": "client-update-cadence", "case_number": "2026-0142"])
        let e = try #require(try JournalQuery.entries(["TICKLER_RUN=\(token)"]).first)
        #expect(e["MESSAGE"] as? String == "stage fired")
        #expect(e["PRIORITY"] as? String == "5")
        #expect(e["TICKLER_POLICY"] as? String == "client-update-cadence")
        #expect(e["TICKLER_CASE_NUMBER"] as? String == "2026-0142")
        #expect((e["CODE_FILE"] as? String)?.hasSuffix("JournalTests.swift") == true)
        #expect(e["CODE_FUNC"] as? String == "theLogHandlerWritesStructuredEntries()")
        #expect(Int(e["CODE_LINE"] as? String ?? "") ?? 0 > 0)
    }
}
