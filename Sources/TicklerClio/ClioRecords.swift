/// Clio Manage's records (API v4) as its list endpoints and webhooks send them, with only the fields
/// Tickler asks for (`fields=`) and maps (docs/clio.md). Every field is optional as decoded: a record
/// that lacks what its mapping needs is skipped with the reason, not a failed page.
public enum Clio {
    /// `{"id": 123, …}`: a nested reference to another record.
    public struct Reference: Decodable, Sendable, Equatable {
        public var id: Int64?
        /// `User` or `Contact` where a reference may be either (task assignees, senders, attendees).
        public var type: String?
        public var name: String?

        public init(id: Int64?, type: String? = nil, name: String? = nil) {
            self.id = id
            self.type = type
            self.name = name
        }
    }

    /// A firm user.
    public struct User: Decodable, Sendable, Equatable {
        public var id: Int64?
        public var name: String?
        public var email: String?
        public var enabled: Bool?
        /// `Attorney` or `NonAttorney`.
        public var subscription_type: String?
        public var updated_at: String?

        public init(id: Int64?, name: String? = nil, email: String? = nil, enabled: Bool? = nil, subscription_type: String? = nil,
                    updated_at: String? = nil) {
            self.id = id
            self.name = name
            self.email = email
            self.enabled = enabled
            self.subscription_type = subscription_type
            self.updated_at = updated_at
        }
    }

    /// A matter (a case).
    public struct Matter: Decodable, Sendable, Equatable {
        public var id: Int64?
        public var display_number: String?
        public var description: String?
        /// `Open`, `Pending` or `Closed` (any case).
        public var status: String?
        public var open_date: String?
        public var close_date: String?
        /// The client, with what Tickler reaches them by (`client{id,name,primary_email_address,primary_phone_number}`).
        public var client: Contact?
        public var practice_area: Reference?
        public var responsible_attorney: Reference?
        public var responsible_staff: Reference?
        public var matter_stage: Reference?
        public var updated_at: String?

        public init(id: Int64?, display_number: String? = nil, description: String? = nil, status: String? = nil,
                    open_date: String? = nil, close_date: String? = nil, client: Contact? = nil, practice_area: Reference? = nil,
                    responsible_attorney: Reference? = nil, responsible_staff: Reference? = nil, matter_stage: Reference? = nil,
                    updated_at: String? = nil) {
            self.id = id
            self.display_number = display_number
            self.description = description
            self.status = status
            self.open_date = open_date
            self.close_date = close_date
            self.client = client
            self.practice_area = practice_area
            self.responsible_attorney = responsible_attorney
            self.responsible_staff = responsible_staff
            self.matter_stage = matter_stage
            self.updated_at = updated_at
        }
    }

    /// A contact: a person or a company on the client's side.
    public struct Contact: Decodable, Sendable, Equatable {
        public var id: Int64?
        public var name: String?
        /// `Person` or `Company`.
        public var type: String?
        public var primary_email_address: String?
        public var primary_phone_number: String?
        public var updated_at: String?

        public init(id: Int64?, name: String? = nil, type: String? = nil, primary_email_address: String? = nil,
                    primary_phone_number: String? = nil, updated_at: String? = nil) {
            self.id = id
            self.name = name
            self.type = type
            self.primary_email_address = primary_email_address
            self.primary_phone_number = primary_phone_number
            self.updated_at = updated_at
        }
    }

    /// A relationship: a contact related to a matter other than as its client, with how (`Guardian`,
    /// `Opposing Counsel`).
    public struct Relationship: Decodable, Sendable, Equatable {
        public var id: Int64?
        public var description: String?
        public var matter: Reference?
        public var contact: Contact?
        public var updated_at: String?

        public init(id: Int64?, description: String? = nil, matter: Reference? = nil, contact: Contact? = nil, updated_at: String? = nil) {
            self.id = id
            self.description = description
            self.matter = matter
            self.contact = contact
            self.updated_at = updated_at
        }
    }

    /// A calendar entry: a meeting or hearing, or a date a court rule computed.
    public struct CalendarEntry: Decodable, Sendable, Equatable {
        public var id: Int64?
        public var summary: String?
        public var start_at: String?
        public var all_day: Bool?
        public var location: String?
        public var matter: Reference?
        public var attendees: [Reference]?
        /// Set when a court rule created the entry (a computed deadline, not a meeting).
        public var court_rule: Reference?
        public var updated_at: String?

        public init(id: Int64?, summary: String? = nil, start_at: String? = nil, all_day: Bool? = nil, location: String? = nil,
                    matter: Reference? = nil, attendees: [Reference]? = nil, court_rule: Reference? = nil, updated_at: String? = nil) {
            self.id = id
            self.summary = summary
            self.start_at = start_at
            self.all_day = all_day
            self.location = location
            self.matter = matter
            self.attendees = attendees
            self.court_rule = court_rule
            self.updated_at = updated_at
        }
    }

    /// A task on a matter.
    public struct Task: Decodable, Sendable, Equatable {
        public var id: Int64?
        public var name: String?
        /// `pending`, `in_progress`, `in_review`, `complete`, `draft`.
        public var status: String?
        /// A date (`2026-10-05`).
        public var due_at: String?
        public var completed_at: String?
        public var statute_of_limitations: Bool?
        public var matter: Reference?
        public var updated_at: String?

        public init(id: Int64?, name: String? = nil, status: String? = nil, due_at: String? = nil, completed_at: String? = nil,
                    statute_of_limitations: Bool? = nil, matter: Reference? = nil, updated_at: String? = nil) {
            self.id = id
            self.name = name
            self.status = status
            self.due_at = due_at
            self.completed_at = completed_at
            self.statute_of_limitations = statute_of_limitations
            self.matter = matter
            self.updated_at = updated_at
        }
    }

    /// A logged phone call or email.
    public struct Communication: Decodable, Sendable, Equatable {
        public var id: Int64?
        /// `PhoneCommunication` or `EmailCommunication`.
        public var type: String?
        public var received_at: String?
        public var matter: Reference?
        public var senders: [Reference]?
        public var receivers: [Reference]?
        public var updated_at: String?

        public init(id: Int64?, type: String? = nil, received_at: String? = nil, matter: Reference? = nil, senders: [Reference]? = nil,
                    receivers: [Reference]? = nil, updated_at: String? = nil) {
            self.id = id
            self.type = type
            self.received_at = received_at
            self.matter = matter
            self.senders = senders
            self.receivers = receivers
            self.updated_at = updated_at
        }
    }

    /// A webhook subscription (`fields=id,shared_secret,status,model,expires_at`).
    public struct Webhook: Decodable, Sendable, Equatable {
        public var id: Int64?
        /// The secret deliveries are signed with (HMAC-SHA256 of the body, `X-Hook-Signature`).
        public var shared_secret: String?
        /// `pending` until the handshake, `enabled`, or `suspended`.
        public var status: String?
        public var model: String?
        public var expires_at: String?
    }

    /// One page of a list endpoint: `{"data": [...], "meta": {"paging": {"next": URL}}}`; no `next` on the last.
    public struct Page<Record: Decodable & Sendable>: Decodable, Sendable {
        public var data: [Record]
        public var meta: Meta?

        public struct Meta: Decodable, Sendable {
            public var paging: Paging?
        }

        public struct Paging: Decodable, Sendable {
            public var next: String?
        }

        public var next: String? { meta?.paging?.next }
    }
}
