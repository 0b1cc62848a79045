/// What makes two client messages the same for a contact's day: one of each goes a day. The day is the
/// contact's (in their zone), so a message at 23:30 and one at 00:10 of their next day are two days.
public enum ClientMessageKey {
    /// `kind`: the message's kind (`documents`, `stage`…); `about`: what it is about when a kind can be about
    /// several things the same day (the stage announced, the date reminded of), else empty.
    public static func daily(kind: String, about: String, caseID: String, contactID: String, at now: Instant, zone: ZoneRules) -> String {
        [kind, caseID, contactID, zone.localDate(now).iso8601, about].joined(separator: "|")
    }
}
