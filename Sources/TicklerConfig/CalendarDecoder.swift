import Foundation
import TicklerCore
import Yams

/// `calendars:`: each entry's zone, workweek, business hours and holidays, with `based_on` inheritance
/// (a key given on the child replaces the parent's value; `holidays:` is replaced, not merged).
struct CalendarDecoder {
    let reader: NodeReader
    let baseDirectory: String

    private struct Spec {
        var node: Node
        var zone: ZoneRules?
        var zoneGiven = false
        var workweek: Set<Weekday>?
        var hours: [BusinessCalendar.Window]?
        var holidays: HolidaySet?
        var basedOn: (String, Node)?
    }

    static let keys = ["timezone", "workweek", "business_hours", "holidays", "based_on"]

    func decode(_ node: Node) -> [String: BusinessCalendar] {
        guard let fields = reader.mapping(node, "calendars", allowed: mappingKeys(node)) else { return [:] }
        var specs: [String: Spec] = [:]
        for name in fields.order {
            guard let value = fields[name] else { continue }
            if !Self.isValidName(name) {
                reader.error(fields.keys[name], "calendar name '\(name)' must be letters, digits, '-' or '_'")
            }
            if let spec = spec(value, name) { specs[name] = spec }
        }
        var resolved: [String: BusinessCalendar] = [:]
        var reportedCycles = Set<Set<String>>()
        for name in fields.order where specs[name] != nil {
            _ = resolve(name, specs, &resolved, visiting: [], reportedCycles: &reportedCycles)
        }
        return resolved
    }

