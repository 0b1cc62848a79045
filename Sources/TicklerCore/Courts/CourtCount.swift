/// Counts a period by a court's method over its days: pure, every day counted or skipped explained.
///
/// Where the law is unsettled — whether a doubtful day is a legal holiday (a weekday observed in place of a
/// weekend holiday in federal court, a Texas state holiday, a day closed by executive order), or where a
/// backward period's last day moves in New York and Texas — every reading is computed, the earliest due
/// date is used and the latest is reported as the alternative, with a warning naming the point.
public enum CourtCount {
    public static func compute(trigger: Instant, period: CourtPeriod, method: CountingMethod, days: CourtDays,
                               service: TriggerEvent.ServiceMethod? = nil, addition: ServiceAddition? = nil) -> CourtDeadline {
        let addition = addition ?? service.flatMap { method.addition(for: $0, backward: period.backward) }
        var header = "\(method.title): \(period) \(period.backward ? "" : "after ")the event of "
            + "\(days.zone.format(trigger)), \(days.label) (\(days.zone.identifier))"
        if let service { header += ", served by \(phrase(service))" } else if addition != nil { header += ", served by mail" }
        var readings: [Reading] = []
        for backwardToNext in (period.backward && method.backwardMoveUnsettled ? [false, true] : [false]) {
            for doubtfulAreHolidays in [true, false] {
                let r = Reading(doubtfulAreHolidays: doubtfulAreHolidays, backwardToNext: backwardToNext)
                count(r, trigger: trigger, period: period, method: method, days: days, service: service, addition: addition)
                readings.append(r)
            }
        }
        // The earliest; among equals, the first (doubtful days as holidays, backward to the day before).
        let used = readings.min { $0.due < $1.due }!
        let latest = readings.max { $0.due < $1.due }!
        var warnings: [String] = []
        let zone = days.zone
        // Whether the doubtful days matter, the direction held as used.
        if let other = readings.first(where: { $0.backwardToNext == used.backwardToNext && $0.doubtfulAreHolidays != used.doubtfulAreHolidays }),
           other.due != used.due {
            var named: [String] = []
            var doubts: [String] = []
            for (date, name, doubt) in (used.doubtful + other.doubtful).sorted(by: { $0.0 < $1.0 }) {
                let text = date.iso8601 + " (" + name + ")"
                if !named.contains(text) { named.append(text) }
                if !doubts.contains(doubt) { doubts.append(doubt) }
            }
            let (yes, no) = used.doubtfulAreHolidays ? (used, other) : (other, used)
            let first = yes === used ? "\(zone.format(yes.due)) if it is, \(zone.format(no.due)) if it is not"
                : "\(zone.format(no.due)) if it is not, \(zone.format(yes.due)) if it is"
            warnings.append("the result depends on whether \(named.joined(separator: ", ")), \(doubts.joined(separator: "; ")), is a "
                + "\(method.holidayWord) under \(method.isFederal ? method.holidayRule : method.lastDay): \(first); the earlier is used")
        }
        if let other = readings.first(where: { $0.doubtfulAreHolidays == used.doubtfulAreHolidays && $0.backwardToNext != used.backwardToNext }),
           other.due != used.due {
            let (next, before) = used.backwardToNext ? (used, other) : (other, used)
            warnings.append("the result depends on whether a last day counted backward that falls on a closed day moves to the next "
                + "\(method.openDayWord), as \(method.backward) reads, or to the one before, as a period counted backward continues: "
                + "\(zone.format(before.due)) if to the one before, \(zone.format(next.due)) if to the next; the earlier is used")
        }
        var alternative: CourtDeadline.Alternative?
        if latest.due != used.due {
            var reading: [String] = []
            if latest.doubtfulAreHolidays != used.doubtfulAreHolidays {
                let observedOnly = (latest.doubtful + used.doubtful).allSatisfy { $0.2 == observedDoubt }
                let subject = observedOnly ? "observed days are" : "the doubtful days are"
                reading.append("\(subject) \(latest.doubtfulAreHolidays ? "" : "not ")\(method.holidayWord)s")
            }
            if latest.backwardToNext != used.backwardToNext {
                reading.append("a closed last day counted backward moves to the \(latest.backwardToNext ? "next" : "previous") \(method.openDayWord)")
            }
            alternative = .init(due: latest.due, lastDay: latest.lastDay, reading: reading.joined(separator: "; "), steps: latest.steps)
        }
        var rules = used.rules
        for h in used.holidayCitations where !rules.contains(h) { rules.append(h) }
        return CourtDeadline(due: used.due, lastDay: used.lastDay, zone: zone, header: header, steps: used.steps,
                             alternative: alternative, warnings: warnings, method: method, rules: rules)
    }

