import Testing
import TicklerMail

/// Responses framed from bytes that come in any pieces, literals included, and read as IMAP values.
struct IMAPResponseTests {
    static let fetch = "* 12 FETCH (UID 34 INTERNALDATE \"06-Dec-2026 10:25:48 +0000\" BODY[HEADER.FIELDS (FROM MESSAGE-ID)] {26}\r\n"
        + "From: a@b.test\r\nX: (\"{1}\r\n)\r\n"
        + "T3 OK Fetch completed.\r\n"

    @Test func responsesAreFramedWhateverPiecesTheBytesComeIn() throws {
        let bytes = Array(Self.fetch.utf8)
        for size in [1, 2, 7, 64, bytes.count] {
            var reader = IMAPResponseReader()
            var out: [IMAPResponse] = []
            var i = 0
            while i < bytes.count {
                reader.append(bytes[i..<min(bytes.count, i + size)])
                i += size
                while let r = try reader.next() { out.append(r) }
            }
            #expect(out.count == 2, "pieces of \(size)")
            #expect(out.first?.parts.count == 3)
            #expect(out.last?.tag == "T3" && out.last?.status == "OK" && out.last?.text == "Fetch completed.")
        }
    }

    @Test func aFetchReadsAsValuesWithItsLiteral() throws {
        var reader = IMAPResponseReader()
        reader.append(Array(Self.fetch.utf8))
        let r = try #require(try reader.next())
        let t = try #require(r.tokens)
        #expect(t.prefix(3).map(\.atom) == ["*", "12", "FETCH"])
        let items = try #require(t[3].list)
        #expect(items[0].atom == "UID" && items[1].number == 34)
        #expect(items[3].string == "06-Dec-2026 10:25:48 +0000")
        #expect(items[4].atom == "BODY[HEADER.FIELDS (FROM MESSAGE-ID)]")
        #expect(items[5].string == "From: a@b.test\r\nX: (\"{1}\r\n")
    }

    @Test func statusCodesAndTextAreRead() throws {
        var reader = IMAPResponseReader()
        reader.append(Array("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n* 3 EXISTS\r\nT1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n".utf8))
        let a = try #require(try reader.next()), b = try #require(try reader.next()), c = try #require(try reader.next())
        #expect(a.code == "UIDVALIDITY 3857529045" && a.status == "OK")
        #expect(b.status == nil && b.line == "* 3 EXISTS")
        #expect(c.tag == "T1" && c.status == "NO" && c.code == "AUTHENTICATIONFAILED" && c.text == "Authentication failed.")
        #expect(try reader.next() == nil)
    }

    @Test func aResponseOverTheLimitIsAnErrorNotAnAllocation() {
        var reader = IMAPResponseReader(limit: 1000)
        reader.append(Array("* 1 FETCH (BODY[] {999999999}\r\n".utf8))
        #expect(throws: IMAPResponseReader.TooLarge.self) { try reader.next() }
        var long = IMAPResponseReader(limit: 1000)
        long.append([UInt8](repeating: 65, count: 2000))
        #expect(throws: IMAPResponseReader.TooLarge.self) { try long.next() }
    }

    @Test func malformedValuesAreNil() {
        #expect(IMAPResponse(parts: [.text(Array("* 1 FETCH (UID 1".utf8))]).tokens == nil)
        #expect(IMAPResponse(parts: [.text(Array("* 1 FETCH (X \"open".utf8))]).tokens == nil)
        #expect(IMAPResponse(parts: [.text(Array("* 1 FETCH )".utf8))]).tokens == nil)
    }
}
