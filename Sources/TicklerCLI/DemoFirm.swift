import TicklerCore
import TicklerStore

/// A synthetic law firm with the problems Tickler exists for: overdue client updates, unanswered calls and
/// emails, approaching court dates, outstanding document requests, upcoming appointments, new cases with no
/// contact yet. Deterministic for a (seed, as-of) pair. All names and addresses are fictitious (`.test`).
struct DemoFirm {
    let cases: Int
    let seed: UInt64
    let asOf: Instant

    static let first = ["Ann", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jamal", "Kira", "Luis",
                        "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Wes", "Yuki"]
    static let last = ["Smith", "Jones", "Garcia", "Nguyen", "Patel", "Kim", "Brown", "Lopez", "Chen", "Okafor", "Silva",
                       "Haddad", "Novak", "Rossi", "Ivanova", "Murphy", "Tanaka", "Cohen", "Mendez", "Walsh"]
    static let areas = ["personal-injury", "family", "immigration", "employment", "estate-planning", "criminal-defense"]
    static let offices = ["la", "sf", "sd"]
    static let deadlineTitles = ["Answer due", "Discovery responses", "Motion hearing", "Trial date", "Filing deadline",
                                 "Statute of limitations", "Internal review"]
    static let requestTitles = ["Medical records", "Pay stubs", "Signed retainer", "Police report", "Tax returns", "ID copies"]
    static let appointmentTitles = ["Client meeting", "Deposition prep", "Mediation", "Consultation", "Court appearance"]

