/// Fed. R. Civ. P. 6(a), computing time, and Rule 6(d), three days added after service by mail.
///
/// - (a)(1) A period in days: exclude the day of the event, count every day (weekends and holidays
///   included), include the last day; if the last day is a Saturday, Sunday or legal holiday, the
///   period runs until the end of the next day that is none of these.
/// - (a)(2) A period in hours: begin at once, count every hour; if it would end on a Saturday, Sunday or
///   legal holiday, it runs until the same time on the next day that is none of these.
/// - (a)(4) The last day ends at midnight in the court's time zone (here 23:59:59 local).
/// - (a)(5) A period counted backward ("14 days before") continues backward: the "next day" is the
///   one before.
/// - (a)(6) Legal holidays are those of the rule's calendar; a holiday marked `forward_only` (a state
///   holiday, (a)(6)(C)) counts only for periods measured after an event.
/// - 6(d) Service by mail adds days after the period would otherwise expire under (a); the result
///   rolls again.
///
/// Whether a weekday observed in place of a weekend holiday (Friday, July 3, 2026 for Independence Day)
/// is a "legal holiday" is unsettled: both readings are computed, the earlier is used, and the later is
/// reported as the alternative with a warning.
public enum FRCP6a {
    public static func compute(trigger: Instant, period: CourtPeriod, calendar: BusinessCalendar, mailDays: Int = 0) -> CourtDeadline {
        let strict = count(trigger: trigger, period: period, calendar: calendar, mailDays: mailDays, observedIsHoliday: true)
        let plain = count(trigger: trigger, period: period, calendar: calendar, mailDays: mailDays, observedIsHoliday: false)
        let header = "Fed. R. Civ. P. 6(a): \(period) \(period.backward ? "" : "after ")the event of "
            + "\(calendar.zone.format(trigger)), on calendar \(calendar.name) (\(calendar.zone.identifier))"
            + (mailDays > 0 ? ", served by mail" : "")
        guard strict.due != plain.due else {
            return CourtDeadline(due: strict.due, lastDay: strict.lastDay, zone: calendar.zone, header: header,
                                 steps: strict.steps, alternative: nil, warnings: [])
        }
        let (used, other) = strict.due < plain.due ? (strict, plain) : (plain, strict)
        var named: [String] = []
        for (date, name) in strict.observedConsulted + plain.observedConsulted {
            let text: String = date.iso8601 + " (" + name + ")"
            if !named.contains(text) { named.append(text) }
        }
        let usedIsStrict = used === strict
        let first: String = calendar.zone.format(used.due) + (usedIsStrict ? " if it is, " : " if it is not, ")
        let second: String = calendar.zone.format(other.due) + (usedIsStrict ? " if it is not" : " if it is")
        let warning = "the result depends on whether " + named.sorted().joined(separator: ", ")
            + ", a weekday observed in place of a weekend holiday, is a legal holiday under Rule 6(a)(6): "
            + first + second + "; the earlier is used"
        return CourtDeadline(
            due: used.due, lastDay: used.lastDay, zone: calendar.zone, header: header, steps: used.steps,
            alternative: .init(due: other.due, lastDay: other.lastDay,
                               reading: other === strict ? "observed days are legal holidays" : "observed days are not legal holidays",
                               steps: other.steps),
            warnings: [warning])
    }

    /// One reading of the rule.
    private final class Reading {
        var steps: [CourtDeadline.Step] = []
        var due = Instant(seconds: 0)
        var lastDay = LocalDate(dayNumber: 0)
        var observedConsulted: [(LocalDate, String)] = []
    }

