import Foundation
import TicklerCore

/// A digest's entries as stored: a JSON array of objects.
package enum DigestItems {
    package static func encode(_ entries: [DigestEntry]) -> String {
        let objects: [[String: Any]] = entries.map {
            ["case_id": $0.caseID, "case_number": $0.caseNumber, "policy": $0.policy,
             "stage": $0.stage, "action": $0.action.rawValue, "due_at": $0.due.rfc3339]
        }
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    package static func decode(_ text: String) -> [DigestEntry] {
        guard let objects = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] else { return [] }
        return objects.compactMap { o in
            guard let caseID = o["case_id"] as? String, let number = o["case_number"] as? String,
                  let policy = o["policy"] as? String, let stage = o["stage"] as? Int,
                  let action = (o["action"] as? String).flatMap(Stage.Action.init(rawValue:)),
                  let due = (o["due_at"] as? String).flatMap(RFC3339.parse) else { return nil }
            return DigestEntry(caseID: caseID, caseNumber: number, policy: policy, stage: stage, action: action, due: due)
        }
    }
}