    /// Calls `progress` with the number of cases made so far.
    func generate(progress: (Int) -> Void = { _ in }) -> ImportBatch {
        var rng = SplitMix64(seed: seed)
        var batch = ImportBatch()
        let day: Int64 = 86_400
        func name() -> (String, String) { (Self.first.randomElement(using: &rng)!, Self.last.randomElement(using: &rng)!) }

        // Staff: a managing partner, partners, attorneys under partners, paralegals under attorneys.
        let attorneysCount = max(3, cases / 60)
        let paralegalCount = max(4, cases / 40)
        let partnersCount = max(1, attorneysCount / 6)
        func person(_ id: String, _ role: String, _ manager: String?, active: Bool = true) {
            let (f, l) = name()
            batch.people.append(.init(source: "demo", record: Person(
                id: id, name: "\(f) \(l)", email: "\(f.lowercased()).\(l.lowercased()).\(id)@firm.test", role: role,
                managerID: manager, active: active)))
        }
        person("mp1", "managing-partner", nil)
        for i in 1...partnersCount { person("pt\(i)", "partner", "mp1") }
        for i in 1...attorneysCount { person("a\(i)", "attorney", "pt\((i - 1) % partnersCount + 1)") }
        for i in 1...paralegalCount {
            person("p\(i)", "paralegal", "a\((i - 1) % attorneysCount + 1)", active: i % 25 != 0)
        }

        var commID = 0, deadlineID = 0, requestID = 0, apptID = 0
        for n in 1...max(cases, 1) where cases > 0 {
            let id = "c\(n)"
            let opened = asOf.adding(seconds: -Int64.random(in: 1...720, using: &rng) * day + Int64.random(in: 0..<day, using: &rng))
            let roll = Int.random(in: 0..<100, using: &rng)
            let status: CaseSnapshot.Status = roll < 60 ? .open : roll < 80 ? .pending : roll < 90 ? .onHold : .closed
            let (cf, cl) = name()
            var tags: [String] = []
            if Int.random(in: 0..<10, using: &rng) == 0 { tags.append("vip") }
            if Int.random(in: 0..<15, using: &rng) == 0 { tags.append("pro-bono") }
            let fields = CaseSnapshot(
                id: id, number: "\(2024 + n % 3)-\(zeroPadded(n, width: 5))", title: "\(cl) matter",
                clientName: "\(cf) \(cl)", clientEmail: "\(cf.lowercased()).\(cl.lowercased())@example.test", status: status,
                practiceArea: Self.areas.randomElement(using: &rng)!, office: Self.offices.randomElement(using: &rng)!,
                assigneeID: "p\(Int.random(in: 1...paralegalCount, using: &rng))",
                attorneyID: "a\(Int.random(in: 1...attorneysCount, using: &rng))", openedAt: opened,
                closedAt: status == .closed ? asOf.adding(seconds: -Int64.random(in: 1...30, using: &rng) * day) : nil, tags: tags)
            batch.cases.append(.init(source: "demo", record: .init(fields: fields, updatedAt: asOf)))

            let span = max(asOf.seconds - opened.seconds, 3600)
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                commID += 1
                let at = Instant(seconds: opened.seconds + Int64.random(in: 0..<span, using: &rng))
                let inbound = Bool.random(using: &rng)
                let update = !inbound && Int.random(in: 0..<3, using: &rng) == 0
                let answered = inbound && Int.random(in: 0..<4, using: &rng) != 0
                batch.communications.append(.init(source: "demo", caseID: id, record: Communication(
                    id: "m\(commID)", direction: inbound ? .inbound : .outbound,
                    channel: Communication.Channel.allCases.randomElement(using: &rng)!, kind: update ? .statusUpdate : .other,
                    occurredAt: at, respondedAt: answered ? at.adding(seconds: Int64.random(in: 600...(3 * day), using: &rng)) : nil)))
            }
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                deadlineID += 1
                let due = asOf.adding(seconds: Int64.random(in: -30...90, using: &rng) * day + 23 * 3600 + 59 * 60 - asOf.seconds % day)
                let done = due < asOf && Int.random(in: 0..<4, using: &rng) != 0
                batch.deadlines.append(.init(source: "demo", caseID: id, record: Deadline(
                    id: "d\(deadlineID)", title: Self.deadlineTitles.randomElement(using: &rng)!,
                    kind: Deadline.Kind.allCases.randomElement(using: &rng)!, dueAt: due,
                    completedAt: done ? due.adding(seconds: -day) : nil)))
            }
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                requestID += 1
                let requested = Instant(seconds: opened.seconds + Int64.random(in: 0..<span, using: &rng))
                let received = Int.random(in: 0..<3, using: &rng) == 0
                batch.documentRequests.append(.init(source: "demo", caseID: id, record: DocumentRequest(
                    id: "r\(requestID)", title: Self.requestTitles.randomElement(using: &rng)!, requestedAt: requested,
                    receivedAt: received ? requested.adding(seconds: 5 * day) : nil)))
            }
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                apptID += 1
                let starts = asOf.adding(seconds: Int64.random(in: -10...30, using: &rng) * day - asOf.seconds % day
                    + Int64.random(in: 16...23, using: &rng) * 3600)
                batch.appointments.append(.init(source: "demo", caseID: id, record: Appointment(
                    id: "ap\(apptID)", title: Self.appointmentTitles.randomElement(using: &rng)!, startsAt: starts,
                    withClient: Bool.random(using: &rng), cancelled: Int.random(in: 0..<8, using: &rng) == 0)))
            }
            if n % 512 == 0 { progress(n) }
        }
        addClients(to: &batch)
        progress(cases)
        return batch
    }

    static let stages = ["intake", "investigation", "negotiation", "litigation", "resolution"]
    static let zones = ["America/Los_Angeles", "America/Chicago", "America/New_York"]

    /// Each case's client as a contact (in one of three zones; one in five writes in Spanish; some with a
    /// phone), their consents, each open case's stage, and for one open case in twenty a change of stage in
    /// the hour before `asOf` (so a demo shows client updates at once). Drawn from a generator of its own,
    /// so the rest of the firm is the same for a seed as before contacts existed.
    private func addClients(to batch: inout ImportBatch) {
        var rng = SplitMix64(seed: seed ^ 0x636C_6965_6E74)  // "client"
        for i in batch.cases.indices {
            var c = batch.cases[i].record.fields
            let k = "k\(c.id.dropFirst())"
            let spanish = Int.random(in: 0..<5, using: &rng) == 0
            let phone = Int.random(in: 0..<3, using: &rng) == 0 ? "+1213555\(zeroPadded(Int.random(in: 0..<10_000, using: &rng), width: 4))" : nil
            batch.contacts.append(.init(source: "demo", caseID: c.id, record: Contact(
                id: k, name: c.clientName, email: c.clientEmail, phone: phone, language: spanish ? "es" : "en",
                timeZone: Self.zones.randomElement(using: &rng)!, preferred: phone == nil ? .email : .sms)))
            if Int.random(in: 0..<20, using: &rng) != 0 {
                for p in [MessagePurpose.caseUpdates, .reminders] {
                    batch.consents.append(.init(source: "demo", record: ConsentRecord(
                        contactID: k, medium: .email, purpose: p, granted: true, source: "intake-form", at: c.openedAt,
                        wording: "May we email you about your case?")))
                }
            }
            guard c.status == .open || c.status == .pending else { continue }
            let stage = Int.random(in: 0..<Self.stages.count, using: &rng)
            c.stage = Self.stages[stage]
            if stage > 0 && Int.random(in: 0..<20, using: &rng) == 0 {
                let at = asOf.adding(seconds: -Int64.random(in: 60...3_600, using: &rng))
                batch.stageChanges.append(.init(source: "demo", caseID: c.id, record: StageChange(
                    from: Self.stages[stage - 1], to: Self.stages[stage], at: at)))
            }
            batch.cases[i].record.fields = c
        }
    }
}

/// Zero-padded decimal.
func zeroPadded(_ value: Int, width: Int) -> String {
    let s = String(value)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
