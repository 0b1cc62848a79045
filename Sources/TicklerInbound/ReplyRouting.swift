import TicklerCore
import TicklerStore

/// Who reads a client's text: the assignee of each open case of the sender's contacts (else its attorney,
/// else the intake address), once per person (named by the first of their cases), or the intake address
/// when the number is no contact's or all its cases are closed. Forwarded by the firm's client email
/// channel; with no channel, or no one where one is needed, the text goes to nobody and the reason is
/// returned for the journal (never the text).
enum ReplyRouting {
    static func forwards(messageID: String, from: String, text: String, at: Instant, contacts: [ContactOnCase], channel: String?,
                         intake: String?) -> (forwards: [ReplyForward], unforwarded: String?) {
        guard let channel else { return ([], "clients.channels names no email channel to forward it by") }
        let open = contacts.filter(\.caseOpen)
        if !open.isEmpty {
            var out: [ReplyForward] = []
            var seen = Set<String>()
            var nobody: [String] = []
            for c in open {
                guard let recipient = c.assigneeID ?? c.attorneyID ?? intake else {
                    nobody.append(c.caseID)
                    continue
                }
                guard seen.insert(recipient).inserted else { continue }
                out.append(ReplyForward(id: messageID + "/" + c.caseID, recipient: recipient, channel: channel, route: .openCase,
                                        caseID: c.caseID, contactName: c.contact.name, text: text, receivedAt: at))
            }
            let why = nobody.isEmpty ? nil
                : "case \(nobody.joined(separator: ", ")) has no assignee or attorney and clients.inbound.intake is not set"
            return (out, why)
        }
        let route: ReplyForward.Route = contacts.isEmpty ? .unknownNumber : .closedCase
        guard let intake else {
            return ([], "a text from \(route == .unknownNumber ? "an unknown number" : "a contact of a closed case") has nowhere to go: "
                        + "clients.inbound.intake is not set")
        }
        return ([ReplyForward(id: messageID, recipient: intake, channel: channel, route: route, caseID: contacts.first?.caseID, from: from,
                              contactName: contacts.first?.contact.name, text: text, receivedAt: at)], nil)
    }
}