    private static func count(trigger: Instant, period: CourtPeriod, calendar: BusinessCalendar, mailDays: Int,
                              observedIsHoliday: Bool) -> Reading {
        let r = Reading()
        let zone = calendar.zone
        let step = period.backward ? -1 : 1
        let forward = !period.backward
        /// Why `d` cannot be the last day, or nil.
        func closed(_ d: LocalDate) -> String? {
            switch d.weekday {
            case .saturday: return "Saturday"
            case .sunday: return "Sunday"
            default: break
            }
            guard let h = calendar.holidays.holiday(on: d) else { return nil }
            if h.forwardOnly && !forward { return nil }
            if h.observed {
                r.observedConsulted.append((d, h.name))
                if !observedIsHoliday { return nil }
            }
            return "legal holiday: \(h.name)"
        }
        /// Moves `d` past days that cannot end the period, recording each.
        func roll(_ start: LocalDate, rule: String) -> LocalDate {
            var d = start
            while let why = closed(d) {
                let next = LocalDate(dayNumber: d.dayNumber + step)
                r.steps.append(.init(date: d, note: "\(why): the period continues to the \(forward ? "next" : "previous") day (\(rule))"))
                d = next
            }
            return d
        }
        switch period.unit {
        case .days:
            let start = zone.localDate(trigger)
            r.steps.append(.init(date: start, note: "the day of the event: not counted (Rule 6(a)(1)(A))"))
            var d = start
            for i in 1...period.amount {
                d = LocalDate(dayNumber: d.dayNumber + step)
                var note = "day \(i)"
                if let why = closedLabel(d, calendar) { note += " (\(why): counted, every day counts)" }
                if i == period.amount { note += ": the last day (Rule 6(a)(1)(C))" }
                r.steps.append(.init(date: d, note: note))
            }
            d = roll(d, rule: forward ? "Rule 6(a)(1)(C)" : "Rule 6(a)(1)(C) and 6(a)(5)")
            d = addMailDays(d, mailDays: mailDays, forward: forward, r: r, calendar: calendar, roll: roll)
            r.lastDay = d
            r.steps.append(.init(date: d, note: "due at the end of the day, 23:59:59 in \(zone.identifier) (Rule 6(a)(4))"))
            r.due = zone.instant(date: d, secondOfDay: 86_399)
        case .hours:
            let end = trigger.adding(seconds: Int64(step * period.amount) * 3600)
            r.steps.append(.init(date: zone.localDate(trigger),
                                 note: "the period begins at \(zone.format(trigger)) and every hour counts (Rule 6(a)(2)(A), (B))"))
            r.steps.append(.init(date: zone.localDate(end), note: "\(period.amount) hours end at \(zone.format(end))"))
            let time = zone.secondOfDay(end)
            var d = roll(zone.localDate(end), rule: forward ? "Rule 6(a)(2)(C)" : "Rule 6(a)(2)(C) and 6(a)(5)")
            d = addMailDays(d, mailDays: mailDays, forward: forward, r: r, calendar: calendar, roll: roll)
            r.lastDay = d
            r.due = d == zone.localDate(end) ? end : zone.instant(date: d, secondOfDay: time)
            r.steps.append(.init(date: d, note: "due at \(zone.format(r.due))"))
        }
        return r
    }

    private static func addMailDays(_ start: LocalDate, mailDays: Int, forward: Bool, r: Reading, calendar: BusinessCalendar,
                                    roll: (LocalDate, String) -> LocalDate) -> LocalDate {
        guard mailDays > 0 else { return start }
        guard forward else {
            r.steps.append(.init(date: start, note: "service by mail adds nothing to a period counted backward (Rule 6(d))"))
            return start
        }
        var d = start
        for j in 1...mailDays {
            d = LocalDate(dayNumber: d.dayNumber + 1)
            var note = "Rule 6(d) day \(j) of \(mailDays), added for service by mail"
            if let why = closedLabel(d, calendar) { note += " (\(why): counted)" }
            r.steps.append(.init(date: d, note: note))
        }
        return roll(d, "Rule 6(d) and 6(a)(1)(C)")
    }

    /// A weekend day or holiday, for the counted days' notes (no reading applies: every day counts).
    private static func closedLabel(_ d: LocalDate, _ calendar: BusinessCalendar) -> String? {
        switch d.weekday {
        case .saturday: return "Saturday"
        case .sunday: return "Sunday"
        default: return calendar.holidays.holiday(on: d).map { $0.name }
        }
    }
}

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

    /// The explanation as a lawyer would check it by hand, one line per day counted or skipped.
    public var text: String {
        var lines = [header] + steps.map { "  " + $0.line }
        lines.append("Due \(zone.format(due)) (\(due.rfc3339))")
        if let a = alternative { lines.append("Alternative (\(a.reading)): \(zone.format(a.due)) (\(a.due.rfc3339))") }
        lines += warnings.map { "Warning: " + $0 }
        return lines.joined(separator: "\n")
    }
}
