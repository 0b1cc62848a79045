import GRDBSQLite
import TicklerCore

/// The tables of a case's records (communications, deadlines, document requests, appointments, events,
/// contacts, stage changes):
/// what each selects and how one of its rows joins its case. Shared by the filtered read and the streamed
/// one, so a row is read the same way in both. Column 1 is always the row's `case_id`.
package enum CaseRecordTable: CaseIterable {
    case communications
    case deadlines
    case documentRequests
    case appointments
    case events
    case contacts
    case stageChanges
    case surveyResponses
    case staffTasks

    package var name: String {
        switch self {
        case .communications: "communications"
        case .deadlines: "deadlines"
        case .documentRequests: "document_requests"
        case .appointments: "appointments"
        case .events: "events"
        case .contacts: "contacts"
        case .stageChanges: "stage_changes"
        case .surveyResponses: "survey_responses"
        case .staffTasks: "tickler_staff_tasks"
        }
    }

    /// The SELECT without WHERE or ORDER BY, the same on both stores (standard SQL: `CAST` where a column
    /// is left out or read as text). Titles, names, addresses and what clients wrote are read only in full
    /// snapshots.
    package func select(_ detail: SnapshotDetail) -> String {
        let title = detail == .full ? "title" : "''"
        let full = detail == .full
        return switch self {
        case .communications:
            "SELECT id, case_id, direction, channel, kind, occurred_at, responded_at, automated, \(full ? "body" : "CAST(NULL AS TEXT)") "
                + "FROM communications"
        case .deadlines:
            "SELECT id, case_id, \(title), kind, due_at, completed_at, \(full ? "location, client_attends" : "'', CAST(NULL AS BOOLEAN)") "
                + "FROM deadlines"
        case .documentRequests: "SELECT id, case_id, \(title), requested_at, received_at, shareable FROM document_requests"
        case .appointments: "SELECT id, case_id, \(title), starts_at, with_client, cancelled, \(full ? "location" : "''") FROM appointments"
        case .events: "SELECT id, case_id, kind, occurred_at, service_method FROM events"
        case .contacts:
            "SELECT id, case_id, \(full ? "name, email, phone" : "'', \(Self.presence("email")), \(Self.presence("phone"))"), "
                + "language, time_zone, preferred_channel, updates_enabled FROM contacts"
        case .stageChanges: "SELECT CAST(id AS TEXT), case_id, from_stage, to_stage, changed_at FROM stage_changes"
        case .surveyResponses:
            "SELECT id, case_id, contact_id, score, scale_max, received_at, \(full ? "comment" : "CAST(NULL AS TEXT)") FROM survey_responses"
        case .staffTasks: Self.staffTasksSelect
        }
    }

    /// Staff tasks carry no client data: read the same in every snapshot, on both stores.
    package static let staffTasksSelect = "SELECT id, case_id, contact_id, fire_id, reason, created_at, done_at FROM tickler_staff_tasks"
}

extension CaseRecordTable {
    /// For evaluation, an address reads as empty when there is one: enough to know a medium can reach the
    /// contact, without the address (see `Contact.mayReach`).
    package static func presence(_ column: String) -> String {
        "CASE WHEN \(column) IS NULL OR \(column) = '' THEN NULL ELSE '' END"
    }
}
