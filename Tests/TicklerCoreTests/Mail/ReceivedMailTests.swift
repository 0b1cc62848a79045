import Testing
import TicklerCore

/// The header section of a message, read as Tickler reads it: folded fields, address lists with display
/// names, comments and groups, message ids, dates in every form RFC 5322 allows, and the marks of a
/// machine's message.
struct ReceivedMailTests {
    static func mail(_ text: String, internalDate: Instant? = nil) -> ReceivedMail? {
        let bytes = Array(text.utf8)
        return ReceivedMail(headers: MailHeaders(parsing: bytes), raw: bytes, internalDate: internalDate)
    }

    @Test func foldedFieldsAreUnfoldedAndNamesIgnoreCase() {
        let h = MailHeaders(parsing: Array("Subject: a long\r\n\tsubject\r\nX-A: 1\r\nx-a: 2\r\n not a field\r\n\r\nBody: no\r\n".utf8))
        #expect(h.first("SUBJECT") == "a long subject")
        #expect(h.all("x-a") == ["1", "2 not a field"])
        #expect(h.first("body") == nil)
        #expect(MailHeaders(parsing: Array("no colon here\nFrom: a@b.test".utf8)).first("from") == "a@b.test")
    }

    @Test func addressListsYieldOnlyTheAddresses() {
        #expect(MailAddress.list(#""Smith, Ann" <Ann@Example.TEST>, (a note) bo@example.test"#) == ["ann@example.test", "bo@example.test"])
        #expect(MailAddress.list("undisclosed-recipients:;") == [])
        #expect(MailAddress.list("Team: a@x.test, B <b@y.test>;, c@z.test") == ["a@x.test", "b@y.test", "c@z.test"])
        #expect(MailAddress.list("\"Odd <x@y.test>\" <real@firm.test>") == ["real@firm.test"])
        #expect(MailAddress.list("not an address, @x.test, a@nodot") == [])
        #expect(MailAddress.messageIDs("<a@x> <b@y>\r\n <c@z>") == ["a@x", "b@y", "c@z"])
    }

    @Test func datesInEveryFormResolveToTheSameInstant() {
        let t = RFC3339.parse("2026-12-06T15:04:05Z")!
        #expect(MailDate.rfc5322("Sun, 06 Dec 2026 10:04:05 -0500") == t)
        #expect(MailDate.rfc5322("6 Dec 2026 10:04:05 EST") == t)
        #expect(MailDate.rfc5322("Sun, 6 Dec 2026 15:04:05 +0000 (UTC)") == t)
        #expect(MailDate.rfc5322("Sun, 06 Dec 26 15:04:05 GMT") == t)
        #expect(MailDate.rfc5322("6 Dec 2026 15:04 Z") == RFC3339.parse("2026-12-06T15:04:00Z"))
        #expect(MailDate.rfc5322("31 Feb 2026 10:00:00 +0000") == nil)
        #expect(MailDate.rfc5322("yesterday") == nil)
        #expect(MailDate.rfc5322("1 Jan 99999999999999999 10:00 +0000") == nil)  // a year no calendar holds: not a trap
        #expect(MailDate.imap("06-Dec-2026 17:04:05 +0200") == t)
        #expect(MailDate.imap(" 6-Dec-2026 15:04:05 +0000") == t)
        #expect(MailDate.imapSearchDate(LocalDate(year: 2026, month: 1, day: 9)) == "9-Jan-2026")
        // A week back from 10:00 UTC on Dec 6 starts on Nov 29 in UTC: searched from the day before.
        #expect(MailDate.lookBack(from: RFC3339.parse("2026-12-06T10:00:00Z")!, seconds: 7 * 86_400) == LocalDate(year: 2026, month: 11, day: 28))
        #expect(MailDate.lookBack(from: RFC3339.parse("2026-03-01T00:30:00Z")!, seconds: 86_400) == LocalDate(year: 2026, month: 2, day: 27))
    }

    @Test func aMessageIsKeyedByItsMessageIDAndRepliesByThoseItReferences() throws {
        let m = try #require(Self.mail("""
            From: Ann Canary <ann@example.test>\r
            To: intake@firm.test, "Bo" <bo@firm.test>\r
            Cc: guardian@example.test\r
            Subject: Re: 2026-CV-0042\r
            Message-ID: <m2@example.test>\r
            In-Reply-To: <m1@firm.test>\r
            References: <m0@firm.test> <m1@firm.test>\r
            Date: Sun, 06 Dec 2026 10:00:00 +0000\r
            \r\n
            """, internalDate: RFC3339.parse("2026-12-06T10:00:07Z")))
        #expect(m.messageID == "m2@example.test")
        #expect(m.key == ReceivedMail.key(of: "m2@example.test") && m.key.count == 24)
        #expect(m.from == ["ann@example.test"])
        #expect(m.recipients == ["intake@firm.test", "bo@firm.test", "guardian@example.test"])
        #expect(m.at == RFC3339.parse("2026-12-06T10:00:07Z"))  // the server's arrival, not the sender's clock
        #expect(m.repliesTo == [ReceivedMail.key(of: "m1@firm.test"), ReceivedMail.key(of: "m0@firm.test")])
        #expect(m.automated == nil)
        // Without a Message-ID the key is the header section's; without any date it is no message to record.
        let bare = try #require(Self.mail("From: a@x.test\r\nDate: 6 Dec 2026 10:00:00 +0000\r\n\r\n"))
        #expect(bare.messageID == nil && bare.key.count == 24 && bare.at == RFC3339.parse("2026-12-06T10:00:00Z"))
        #expect(Self.mail("From: a@x.test\r\n\r\n") == nil)
    }

    @Test(arguments: [
        ("Auto-Submitted: auto-replied", "auto-submitted"),
        ("Auto-Submitted: auto-generated; owner-email=x@y.test", "auto-submitted"),
        ("Precedence: bulk", "precedence bulk"),
        ("Precedence: auto_reply", "precedence auto_reply"),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=x", "a delivery or read report"),
        ("List-Id: <news.example.test>", "a mailing list"),
        ("X-Autoreply: yes", "an auto-reply"),
        ("Return-Path: < >", "a bounce"),
    ])
    func machinesMessagesAreMarked(_ field: String, _ why: String) throws {
        let m = try #require(Self.mail("From: ann@example.test\r\n\(field)\r\nDate: 6 Dec 2026 10:00:00 +0000\r\n\r\n"))
        #expect(m.automated == why)
    }

    @Test func aPersonsMessageIsNotMarked() throws {
        for field in ["Auto-Submitted: no", "Precedence: first-class", "Content-Type: multipart/mixed; boundary=x", "Return-Path: <ann@example.test>"] {
            let m = try #require(Self.mail("From: ann@example.test\r\n\(field)\r\nDate: 6 Dec 2026 10:00:00 +0000\r\n\r\n"))
            #expect(m.automated == nil, "\(field)")
        }
        let daemon = try #require(Self.mail("From: MAILER-DAEMON@mx.firm.test\r\nDate: 6 Dec 2026 10:00:00 +0000\r\n\r\n"))
        #expect(daemon.automated == "a mailer daemon")
    }
}