    static let observedDoubt = "a weekday observed in place of a weekend holiday"

    /// `mail`, `mail to another state`…, for the explanation.
    static func phrase(_ s: TriggerEvent.ServiceMethod) -> String {
        switch s {
        case .personal: "personal delivery"
        case .electronic: "electronic means"
        case .mail: "mail"
        case .mailOutOfState: "mail to another state"
        case .mailOutOfCountry: "mail abroad"
        case .overnight: "overnight delivery"
        case .fax: "fax"
        case .other: "other consented means"
        }
    }

    /// One reading of the rule.
    final class Reading {
        let doubtfulAreHolidays: Bool
        let backwardToNext: Bool
        var steps: [CourtDeadline.Step] = []
        var due = Instant(seconds: 0)
        var lastDay = LocalDate(dayNumber: 0)
        var doubtful: [(LocalDate, String, String)] = []
        var rules: [String] = []
        var holidayCitations: [String] = []

        init(doubtfulAreHolidays: Bool, backwardToNext: Bool) {
            self.doubtfulAreHolidays = doubtfulAreHolidays
            self.backwardToNext = backwardToNext
        }

        func cite(_ rule: String) -> String {
            if !rule.isEmpty && !rules.contains(rule) { rules.append(rule) }
            return rule
        }

        func step(_ date: LocalDate, _ note: String) { steps.append(.init(date: date, note: note)) }
    }

