import TicklerCore

/// How the queue's client-message columns are written, the same on both stores: the media that refused a
/// message as a comma-separated list, a refusal's detail, and the note a message replaced by a staff task
/// keeps.
package enum ClientSendColumns {
    package static func media(_ text: String?) -> Set<Contact.Medium> {
        Set((text ?? "").split(separator: ",").compactMap { Contact.Medium(rawValue: String($0)) })
    }

    package static func refusal(_ medium: Contact.Medium, _ error: String) -> String {
        "refused by \(medium.rawValue): \(error)"
    }

    package static func taskNote(_ task: StaffTask) -> String {
        "not sent: \(task.reason); staff task \(task.id)"
    }
}
