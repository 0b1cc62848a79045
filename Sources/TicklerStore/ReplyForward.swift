import Foundation
import TicklerCore

/// A client's text on its way to a person of the firm: the case's assignee (else its attorney) when it came
/// from a contact of an open case, the configured intake address when it came from a number Tickler does not
/// know or about a closed case. It is queued (kind `reply`) on the firm's email channel in the transaction
/// that records the text, so a channel that is down delays it and never loses it; its words stay in the
/// queue's row until it is delivered, and in the journal never.
public struct ReplyForward: Sendable, Equatable {
    /// Why it goes to the intake address rather than to a case's staff.
    public enum Route: String, Sendable, Equatable, Codable {
        /// From a contact of an open case: to its assignee (or attorney).
        case openCase = "case"
        /// From a number no contact has.
        case unknownNumber = "unknown number"
        /// From a contact whose cases are all closed.
        case closedCase = "closed case"
    }

    /// The queue's source id: the gateway's id for the message, and the case it is forwarded for.
    public var id: String
    /// A person's id, or an email address (the intake).
    public var recipient: String
    public var channel: String
    public var route: Route
    /// The case, when the text is on one (open or closed).
    public var caseID: String?
    /// The sender's number, when no open case of theirs names them (the intake must know who wrote).
    public var from: String?
    /// The contact's name, when the number is a contact's (shown where the channel's `include_client` allows).
    public var contactName: String?
    /// What the client wrote.
    public var text: String
    public var receivedAt: Instant

    public init(id: String, recipient: String, channel: String, route: Route, caseID: String? = nil, from: String? = nil,
                contactName: String? = nil, text: String, receivedAt: Instant) {
        self.contactName = contactName
        self.id = id
        self.recipient = recipient
        self.channel = channel
        self.route = route
        self.caseID = caseID
        self.from = from
        self.text = text
        self.receivedAt = receivedAt
    }

    /// The queue row's `payload`: what the row alone does not say.
    package var payload: String {
        let object: [String: String] = ["route": route.rawValue, "case_id": caseID ?? "", "from": from ?? "", "contact": contactName ?? "", "text": text,
                                        "received_at": receivedAt.rfc3339]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The forward a queue row holds; nil when its payload does not read.
    package init?(id: String, recipient: String, channel: String, payload: String?) {
        guard let data = payload?.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: String],
              let route = object["route"].flatMap(Route.init(rawValue:)), let text = object["text"],
              let at = object["received_at"].flatMap(RFC3339.parse) else { return nil }
        let caseID = object["case_id"].flatMap { $0.isEmpty ? nil : $0 }
        let from = object["from"].flatMap { $0.isEmpty ? nil : $0 }
        let name = object["contact"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(id: id, recipient: recipient, channel: channel, route: route, caseID: caseID, from: from, contactName: name,
                  text: text, receivedAt: at)
    }
}
