import Testing
@testable import TicklerCore

@Suite struct PolicyClockTests {
    func comm(_ id: String, _ dir: Communication.Direction, _ at: String, kind: Communication.Kind = .other,
              responded: String? = nil) -> Communication {
        Communication(id: id, direction: dir, channel: .call, kind: kind, occurredAt: t(at), respondedAt: responded.map(t))
    }

    func base(_ comms: [Communication] = []) -> CaseSnapshot {
        CaseSnapshot(id: "c1", number: "2026-0001", openedAt: t("2026-09-01T16:00:00Z"), communications: comms)
    }

    @Test func clientUpdateAnchorsOnLatestOutboundStatusUpdateElseOpened() {
        #expect(PolicyClock.sinceClientUpdate.subjects(of: base()).map(\.anchor) == [t("2026-09-01T16:00:00Z")])
        let c = base([
            comm("m1", .outbound, "2026-09-05T16:00:00Z", kind: .statusUpdate),
            comm("m2", .outbound, "2026-09-09T16:00:00Z", kind: .statusUpdate),
            comm("m3", .outbound, "2026-09-12T16:00:00Z"),  // not a status update
            comm("m4", .inbound, "2026-09-13T16:00:00Z", kind: .statusUpdate),  // not outbound
        ])
        let s = PolicyClock.sinceClientUpdate.subjects(of: c)
        #expect(s.map(\.anchor) == [t("2026-09-09T16:00:00Z")])
        #expect(s.map(\.ref.description) == ["case:c1"])
    }

    @Test func inboundIsResolvedByResponseOrLaterOutbound() {
        let c = base([
            comm("m1", .inbound, "2026-09-02T16:00:00Z"),  // answered by m3 later
            comm("m2", .inbound, "2026-09-03T16:00:00Z", responded: "2026-09-03T18:00:00Z"),
            comm("m3", .outbound, "2026-09-04T16:00:00Z"),
            comm("m4", .inbound, "2026-09-05T16:00:00Z"),  // still open
            comm("m5", .inbound, "2026-09-04T16:00:00Z"),  // same instant as the outbound: not after it, still open
        ])
        let s = PolicyClock.sinceInbound.subjects(of: c)
        #expect(s.map(\.ref.description) == ["communication:m4", "communication:m5"])
        #expect(s.map(\.anchor) == [t("2026-09-05T16:00:00Z"), t("2026-09-04T16:00:00Z")])
    }

    @Test func documentRequestResolvedWhenReceived() {
        var c = base()
        c.documentRequests = [
            DocumentRequest(id: "r1", requestedAt: t("2026-09-02T15:00:00Z")),
            DocumentRequest(id: "r2", requestedAt: t("2026-09-02T15:00:00Z"), receivedAt: t("2026-09-08T15:00:00Z")),
        ]
        #expect(PolicyClock.sinceDocumentRequest.subjects(of: c).map(\.ref.description) == ["document_request:r1"])
    }

    @Test func activityAnchorsOnAnyLatestCommunication() {
        let c = base([comm("m1", .inbound, "2026-09-10T16:00:00Z"), comm("m2", .outbound, "2026-09-08T16:00:00Z")])
        #expect(PolicyClock.sinceActivity.subjects(of: c).map(\.anchor) == [t("2026-09-10T16:00:00Z")])
        #expect(PolicyClock.sinceActivity.subjects(of: base()).map(\.anchor) == [t("2026-09-01T16:00:00Z")])
    }

    @Test func openedIsResolvedByAnyOutboundCommunication() {
        #expect(PolicyClock.sinceOpened.subjects(of: base([comm("m1", .inbound, "2026-09-02T16:00:00Z")])).count == 1)
        #expect(PolicyClock.sinceOpened.subjects(of: base([comm("m1", .outbound, "2026-09-02T16:00:00Z")])).isEmpty)
    }

    @Test func deadlineFiltersKindsAndCompletion() {
        var c = base()
        c.deadlines = [
            Deadline(id: "d1", kind: .court, dueAt: t("2026-10-05T23:59:00Z")),
            Deadline(id: "d2", kind: .internal, dueAt: t("2026-10-05T23:59:00Z")),
            Deadline(id: "d3", kind: .filing, dueAt: t("2026-10-05T23:59:00Z"), completedAt: t("2026-10-01T00:00:00Z")),
        ]
        #expect(PolicyClock.untilDeadline(kinds: [.court, .filing]).subjects(of: c).map(\.ref.description) == ["deadline:d1"])
        #expect(PolicyClock.untilDeadline(kinds: nil).subjects(of: c).map(\.ref.description) == ["deadline:d1", "deadline:d2"])
    }

    @Test func appointmentEndsWhenItStartsAndCancelledIsResolved() {
        var c = base()
        c.appointments = [
            Appointment(id: "ap1", startsAt: t("2026-09-20T17:00:00Z")),
            Appointment(id: "ap2", startsAt: t("2026-09-21T17:00:00Z"), cancelled: true),
        ]
        let s = PolicyClock.untilAppointment.subjects(of: c)
        #expect(s.map(\.ref.description) == ["appointment:ap1"])
        #expect(s.first?.endsAt == t("2026-09-20T17:00:00Z"))
    }
}
