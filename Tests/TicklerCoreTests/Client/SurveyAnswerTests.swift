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
        // A score with a comment is an answer, but not a bare score.
        #expect(SurveyScale.nps.score("9 great") == nil && SurveyScale.nps.score("9") == 9)
    }
}
