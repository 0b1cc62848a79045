import TicklerCore

/// Dates and times as a client reads them, in their zone and language: "Tuesday, December 1" and
/// "2:00 PM" in English, "martes 1 de diciembre" and "14:00" in Spanish; ISO 8601 in other languages.
public enum ClientDateFormat {
    static let english = (
        weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
                 "December"])
    static let spanish = (
        weekdays: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
        months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre",
                 "diciembre"])

    public static func format(_ t: Instant, zone: ZoneRules, language: String) -> (date: String, time: String) {
        let day = zone.localDate(t)
        let (_, month, dayOfMonth) = day.components
        let weekday = day.weekday.rawValue - 1  // Monday 0
        let minutes = zone.secondOfDay(t) / 60
        let (h, m) = (minutes / 60, minutes % 60)
        let mm = m < 10 ? "0\(m)" : "\(m)"
        switch language.split(separator: "-").first.map(String.init) ?? language {
        case "en":
            let hour12 = h % 12 == 0 ? 12 : h % 12
            return ("\(english.weekdays[weekday]), \(english.months[month - 1]) \(dayOfMonth)", "\(hour12):\(mm) \(h < 12 ? "AM" : "PM")")
        case "es":
            return ("\(spanish.weekdays[weekday]) \(dayOfMonth) de \(spanish.months[month - 1])", "\(h):\(mm)")
        default:
            return (day.iso8601, "\(h < 10 ? "0" : "")\(h):\(mm)")
        }
    }
}
