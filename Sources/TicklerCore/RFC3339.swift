/// Parsing of RFC 3339 timestamps (`2026-09-01T16:00:00Z`, `2026-09-01T09:00:00-07:00`,
/// fractional seconds truncated). A byte-level parser: the store reads every timestamp through it.
public enum RFC3339 {
    /// Parses a full timestamp with an offset; returns nil for anything else.
    public static func parse(_ text: String) -> Instant? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// Parses from raw UTF-8 bytes (the store's fast path). Accepts `T`, `t` or a space between date and time.
    public static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Instant? {
        guard b.count >= 20 else { return nil }
        func digits(_ at: Int, _ n: Int) -> Int? {
            var v = 0
            for i in at..<(at + n) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32,
              let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2), b[16] == 58, let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var i = 19
        if b[i] == 46 {  // fractional seconds: accepted, truncated
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case 90, 122:  // Z z
            i += 1
        case 43, 45:  // + -
            guard i + 6 == b.count, let oh = digits(i + 1, 2), b[i + 3] == 58, let om = digits(i + 4, 2),
                  oh <= 23, om <= 59
            else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let local = Int64(LocalDate(year: year, month: month, day: day).dayNumber) * 86_400
            + Int64(hour * 3600 + minute * 60 + min(second, 59))
        return Instant(seconds: local - Int64(offset))
    }
}
