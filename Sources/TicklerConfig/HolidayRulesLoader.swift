import Foundation
import TicklerCore
import Yams

/// A jurisdiction's holidays as a data file (`config/courts/holidays/*.yaml`, docs/courts.md):
///
/// ```yaml
/// name: ca-judicial
/// citation: "Cal. Civ. Proc. Code §§ 135, 12a; Cal. Gov. Code § 6700; Cal. Rules of Court, rule 1.11"
/// observed: saturday-to-friday-sunday-to-monday      # the default of every holiday below
/// holidays:
///   - { name: "Lincoln's Birthday", date: 02-12 }
///   - { name: "Native American Day", nth: "4 friday september" }
///   - { name: "Day after Thanksgiving", after: "4 thursday november", days: 1 }
///   - { name: "Election Day", election_day: true, years: even }
///   - { name: Juneteenth, date: 06-19, since: 2023, citation: "…" }
///   - { name: "Christmas Eve", on: 2026-12-24, unsettled: "a day closed by executive order, not a holiday by statute" }
/// ```
///
/// `unsettled:` says why it is doubtful whether the day is a legal holiday (deadlines are then counted both
/// ways, the earlier used); `observed_unsettled:` says it of every weekday observed in place of a weekend
/// holiday. Every mistake is reported as `FILE:LINE:COL: error: …`.
public enum HolidayRulesLoader {
    static let topKeys = ["name", "citation", "observed", "observed_unsettled", "holidays"]
    static let ruleKeys = ["name", "date", "nth", "after", "days", "election_day", "on", "observed", "since", "until", "years", "forward_only",
                           "citation", "unsettled"]
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
                         "december"]

    public static func load(path: String) throws(ConfigurationError) -> HolidayRules {
        try parse(try DataFile.text(path), path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> HolidayRules {
        let reader = NodeReader(file: path)
        guard let root = try DataFile.root(text, path: path),
              let top = reader.mapping(root, "a holiday file", allowed: topKeys, required: ["name", "holidays"])
        else { throw DataFile.notAMapping(path, reader) }
        let name = top["name"].flatMap { reader.string($0, "name") } ?? ""
        let citation = top["citation"].flatMap { reader.string($0, "citation") } ?? ""
        var observed = HolidayRule.Observed.none
        if let n = top["observed"] { observed = Self.observed(n, reader) ?? .none }
        let observedDoubt = top["observed_unsettled"].flatMap { reader.string($0, "observed_unsettled") }
        var rules: [HolidayRule] = []
        if let n = top["holidays"], let items = reader.sequence(n, "holidays") {
            for item in items {
                if var r = rule(item, observed: observed, citation: citation, reader) {
                    r.observedDoubt = observedDoubt
                    rules.append(r)
                }
            }
        }
        if !reader.diagnostics.isEmpty { throw ConfigurationError(diagnostics: reader.diagnostics) }
        return HolidayRules(name: name, rules: rules)
    }

    static func observed(_ node: Node, _ reader: NodeReader) -> HolidayRule.Observed? {
        guard let text = reader.string(node, "observed") else { return nil }
        guard let o = HolidayRule.Observed(rawValue: text) else {
            reader.error(node, "observed '\(text)' must be one of \(HolidayRule.Observed.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return o
    }

    static func rule(_ node: Node, observed fallback: HolidayRule.Observed, citation fallbackCitation: String, _ reader: NodeReader) -> HolidayRule? {
        guard let f = reader.mapping(node, "a holiday", allowed: ruleKeys, required: ["name"]) else { return nil }
        let name = f["name"].flatMap { reader.string($0, "name") } ?? ""
        var day: HolidayRule.Day?
        let kinds = ["date", "nth", "after", "election_day", "on"].filter { f[$0] != nil }
        if kinds.count != 1 {
            reader.error(node, "holiday '\(name)' needs exactly one of date, nth, after, election_day or on")
            return nil
        }
        if let n = f["on"], let text = reader.string(n, "on") {
            if let d = LocalDate(iso8601: text) { day = .once(d) } else { reader.error(n, "on '\(text)' must be a date, YYYY-MM-DD") }
        }
        if let n = f["date"], let text = reader.string(n, "date") {
            let p = text.split(separator: "-")
            if p.count == 2, let m = Int(p[0]), let d = Int(p[1]), (1...12).contains(m), d >= 1, d <= LocalDate.daysInMonth(year: 2024, month: m) {
                day = .fixed(month: m, day: d)
            } else {
                reader.error(n, "date '\(text)' must be MM-DD (02-12)")
            }
        }
        if let n = f["nth"] { day = nth(n, "nth", reader) }
        if let n = f["after"] {
            let days = f["days"].flatMap { reader.int($0, "days", range: -31...31) }
            if f["days"] == nil { reader.error(node, "holiday '\(name)' with after: needs days:") }
            if let base = nth(n, "after", reader), let days { day = .after(base, days: days) }
        } else if let n = f["days"] {
            reader.error(n, "days: goes with after:")
        }
        if let n = f["election_day"] {
            if reader.bool(n, "election_day") == true { day = .electionDay } else { reader.error(n, "election_day must be true") }
        }
        var rule = HolidayRule(name: name, day: day ?? .fixed(month: 1, day: 1), observed: fallback, citation: fallbackCitation)
        if let n = f["observed"] { rule.observed = observed(n, reader) ?? fallback }
        if let n = f["since"] { rule.since = reader.int(n, "since", range: 1800...9999) }
        if let n = f["until"] { rule.until = reader.int(n, "until", range: 1800...9999) }
        if let n = f["years"], let text = reader.string(n, "years") {
            if let y = HolidayRule.Years(rawValue: text) { rule.years = y } else { reader.error(n, "years must be every, even or odd") }
        }
        if let n = f["forward_only"] { rule.forwardOnly = reader.bool(n, "forward_only") ?? false }
        if let n = f["citation"], let text = reader.string(n, "citation") { rule.citation = text }
        if let n = f["unsettled"], let text = reader.string(n, "unsettled") { rule.doubt = text }
        return day == nil ? nil : rule
    }

    /// `3 monday january`, `last monday may`.
    static func nth(_ node: Node, _ key: String, _ reader: NodeReader) -> HolidayRule.Day? {
        guard let text = reader.string(node, key) else { return nil }
        let w = text.lowercased().split(separator: " ").map(String.init)
        let n = w.first == "last" ? -1 : w.first.flatMap { Int($0) }
        guard w.count == 3, let n, n == -1 || (1...5).contains(n), let weekday = Weekday(name: w[1]),
              let month = months.firstIndex(of: w[2]) else {
            reader.error(node, "\(key) '\(text)' must be N WEEKDAY MONTH (3 monday january, last monday may)")
            return nil
        }
        return .nth(n, weekday, month: month + 1)
    }
}
