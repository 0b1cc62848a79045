import Foundation
import Synchronization
import Testing
import TicklerCore
import TicklerMail
import TicklerStore
import TicklerTestKit

/// The service on an injected clock against a real Dovecot: stopped for two minutes, it reports one
/// outage and one recovery, and the mail delivered while the server was down is recorded afterwards.
/// A folder recreated (a new UIDVALIDITY) is read again only from the look-back window.
@Suite(.serialized, .ownThreads) struct MailServiceTests {
    final class Events: Sendable {
        let list = Mutex<[MailService.Event]>([])
        func add(_ e: MailService.Event) { list.withLock { $0.append(e) } }
        var value: [MailService.Event] { list.withLock { $0 } }
        var outages: Int { value.filter { if case .outage = $0 { true } else { false } }.count }
        var recoveries: Int { value.filter { if case .recovered = $0 { true } else { false } }.count }
        var passes: Int { value.filter { if case .passed = $0 { true } else { false } }.count }
    }

    /// Waits (a hang guard of `bound` seconds of wall time) until `condition` holds.
    static func until(_ bound: Double = 120, _ condition: () throws -> Bool) async rethrows -> Bool {
        let end = ContinuousClock.now + .seconds(bound)
        while try !condition() {
            if ContinuousClock.now > end { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    static func message(_ id: String, from: String = "ann.canary@example.test") -> String {
        "From: \(from)\r\nTo: intake@firm.test\r\nSubject: hello\r\nMessage-ID: <\(id)>\r\nDate: \(Date().formatted(.iso8601))\r\n\r\nbody\r\n"
    }

    /// Polled (a server without IDLE), or waiting in IDLE when the server goes: the failed wait falls back
    /// to the clock, never to a loop of reads.
    @Test(arguments: [false, true])
    func twoMinutesDownIsOneOutageAndOneRecoveryAndNothingIsLost(idle: Bool) async throws {
        let dovecot = try await TestDovecot.start(users: ["intake": "pw-intake"])
        let firm = try await MailReaderTests.firm(.sqlite)
        let clock = ManualClock(Instant(seconds: Int64(Date().timeIntervalSince1970)))
        let box = MailReaderTests.mailbox("intake", dovecot, user: "intake", password: "pw-intake")
        let service = MailService(reader: MailReader(store: firm.store, clock: clock, timeout: .seconds(30)), mailboxes: [box], poll: 60, idle: idle)
        let events = Events()
        try dovecot.deliver(Self.message("before@example.test"), to: "intake")
        let task = Task { try await service.run { events.add($0) } }
        defer { task.cancel() }
        #expect(await Self.until { events.passes == 1 })
        if !idle { #expect(await clock.sleepers(atLeast: 1)) }
        #expect(try firm.rows("SELECT count(*) FROM communications") == [["2"]])  // on both open cases

        try await dovecot.stop()
        // Polled, the service sleeps on the clock; in IDLE, the dropped wait has it sleep there too.
        #expect(await clock.sleepers(atLeast: 1))
        #expect(events.passes == 1 && events.outages == 0, "the dropped wait was not read again at once")
        let down = clock.now
        // Mail keeps arriving while the server is down (its delivery agent writes the mailbox).
        try dovecot.deliver(Self.message("during@example.test"), to: "intake")
        var tries = 0
        while clock.now.seconds - down.seconds < 120 {
            clock.advance(to: try #require(clock.nextDeadline))
            tries += 1
            #expect(await Self.until { clock.sleeping == 1 && events.outages == 1 })
        }
        #expect(tries >= 3 && events.outages == 1 && events.recoveries == 0)
        try await dovecot.resume()
        clock.advance(to: try #require(clock.nextDeadline))
        #expect(await Self.until { events.recoveries == 1 })
        // Back to waiting: on the clock when polled (in IDLE, on the server).
        if !idle { #expect(await clock.sleepers(atLeast: 1)) }
        #expect(events.outages == 1 && events.recoveries == 1)
        let key = ReceivedMail.key(of: "during@example.test")
        #expect(try firm.rows("SELECT id FROM communications WHERE id LIKE 'mail:\(key):%' ORDER BY id") == [["mail:\(key):k1"], ["mail:\(key):k2"]])
        guard case .recovered(let after)? = events.value.last(where: { if case .recovered = $0 { true } else { false } }) else { Issue.record(); return }
        #expect(after >= 120)
        _ = firm.keep
    }

    @Test func aRecreatedFolderIsReadAgainOnlyFromTheWindow() async throws {
        let dovecot = try await TestDovecot.start(users: ["intake": "pw-intake"])
        let firm = try await MailReaderTests.firm(.sqlite)
        let now = Instant(seconds: Int64(Date().timeIntervalSince1970))
        let clock = ManualClock(now)
        var box = MailReaderTests.mailbox("intake", dovecot, user: "intake", password: "pw-intake")
        box.inbound = ["Intake"]
        box.window = 7 * 86_400
        let reader = MailReader(store: firm.store, clock: clock)
        func imapDate(daysAgo: Int64) -> String {
            let d = ZoneRules.utc.localDate(now.adding(seconds: -daysAgo * 86_400))
            return MailDate.imapSearchDate(d).split(separator: "-").enumerated().map { i, p in i == 0 && p.count == 1 ? "0" + p : String(p) }
                .joined(separator: "-") + " 10:00:00 +0000"
        }
        try await IMAPConnection.open(box.server, login: box.login) { c in
            try await c.create("Intake")
            try await c.append(Array(Self.message("old1@example.test").utf8), to: "Intake", internalDate: imapDate(daysAgo: 30))
            try await c.append(Array(Self.message("new1@example.test").utf8), to: "Intake", internalDate: imapDate(daysAgo: 1))
        }
        let first = try await reader.pass([box])
        #expect(first.read == 1 && first.recorded == 2 && first.revalidated.isEmpty)  // the first read: the window only
        let validity = try firm.rows("SELECT uid_validity FROM tickler_mail_folders WHERE folder = 'Intake'")

        // The folder is deleted and made again (a migration, a rebuilt server): new UIDVALIDITY, UIDs from 1.
        try await IMAPConnection.open(box.server, login: box.login) { c in
            try await c.create("Intake", recreate: true)
            try await c.append(Array(Self.message("old1@example.test").utf8), to: "Intake", internalDate: imapDate(daysAgo: 30))
            try await c.append(Array(Self.message("new1@example.test").utf8), to: "Intake", internalDate: imapDate(daysAgo: 1))
            try await c.append(Array(Self.message("new2@example.test").utf8), to: "Intake", internalDate: imapDate(daysAgo: 0))
        }
        let second = try await reader.pass([box])
        #expect(second.revalidated == ["intake/Intake"])
        #expect(second.read == 2 && second.recorded == 2)  // new1 again (already recorded), new2; not old1
        #expect(try firm.rows("SELECT uid_validity FROM tickler_mail_folders WHERE folder = 'Intake'") != validity)
        #expect(try firm.rows("SELECT count(*) FROM communications WHERE id LIKE 'mail:\(ReceivedMail.key(of: "old1@example.test")):%'") == [["0"]])
        let third = try await reader.pass([box])
        #expect(third.read == 0 && third.revalidated.isEmpty)
        _ = firm.keep
    }
}

extension MailServiceTests {
    /// With IDLE, new mail is read as it arrives, not at the next poll: the poll here is 30 minutes and the
    /// clock does not move, so only IDLE can bring the message in before the hang guard.
    @Test func newMailIsReadWhenItArrivesInIdle() async throws {
        let dovecot = try await TestDovecot.start(users: ["intake": "pw-intake"])
        let firm = try await MailReaderTests.firm(.sqlite)
        let clock = ManualClock(Instant(seconds: Int64(Date().timeIntervalSince1970)))
        let box = MailReaderTests.mailbox("intake", dovecot, user: "intake", password: "pw-intake")
        let service = MailService(reader: MailReader(store: firm.store, clock: clock), mailboxes: [box], poll: 1800)
        let events = Events()
        let task = Task { try await service.run { events.add($0) } }
        defer { task.cancel() }
        #expect(await Self.until { events.passes == 1 })
        for n in 1...2 {
            try await MailReaderTests.append(dovecot, user: "intake", password: "pw-intake",
                                             [("INBOX", MailReaderTests.imapNow(), Array(Self.message("idle\(n)@example.test").utf8))])
            let key = ReceivedMail.key(of: "idle\(n)@example.test")
            #expect(try await Self.until { try firm.rows("SELECT count(*) FROM communications WHERE id LIKE 'mail:\(key):%'") == [["2"]] },
                    "message \(n) was not read while the service waited in IDLE")
        }
        #expect(clock.sleeping == 0 && events.outages == 0)
        _ = firm.keep
    }
}
