import TicklerCore

/// Records to import, already checked field by field; references are checked against the store on write.
public struct ImportBatch: Sendable {
    /// A record with where it came from (`firm.json:cases[2]`), for problems found later.
    public struct Sourced<Record: Sendable>: Sendable {
        public var source: String
        public var record: Record
        public init(source: String, record: Record) {
            self.source = source
            self.record = record
        }
    }
    /// A record that belongs to a case.
    public struct Owned<Record: Sendable>: Sendable {
        public var source: String
        public var caseID: String
        public var record: Record
        public init(source: String, caseID: String, record: Record) {
            self.source = source
            self.caseID = caseID
            self.record = record
        }
    }
    public struct CaseRecord: Sendable {
        /// The case's own fields; its children are in the batch's child lists.
        public var fields: CaseSnapshot
        public var updatedAt: Instant?
        public init(fields: CaseSnapshot, updatedAt: Instant?) {
            self.fields = fields
            self.updatedAt = updatedAt
        }
    }

    public var people: [Sourced<Person>] = []
    public var cases: [Sourced<CaseRecord>] = []
    public var communications: [Owned<Communication>] = []
    public var deadlines: [Owned<Deadline>] = []
    public var documentRequests: [Owned<DocumentRequest>] = []
    public var appointments: [Owned<Appointment>] = []
    public var events: [Owned<TriggerEvent>] = []
    public var contacts: [Owned<Contact>] = []
    /// Entries for the consent ledger (added, never replacing what is there).
    public var consents: [Sourced<ConsentRecord>] = []
    /// Stage history as another store recorded it (a store copy; an import records changes by setting `stage`).
    public var stageChanges: [Owned<StageChange>] = []
    /// Survey answers as another store recorded them (a store copy; `tickler-inbound` records new ones).
    public var surveyResponses: [Owned<SurveyResponse>] = []

    public init() {}

    public var recordCount: Int {
        people.count + cases.count + communications.count + deadlines.count + documentRequests.count + appointments.count
            + events.count + contacts.count + consents.count + stageChanges.count + surveyResponses.count
    }

    public mutating func append(_ other: ImportBatch) {
        people += other.people
        cases += other.cases
        communications += other.communications
        deadlines += other.deadlines
        documentRequests += other.documentRequests
        appointments += other.appointments
        events += other.events
        contacts += other.contacts
        consents += other.consents
        stageChanges += other.stageChanges
        surveyResponses += other.surveyResponses
    }
}

/// One problem in an import file: `FILE:RECORD-PATH: message`.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// An import rejected whole: nothing was written.
public struct ImportRejected: Error, Sendable, CustomStringConvertible {
    public var problems: [ImportProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
