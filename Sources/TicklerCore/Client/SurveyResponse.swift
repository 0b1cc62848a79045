/// A client's answer to a satisfaction survey, by text: a score on the survey's scale, and what they wrote
/// after it. One survey has one answer: a later one replaces it (its id derives from the survey and the
/// contact), and the store counts how many came.
public struct SurveyResponse: Sendable, Equatable {
    public var id: String
    public var contactID: String
    public var score: Int
    /// The highest score of the scale it answers (5, or 10 for NPS).
    public var scaleMax: Int
    public var receivedAt: Instant
    /// What the client wrote after the score ("4, thank you"): client data, kept in the firm's store only.
    public var comment: String?

    public init(id: String, contactID: String, score: Int, scaleMax: Int, receivedAt: Instant, comment: String? = nil) {
        self.comment = comment
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

    /// A reply read as an answer: a whole number on the scale, alone ("4", " 9. ", "4/5") or followed by a
    /// comment set off by punctuation or a space ("4 - thank you", "5, great", "3 slow to call back").
    /// Nil for anything else: a number off the scale ("7" on 1 to 5), a longer number, a word first. Those
    /// are replies, not scores.
    public func answer(_ reply: String) -> (score: Int, comment: String?)? {
        var rest = Self.trimmed(Substring(reply))
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 2, let n = Int(digits), (min...max).contains(n) else { return nil }
        rest = rest.dropFirst(digits.count)
        // "4/5", "9 out of 10": the scale restated is part of the score.
        for tail in ["/\(max)", " / \(max)", " out of \(max)", " of \(max)", " de \(max)"] where rest.lowercased().hasPrefix(tail) {
            rest = rest.dropFirst(tail.count)
            break
        }
        guard let first = rest.first else { return (n, nil) }
        // A digit or letter right after the number ("45", "4th", "3pm") is not a score.
        guard first.isWhitespace || ".,;:!-)–—".contains(first) else { return nil }
        let comment = String(Self.trimmed(rest.drop { $0.isWhitespace || ".,;:!-)–—".contains($0) }))
        return (n, comment.isEmpty ? nil : comment)
    }

    private static func trimmed(_ s: Substring) -> Substring {
        var t = s
        while t.first?.isWhitespace == true { t.removeFirst() }
        while t.last?.isWhitespace == true { t.removeLast() }
        return t
    }
}
