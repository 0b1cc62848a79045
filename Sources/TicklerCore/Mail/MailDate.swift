/// The dates of mail: a `Date` field (RFC 5322 §3.3, with the obsolete forms of §4.3: two-digit years,
/// named zones, seconds left out) and IMAP's INTERNALDATE (RFC 3501 `date-time`, `"06-Dec-2026 10:25:48
/// +0000"`: when the server received the message).
public enum MailDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    /// The obsolete zone names (RFC 5322 §4.3); any other letters read as -0000 (UTC, time zone unknown).
    static let zones: [String: Int] = ["ut": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
                                       "mst": -420, "mdt": -360, "pst": -480, "pdt": -420]

    /// A `Date` field's instant, or nil when it is not a date.
    public static func rfc5322(_ text: String) -> Instant? {
        // Comments (`(UTC)`) and the day of the week are left out; what remains is day month year time zone.
        var cleaned = ""
        var depth = 0
        for ch in text {
            if ch == "(" { depth += 1; continue }
            if ch == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(ch) }
        }
        var words = cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        if let first = words.first, first.first?.isLetter == true { words.removeFirst() }
        guard words.count >= 4, let day = Int(words[0]), let month = month(words[1]), var year = Int(words[2]) else { return nil }
        if words[2].count == 2 { year += year < 50 ? 2000 : 1900 } else if words[2].count == 3 { year += 1900 }
        guard let (h, m, s) = time(words[3]) else { return nil }
        let offset = words.count >= 5 ? zone(words[4]) : 0
        guard let offset else { return nil }
        return instant(year: year, month: month, day: day, hour: h, minute: m, second: s, offsetMinutes: offset)
    }

    /// An INTERNALDATE's instant (`06-Dec-2026 10:25:48 +0000`, the day perhaps space-padded), or nil.
    public static func imap(_ text: String) -> Instant? {
        let t = MailHeaders.trim(text)
        let words = t.split(separator: " ").map(String.init)
        guard words.count == 3 else { return nil }
        let date = words[0].split(separator: "-").map(String.init)
        guard date.count == 3, let day = Int(date[0]), let month = month(date[1]), let year = Int(date[2]), date[2].count == 4,
              let (h, m, s) = time(words[1]), words[2].count == 5, let offset = zone(words[2]) else { return nil }
        return instant(year: year, month: month, day: day, hour: h, minute: m, second: s, offsetMinutes: offset)
    }

    /// The day a folder's look-back of `seconds` before `now` starts, for IMAP's `SEARCH SINCE` (which
    /// compares whole days of arrival dates in the server's own zone): the day before that instant's UTC
    /// day, so that whatever the server's zone the window is never cut short (it may hold a day or two more).
    public static func lookBack(from now: Instant, seconds: Int64) -> LocalDate {
        ZoneRules.utc.localDate(now.adding(seconds: -seconds)).adding(days: -1)
    }

    /// `9-Jan-2026`: a day as IMAP's `SEARCH SINCE` takes it.
    public static func imapSearchDate(_ date: LocalDate) -> String {
        let c = date.components
        return "\(c.day)-\(months[c.month - 1].prefix(1).uppercased() + months[c.month - 1].dropFirst())-\(c.year)"
    }

    static func month(_ s: String) -> Int? { months.firstIndex(of: s.lowercased()).map { $0 + 1 } }

    static func time(_ s: String) -> (Int, Int, Int)? {
        let p = s.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard p.count == 2 || p.count == 3, p.allSatisfy({ $0 != nil }) else { return nil }
        let h = p[0]!, m = p[1]!, sec = p.count == 3 ? p[2]! : 0
        guard (0...23).contains(h), (0...59).contains(m), (0...60).contains(sec) else { return nil }
        return (h, m, sec)
    }

    /// Minutes east of UTC.
    static func zone(_ s: String) -> Int? {
        if let sign = s.first, sign == "+" || sign == "-", s.count == 5, let v = Int(s.dropFirst()) {
            let minutes = (v / 100) * 60 + v % 100
            guard v % 100 < 60 else { return nil }
            return sign == "+" ? minutes : -minutes
        }
        guard s.allSatisfy(\.isLetter) else { return nil }
        return zones[s.lowercased()] ?? 0
    }

    static func instant(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offsetMinutes: Int) -> Instant? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= LocalDate.daysInMonth(year: year, month: month) else {
            return nil
        }
        let days = Int64(LocalDate(year: year, month: month, day: day).dayNumber)
        return Instant(seconds: days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetMinutes * 60))
    }
}
