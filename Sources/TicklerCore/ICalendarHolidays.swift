import Foundation

/// Reads all-day events of an iCalendar (`.ics`) file as holidays: `DTSTART;VALUE=DATE:20261224`,
/// an optional exclusive `DTEND` for multi-day closures, and `SUMMARY` as the name.
public enum ICalendarHolidays {
    public struct Problem: Error, Equatable, Sendable {
        public var line: Int
        public var message: String
    }

    public static func parse(_ text: String) -> Result<[(LocalDate, Holiday)], Problem> {
        var out: [(LocalDate, Holiday)] = []
        var inEvent = false
        var start: LocalDate?
        var end: LocalDate?
        var summary = "Holiday"
        var eventLine = 0
        // RFC 5545 folds long lines: a line starting with a space continues the previous one. Lines end in
        // CRLF (the standard) or LF; "\r\n" is one Character in Swift, so it is matched as such.
        var lines: [(Int, String)] = []
        let ends: (Character) -> Bool = { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: ends).enumerated() {
            let line = String(raw)
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !lines.isEmpty {
                lines[lines.count - 1].1 += line.dropFirst()
            } else {
                lines.append((i + 1, line))
            }
        }
        for (number, line) in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let head = line[..<colon].uppercased()
            let value = String(line[line.index(after: colon)...])
            let name = head.split(separator: ";").first.map(String.init) ?? head
            switch name {
            case "BEGIN" where value.uppercased() == "VEVENT":
                inEvent = true
                start = nil
                end = nil
                summary = "Holiday"
                eventLine = number
            case "DTSTART" where inEvent, "DTEND" where inEvent:
                guard let date = basicDate(value) else {
                    return .failure(Problem(line: number, message: "\(name) must be an all-day date (YYYYMMDD), got '\(value)'"))
                }
                if name == "DTSTART" { start = date } else { end = date }
            case "SUMMARY" where inEvent:
                summary = value.replacingOccurrences(of: "\\,", with: ",")
            case "END" where value.uppercased() == "VEVENT" && inEvent:
                inEvent = false
                guard let s = start else { return .failure(Problem(line: eventLine, message: "event has no DTSTART")) }
                let e = end ?? s.adding(days: 1)
                guard e > s, e.dayNumber - s.dayNumber <= 366 else {
                    return .failure(Problem(line: eventLine, message: "event DTEND must follow DTSTART by 1 to 366 days"))
                }
                for d in s.dayNumber..<e.dayNumber { out.append((LocalDate(dayNumber: d), Holiday(name: summary))) }
            default:
                continue
            }
        }
        if inEvent { return .failure(Problem(line: eventLine, message: "event is not closed with END:VEVENT")) }
        return .success(out)
    }

    private static func basicDate(_ v: String) -> LocalDate? {
        let digits = v.prefix(8)
        guard digits.count == 8, v.count == 8 || v.dropFirst(8).hasPrefix("T"), digits.allSatisfy({ ("0"..."9").contains($0) }),
              let y = Int(digits.prefix(4)), let m = Int(digits.dropFirst(4).prefix(2)), let d = Int(digits.suffix(2)),
              y >= 1, (1...12).contains(m), d >= 1, d <= LocalDate.daysInMonth(year: y, month: m)
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }
}
