import TicklerCore

/// One person's daily digest: their open reminders and escalations, oldest first, with counts per policy.
public struct DigestNotice: Sendable, Equatable {
    public var digestID: String
    public var personName: String
    public var firmName: String
    /// The business day it is for.
    public var date: LocalDate
    /// Oldest due first.
    public var items: [DigestEntry]
    public var zone: ZoneRules
    public var sentAt: Instant

    public init(digestID: String, personName: String, firmName: String, date: LocalDate, items: [DigestEntry], zone: ZoneRules,
                sentAt: Instant) {
        self.digestID = digestID
        self.personName = personName
        self.firmName = firmName
        self.date = date
        self.items = items.sorted(by: DigestEntry.precedes)
        self.zone = zone
        self.sentAt = sentAt
    }

    public func fields(includeClient: Bool) -> [String: Any] {
        var counts: [String: Int] = [:]
        for i in items { counts[i.policy, default: 0] += 1 }
        return [
            "person_name": personName, "firm_name": firmName, "date": date.iso8601, "total": items.count,
            "counts": counts.sorted { $0.key < $1.key }.map { ["policy": $0.key, "count": $0.value] as [String: Any] },
            "items": items.map { i -> [String: Any] in
                var f: [String: Any] = [
                    "case_number": i.caseNumber, "policy": i.policy, "stage": i.stage, "action": i.action.rawValue,
                    "action_label": i.action == .escalate ? "Escalation" : "Reminder", "due_at": zone.format(i.due),
                    "age_days": max(0, (sentAt.seconds - i.due.seconds) / 86_400),
                ]
                if includeClient { f["client_name"] = i.clientName }
                return f
            },
        ]
    }

    public static let vocabulary: Set<String> = [
        "person_name", "firm_name", "date", "total", "counts", "policy", "count", "items", "case_number", "client_name",
        "stage", "action", "action_label", "due_at", "age_days",
    ]
}
