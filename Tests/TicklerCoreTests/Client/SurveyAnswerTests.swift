import Testing
import TicklerCore

/// A reply to a survey is its answer only when it starts with a whole number on the scale; what follows
/// the number is its comment. Anything else is a reply for staff, not a score.
struct SurveyAnswerTests {
    @Test(arguments: [
        ("4", 4, nil), (" 2 ", 2, nil), ("5.", 5, nil), ("3!", 3, nil), ("4/5", 4, nil), ("4 / 5", 4, nil), ("5 out of 5", 5, nil),
        ("4 - much better after the call", 4, "much better after the call"), ("5, thank you!", 5, "thank you!"),
        ("1: nobody calls me back", 1, "nobody calls me back"), ("2 slow", 2, "slow"), ("3 de 5, bien", 3, "bien"),
    ] as [(String, Int, String?)])
    func answersOnTheScale(_ reply: String, _ score: Int, _ comment: String?) {
        let a = SurveyScale.fivePoint.answer(reply)
        #expect(a?.score == score && a?.comment == comment, "\(reply)")
    }

    @Test(arguments: ["7", "0", "45", "10", "4th floor", "3pm works", "call me", "", "  ", "-2", "four"])
    func repliesThatAreNoScore(_ reply: String) {
        #expect(SurveyScale.fivePoint.answer(reply) == nil, "\(reply)")
    }

    @Test func theNetPromoterScaleTakesZeroToTen() {
        #expect(SurveyScale.nps.answer("10")?.score == 10)
        #expect(SurveyScale.nps.answer("0, never again")?.score == 0)
        #expect(SurveyScale.nps.answer("11") == nil)
        #expect(SurveyScale.nps.answer("9 great")?.comment == "great")
    }
}

/// One client message of a kind a day: the day is the contact's.
struct ClientMessageKeyTests {
    @Test func theDayIsTheContactsNotUTCs() throws {
        let tokyo = try #require(ZoneRules(identifier: "Asia/Tokyo"))
        let la = try #require(ZoneRules(identifier: "America/Los_Angeles"))
        let evening = RFC3339.parse("2026-12-04T14:30:00Z")!   // 23:30 in Tokyo, 06:30 in Los Angeles
        let later = RFC3339.parse("2026-12-04T15:10:00Z")!     // 00:10 the next day in Tokyo, 07:10 in Los Angeles
        let key = { (t: Instant, z: ZoneRules) in ClientMessageKey.daily(kind: "documents", about: "", caseID: "c1", contactID: "k1", at: t, zone: z) }
        #expect(key(evening, tokyo) == "documents|c1|k1|2026-12-04|")
        #expect(key(later, tokyo) == "documents|c1|k1|2026-12-05|")
        #expect(key(evening, la) == key(later, la))
    }
}