    private static func count(_ r: Reading, trigger: Instant, period: CourtPeriod, method: CountingMethod, days: CourtDays,
                              service: TriggerEvent.ServiceMethod?, addition: ServiceAddition?) {
        let zone = days.zone
        let forward = !period.backward
        let step = forward ? 1 : -1
        /// Why `d` is not a day the court is open (a weekend or holiday, as this reading takes the doubtful).
        func holiday(_ d: LocalDate) -> String? {
            switch d.weekday {
            case .saturday: return "Saturday"
            case .sunday: return "Sunday"
            default: break
            }
            guard let h = days.holiday(on: d, forward: forward) else { return nil }
            if let doubt = h.doubt {
                r.doubtful.append((d, h.name, doubt))
                if !r.doubtfulAreHolidays { return nil }
            }
            if !h.citation.isEmpty && !r.holidayCitations.contains(h.citation) { r.holidayCitations.append(h.citation) }
            return "\(method.holidayWord): \(h.name)"
        }
        /// Why the period cannot end on `d`: a holiday, or a closure.
        func closed(_ d: LocalDate) -> String? {
            if let why = holiday(d) { return why }
            if let c = days.closures[d] { return "court closed: \(c.reason) (\(c.source))" }
            return nil
        }
        /// Moves `start` past days the period cannot end on, recording each.
        func move(_ start: LocalDate, rule: String) -> LocalDate {
            let direction = forward || r.backwardToNext ? 1 : -1
            var d = start
            while let why = closed(d) {
                r.step(d, "\(why): the period continues to the \(direction > 0 ? "next" : "previous") \(method.openDayWord) (\(r.cite(rule)))")
                d = d.adding(days: direction)
            }
            return d
        }
        /// Counts `n` days on from `start` (court days skip weekends and holidays), noting each.
        func countDays(from start: LocalDate, _ n: Int, courtDays: Bool, label: (Int) -> String, last: String?) -> LocalDate {
            var d = start
            var i = 0
            while i < n {
                d = d.adding(days: step)
                if courtDays, let why = holiday(d) {
                    r.step(d, "\(why): not a court day, not counted")
                    continue
                }
                i += 1
                var note = label(i)
                if !courtDays, let why = weekendOrHoliday(d) { note += " (\(why): counted, every day counts)" }
                if i == n, let last { note += ": the last day (\(last))" }
                r.step(d, note)
            }
            return d
        }
        /// A weekend day or holiday, for a counted day's note (no reading applies: every day counts).
        func weekendOrHoliday(_ d: LocalDate) -> String? {
            switch d.weekday {
            case .saturday: return "Saturday"
            case .sunday: return "Sunday"
            default: return days.holidays(on: d).first.map(\.name)
            }
        }
        func add(_ a: ServiceAddition, to start: LocalDate) -> LocalDate {
            let unit = a.courtDays ? "court day" : "day"
            let what = service.map(phrase) ?? "mail"
            return countDays(from: start, a.days, courtDays: a.courtDays,
                             label: { "\(r.cite(a.citation)) \(unit) \($0) of \(a.days), added for service by \(what)" }, last: nil)
        }
        let lastRule = forward ? method.lastDay : (method.isFederal ? "\(method.lastDay) and \(method.backward)" : method.backward)

        switch period.unit {
        case .days, .courtDays:
            var start = zone.localDate(trigger)
            r.step(start, "the day of the event: not counted (\(r.cite(method.firstDay)))")
            if forward, method.servedNextDay(service, secondOfDay: zone.secondOfDay(trigger)) {
                start = start.adding(days: 1)
                r.step(start, "served after 5:00 p.m.: served this day, not counted (\(r.cite("Tex. R. Civ. P. 21a(b)(3)")))")
            }
            let short = method.shortPeriod.map { period.unit == .days && period.amount <= $0 } ?? false
            let courtDays = period.unit == .courtDays || short
            let lastCite = forward ? method.lastDay : method.backward
            var d = countDays(from: start, period.amount, courtDays: courtDays,
                              label: { courtDays ? "court day \($0)" + (short && $0 == 1 ? " (\(r.cite("Tex. R. Civ. P. 4")): in a period of five days or less, weekends and legal holidays are not counted)" : "") : "day \($0)" },
                              last: r.cite(lastCite))
            if let a = addition {
                if let none = a.none {
                    r.step(d, "service by \(service.map(phrase) ?? "mail") adds nothing: \(none)")
                } else if a.afterTheLastDay {
                    d = move(d, rule: lastRule)
                    d = add(a, to: d)
                    d = move(d, rule: "\(a.citation) and \(method.lastDay)")
                } else {
                    d = add(a, to: d)
                }
            }
            d = move(d, rule: lastRule)
            r.lastDay = d
            r.step(d, "due at the end of the day, 23:59:59 in \(zone.identifier) (\(r.cite(method.endOfDay)))")
            r.due = zone.instant(date: d, secondOfDay: 86_399)
        case .hours:
            let end = trigger.adding(seconds: Int64(step * period.amount) * 3600)
            r.step(zone.localDate(trigger), "the period begins at \(zone.format(trigger)) and every hour counts (\(r.cite(method.hoursBegin)))")
            r.step(zone.localDate(end), "\(period.amount) hours end at \(zone.format(end))")
            let time = zone.secondOfDay(end)
            let rule = forward ? method.hoursEnd : "\(method.hoursEnd) and \(method.backward)"
            var d = move(zone.localDate(end), rule: rule)
            if let a = addition {
                if let none = a.none {
                    r.step(d, "service by \(service.map(phrase) ?? "mail") adds nothing: \(none)")
                } else {
                    d = add(a, to: d)
                    d = move(d, rule: "\(a.citation) and \(method.lastDay)")
                }
            }
            r.lastDay = d
            r.due = d == zone.localDate(end) ? end : zone.instant(date: d, secondOfDay: time)
            r.step(d, "due at \(zone.format(r.due))")
        }
    }
}

extension CountingMethod {
    /// The paragraph defining "legal holiday" in the federal rules.
    var holidayRule: String {
        switch self {
        case .frap26a: "Rule 26(a)(6)"
        case .frbp9006a: "Rule 9006(a)(6)"
        default: "Rule 6(a)(6)"
        }
    }
}
