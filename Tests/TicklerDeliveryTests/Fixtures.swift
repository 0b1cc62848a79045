import Foundation
import TicklerCore
import TicklerDelivery

func scratch(_ name: String = "delivery") -> String {
    let dir = "/tmp/tickler-\(name)-\(UUID().uuidString.prefix(8))"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

let newYork = ZoneRules(identifier: "America/New_York")!

/// A fire as a message: with a client name and matter title that must reach only where allowed.
func sampleNotice(fireID: String = "0123456789abcdef0123456789abcdef", stage: Int = 2, action: Stage.Action = .escalate) -> Notice {
    Notice(fireID: fireID, caseID: "c1", caseNumber: "2026-0142", caseTitle: "Smith v. Jones", clientName: "Ann Canary",
           policy: "client-update-cadence", policyDescription: "Clients hear from us every 10 business days.",
           stage: stage, repeatNumber: 0, action: action, subject: "case:c1",
           due: RFC3339.parse("2026-11-30T14:00:00Z")!, firedAt: RFC3339.parse("2026-11-30T14:00:05Z")!,
           deliverAt: RFC3339.parse("2026-11-30T14:00:05Z")!,
           explanation: "since: client_update, anchored at 2026-11-13T10:00:00-05:00\nafter: 10 business days on firm",
           recipients: ["a1"], recipientName: "Alex Attorney", firmName: "Example & Partners", zone: newYork)
}

let now = RFC3339.parse("2026-11-30T14:00:05Z")!
