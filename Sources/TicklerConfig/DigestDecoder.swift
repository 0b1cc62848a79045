import TicklerCore
import Yams

/// `digest: { at: "08:00", calendar: firm, via: email }`.
struct DigestDecoder {
    let reader: NodeReader
    let calendars: [String: BusinessCalendar]
    let channels: [String: ChannelSettings]
    let defaultCalendar: BusinessCalendar?

    func decode(_ node: Node) -> DigestSettings? {
        guard let f = reader.mapping(node, "digest", allowed: ["at", "calendar", "via"], required: ["at"]) else { return nil }
        var ok = true
        var at = TimeOfDay(hour: 8, minute: 0)
        if let n = f["at"], let s = reader.string(n, "at") {
            if let t = TimeOfDay(hhmm: s), t.minuteOfDay < 1440 { at = t } else {
                reader.error(n, "at '\(s)' must be a time of day HH:MM (00:00 to 23:59)")
                ok = false
            }
        }
        var calendar = defaultCalendar
        if let n = f["calendar"], let name = reader.string(n, "calendar") {
            calendar = calendars[name]
            if calendar == nil {
                reader.error(n, "unknown calendar '\(name)'")
                ok = false
            }
        } else if calendar == nil {
            reader.error(node, "digest needs a calendar: several are defined and none is 'firm'")
            ok = false
        }
        var via: String?
        let emails = channels.filter { if case .email = $0.value { true } else { false } }.keys.sorted()
        if let n = f["via"], let name = reader.string(n, "via") {
            switch channels[name] {
            case .email?: via = name
            case nil: reader.error(n, "unknown channel '\(name)'"); ok = false
            default: reader.error(n, "digests go by email: channel '\(name)' is not an email channel"); ok = false
            }
        } else if emails.count == 1 {
            via = emails[0]
        } else {
            reader.error(node, emails.isEmpty ? "digest needs an email channel; none is defined"
                                              : "digest needs via: several email channels are defined")
            ok = false
        }
        guard ok, let calendar, let via else { return nil }
        return DigestSettings(at: at, calendar: calendar, via: via)
    }
}
