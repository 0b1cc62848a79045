/// A length of time as policies write it: `90 minutes`, `2 hours`, `14 days`, `2 weeks`,
/// `10 business days`, `4 business hours`, `2 court days`.
public struct Period: Hashable, Sendable, CustomStringConvertible {
    public enum Unit: String, Sendable, CaseIterable {
        case minutes, hours, days, weeks
        case businessDays = "business days"
        case businessHours = "business hours"
        case courtDays = "court days"

        var singular: String { String(rawValue.dropLast()) }
        /// Units that count on a calendar rather than on the timeline.
        public var needsCalendar: Bool { self != .minutes && self != .hours }
    }

    public var amount: Int
    public var unit: Unit

    public init(_ amount: Int, _ unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// Parses `N unit`, singular or plural, case-insensitive, single spaces between words not required.
    public init?(parsing text: String) {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count >= 2, let n = Int(words[0]), n >= 0, n <= 100_000 else { return nil }
        let rest = words.dropFirst().joined(separator: " ")
        guard let unit = Unit.allCases.first(where: { rest == $0.rawValue || rest == $0.singular }) else { return nil }
        self.init(n, unit)
    }

    public var description: String { "\(amount) " + (amount == 1 ? unit.singular : unit.rawValue) }
}
