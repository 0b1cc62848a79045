/// A deadline computed by court rules, with how it was counted.
public struct CourtDeadline: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var date: LocalDate
        public var note: String

        public var line: String { "\(date.iso8601) \(date.weekday.shortName.prefix(1).uppercased() + date.weekday.shortName.dropFirst())  \(note)" }
    }

    /// The other reading, where the rule is unsettled.
    public struct Alternative: Sendable, Equatable {
        public var due: Instant
        public var lastDay: LocalDate
        public var reading: String
        public var steps: [Step]
    }

    public var due: Instant
    public var lastDay: LocalDate
    public var zone: ZoneRules
    public var header: String
    public var steps: [Step]
    public var alternative: Alternative?
    public var warnings: [String]
    public var method: CountingMethod
    /// Every rule the count applied, in the order it did (the method's paragraphs, the service rule, the
    /// holidays' statutes).
    public var rules: [String]

    /// The explanation as a lawyer would check it by hand, one line per day counted or skipped.
    public var text: String {
        var lines = [header] + steps.map { "  " + $0.line }
        lines.append("Due \(zone.format(due)) (\(due.rfc3339))")
        if let a = alternative { lines.append("Alternative (\(a.reading)): \(zone.format(a.due)) (\(a.due.rfc3339))") }
        lines += warnings.map { "Warning: " + $0 }
        return lines.joined(separator: "\n")
    }
}