    static func isValidName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }
            && s.allSatisfy(\.isASCII)
    }

    private func mappingKeys(_ node: Node) -> [String] {
        guard case .mapping(let m) = node else { return [] }
        return m.compactMap { if case .scalar(let s) = $0.key { s.string } else { nil } }
    }

    private func spec(_ node: Node, _ name: String) -> Spec? {
        let what = "calendar '\(name)'"
        guard let f = reader.mapping(node, what, allowed: Self.keys) else { return nil }
        var spec = Spec(node: node)
        if let n = f["based_on"], let parent = reader.string(n, "based_on") { spec.basedOn = (parent, n) }
        if let n = f["timezone"], let id = reader.string(n, "timezone") {
            spec.zoneGiven = true
            if let z = ZoneRules(identifier: id) { spec.zone = z } else {
                reader.error(n, "unknown time zone '\(id)'; use an IANA name such as America/Los_Angeles")
            }
        } else if spec.basedOn == nil {
            reader.error(node, "\(what) is missing required key 'timezone'")
        }
        if let n = f["workweek"], let days = reader.strings(n, "workweek") {
            var set = Set<Weekday>()
            for (d, dn) in days {
                guard let w = Weekday(name: d) else {
                    reader.error(dn, "unknown weekday '\(d)'; use mon, tue, wed, thu, fri, sat or sun")
                    continue
                }
                if !set.insert(w).inserted { reader.error(dn, "weekday '\(d)' is listed twice") }
            }
            if days.isEmpty { reader.error(n, "workweek must name at least one day") }
            spec.workweek = set
        }
        if let n = f["business_hours"] { spec.hours = hours(n) }
        if let n = f["holidays"] { spec.holidays = holidays(n) }
        return spec
    }

    /// `"09:00-17:00"`, `"09:00-12:00, 13:00-17:00"`, or a list of such ranges.
    private func hours(_ node: Node) -> [BusinessCalendar.Window]? {
        guard let items = reader.strings(node, "business_hours") else { return nil }
        var windows: [BusinessCalendar.Window] = []
        for (text, n) in items {
            for part in text.split(separator: ",") {
                let range = part.trimmingCharacters(in: .whitespaces).split(separator: "-")
                guard range.count == 2, let open = TimeOfDay(hhmm: String(range[0]).trimmingCharacters(in: .whitespaces)),
                      let close = TimeOfDay(hhmm: String(range[1]).trimmingCharacters(in: .whitespaces))
                else {
                    reader.error(n, "business_hours '\(part.trimmingCharacters(in: .whitespaces))' must look like 09:00-17:00")
                    continue
                }
                guard open < close else {
                    reader.error(n, "business_hours \(open)-\(close) must open before it closes")
                    continue
                }
                windows.append(.init(open: open, close: close))
            }
        }
        windows.sort { $0.open < $1.open }
        for (a, b) in zip(windows, windows.dropFirst()) where b.open < a.close {
            reader.error(node, "business_hours \(a.open)-\(a.close) and \(b.open)-\(b.close) overlap")
        }
        if items.isEmpty { reader.error(node, "business_hours must give at least one range") }
        return windows
    }

    private func holidays(_ node: Node) -> HolidaySet? {
        guard let items = reader.sequence(node, "holidays") else { return nil }
        var sets: [HolidayRuleSet] = []
        var dates: [LocalDate: Holiday] = [:]
        for item in items {
            if case .mapping = item {
                // `{ date: 2026-03-31, name: César Chávez Day, forward_only: true }` or `{ file: state.ics, forward_only: true }`:
                // forward_only marks state holidays that Rule 6(a)(6)(C) counts only after an event.
                guard let f = reader.mapping(item, "holiday", allowed: ["date", "name", "file", "forward_only"]) else { continue }
                let forwardOnly = f["forward_only"].flatMap { reader.bool($0, "forward_only") } ?? false
                switch (f["date"], f["file"]) {
                case (let dn?, nil):
                    guard let text = reader.string(dn, "date") else { continue }
                    guard let date = LocalDate(iso8601: text) else {
                        reader.error(dn, "holiday date '\(text)' must be a real date YYYY-MM-DD")
                        continue
                    }
                    let name = f["name"].flatMap { reader.string($0, "name") } ?? "Holiday \(text)"
                    dates[date] = Holiday(name: name, forwardOnly: forwardOnly)
                case (nil, let fn?):
                    guard let text = reader.string(fn, "file") else { continue }
                    if f["name"] != nil { reader.error(f.keys["name"], "a holiday file names its own days; remove name") }
                    for (d, h) in icsHolidays(text, fn) {
                        dates[d] = Holiday(name: h.name, observed: h.observed, forwardOnly: forwardOnly)
                    }
                case (.some, .some):
                    reader.error(item, "a holiday gives date or file, not both")
                case (nil, nil):
                    reader.error(item, "a holiday needs date (YYYY-MM-DD) or file (an .ics file)")
                }
                continue
            }
            guard let text = reader.string(item, "each holiday") else { continue }
            if let set = HolidayRuleSet(rawValue: text) {
                sets.append(set)
            } else if let date = LocalDate(iso8601: text) {
                dates[date] = Holiday(name: "Holiday \(text)")
            } else if text.lowercased().hasSuffix(".ics") {
                for (d, h) in icsHolidays(text, item) { dates[d] = h }
            } else if text.count == 10, text.filter({ $0 == "-" }).count == 2 {
                reader.error(item, "holiday date '\(text)' is not a real date")
            } else {
                let known = HolidayRuleSet.allCases.map(\.rawValue).joined(separator: ", ")
                reader.error(item, "unknown holiday '\(text)'; expected a rule set (\(known)), a date YYYY-MM-DD or an .ics file")
            }
        }
        return HolidaySet(ruleSets: sets, explicit: dates)
    }

    /// The all-day events of an `.ics` file, or none with the error reported.
    private func icsHolidays(_ text: String, _ node: Node) -> [(LocalDate, Holiday)] {
        let path = ConfigurationLoader.resolve(text, against: baseDirectory)
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            reader.error(node, "cannot read holiday file '\(text)' (looked for \(path))")
            return []
        }
        switch ICalendarHolidays.parse(contents) {
        case .success(let days): return days.map { ($0.0, $0.1) }
        case .failure(let p):
            reader.error(line: p.line, column: 1, file: path, p.message)
            return []
        }
    }

    private func resolve(_ name: String, _ specs: [String: Spec], _ done: inout [String: BusinessCalendar],
                         visiting: [String], reportedCycles: inout Set<Set<String>>) -> BusinessCalendar? {
        if let c = done[name] { return c }
        guard let spec = specs[name] else { return nil }
        var parent: BusinessCalendar?
        if let (p, pn) = spec.basedOn {
            if visiting.contains(p) || p == name {
                let cycle = (visiting.drop { $0 != p } + [name, p]).joined(separator: " -> ")
                if !reportedCycles.contains(Set(visiting.drop { $0 != p } + [name])) {
                    reportedCycles.insert(Set(visiting.drop { $0 != p } + [name]))
                    reader.error(pn, "calendars are based on each other in a cycle: \(cycle)")
                }
                return nil
            }
            guard specs[p] != nil else {
                reader.error(pn, "calendar '\(name)' is based on unknown calendar '\(p)'")
                return nil
            }
            parent = resolve(p, specs, &done, visiting: visiting + [name], reportedCycles: &reportedCycles)
            if parent == nil { return nil }
        }
        if spec.zoneGiven && spec.zone == nil { return nil }
        guard let zone = spec.zone ?? parent?.zone else { return nil }
        let calendar = BusinessCalendar(
            name: name, zone: zone,
            workweek: spec.workweek ?? parent?.workweek ?? [.monday, .tuesday, .wednesday, .thursday, .friday],
            hours: spec.hours ?? parent?.hours ?? BusinessCalendar.defaultHours,
            holidays: spec.holidays ?? parent?.holidays ?? .none)
        done[name] = calendar
        return calendar
    }
}
