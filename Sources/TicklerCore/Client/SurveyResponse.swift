/// A client's answer to a satisfaction survey, by text: a score on the survey's scale.
public struct SurveyResponse: Sendable, Equatable {
    public var id: String
    public var contactID: String
    public var score: Int
    /// The highest score of the scale it answers (5, or 10 for NPS).
    public var scaleMax: Int
    public var receivedAt: Instant

    public init(id: String, contactID: String, score: Int, scaleMax: Int, receivedAt: Instant) {
        self.id = id
        self.contactID = contactID
        self.score = score
        self.scaleMax = scaleMax
        self.receivedAt = receivedAt
    }
}

/// `clients.surveys`: the scale a survey asks on, and the score at or under which an answer is low (a
/// detractor: the `since: low_score` clock escalates it).
public struct SurveyScale: Sendable, Equatable {
    public var min: Int
    public var max: Int
    public var lowAtMost: Int

    public init(min: Int = 1, max: Int = 5, lowAtMost: Int? = nil) {
        self.min = min
        self.max = max
        self.lowAtMost = lowAtMost ?? (max == 10 ? 6 : 2)
    }

    /// 1 to 5, low at 2 or under.
    public static let fivePoint = SurveyScale()
    /// Net Promoter Score: 0 to 10, detractors at 6 or under.
    public static let nps = SurveyScale(min: 0, max: 10)

    /// The score a reply gives: a whole number on the scale and nothing else ("4", " 9. "); nil otherwise.
    public func score(_ reply: String) -> Int? {
        let t = reply.filter { !$0.isWhitespace && $0 != "." && $0 != "!" }
        guard !t.isEmpty, t.count <= 2, t.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(t), (min...max).contains(n) else {
            return nil
        }
        return n
    }
}
