/// Tickler's id of a Clio record: `clio:<model>:<id>` (`clio:matter:123`), so that synced rows never collide
/// with imported ones and a row says where it came from.
public enum ClioID {
    public enum Model: String, Sendable, CaseIterable {
        case user, matter, contact, relationship, calendarEntry = "calendar_entry", task, communication
    }

    public static func of(_ model: Model, _ id: Int64) -> String { "clio:\(model.rawValue):\(id)" }

    /// The row of a contact as the client of one matter (`clio:contact:501:matter:1001`): a client of several
    /// matters has a row on each case, as the contacts table has one case per row.
    public static func contact(_ id: Int64, matter: Int64) -> String { "clio:contact:\(id):matter:\(matter)" }

    /// The row of a contact related to a matter other than as its client (a guardian, opposing counsel):
    /// `clio:contact:601:matter:1001:relationship:800`, found with the contact's client rows when it changes.
    public static func related(_ id: Int64, matter: Int64, relationship: Int64) -> String {
        "clio:contact:\(id):matter:\(matter):relationship:\(relationship)"
    }

    /// The Clio id in a Tickler id of `model`, or nil when it is not one.
    public static func parse(_ text: String, as model: Model) -> Int64? {
        let prefix = "clio:\(model.rawValue):"
        guard text.hasPrefix(prefix), let id = Int64(text.dropFirst(prefix.count)), id > 0 else { return nil }
        return id
    }
}
