import TicklerCore

/// The policy that sends staff tasks (`StaffTask`) to people when the configuration has none of its own:
/// a firm that writes to its clients must hear of every message that could not reach one. A `since:
/// staff_task` policy in the file replaces it.
enum StaffTaskPolicy {
    static let id = "staff-tasks"

    /// The case's assignee at once, by the default channels and the email channel client messages use;
    /// the attorney after a business day while the task stays open.
    static func builtIn(clients: ClientSettings, defaults: PolicyDefaults, calendar: BusinessCalendar) -> Policy {
        var via = defaults.via
        if let mail = clients.channels[.email], !via.contains(mail) { via.append(mail) }
        return Policy(
            id: id, description: "built in: a client message Tickler could not send goes to the case's assignee as a task",
            clock: .sinceStaffTask, calendar: calendar,
            stages: [
                Stage(number: 1, offset: Period(0, .minutes), counting: calendar, action: .remind, notify: [.assignee], via: via,
                      deliver: .immediately),
                Stage(number: 2, offset: Period(1, .businessDays), counting: calendar, action: .escalate, notify: [.attorney],
                      via: via, deliver: .immediately),
            ])
    }
}
