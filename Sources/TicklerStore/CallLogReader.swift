import Foundation
import TicklerCore

/// A phone system's call log for `tickler import calls.json` (docs/client-updates.md): `{"calls": [{"id",
/// "direction": "inbound"|"outbound", "from", "to" (E.164), "status": "missed"|"voicemail"|"answered",
/// "started_at" (RFC 3339), "duration_s"}]}`. Read whole before anything is written: every problem is
/// listed by its place in the file, and a file with any is not imported.
public enum CallLogReader {
    public struct Call: Sendable, Equatable {
        public var id: String
        public var direction: PhoneCall.Direction
        /// The contact's number: the caller of an inbound call, the one called by an outbound one.
        public var number: String
        public var kind: PhoneCall.Kind?
        public var at: Instant
    }

    static let keys: Set<String> = ["id", "direction", "from", "to", "status", "started_at", "duration_s"]

    /// Whether `data` is a call log (a JSON object whose only key is `calls`).
    public static func isCallLog(_ data: Data) -> Bool {
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return Set(top.keys) == ["calls"]
    }

    public static func read(_ data: Data, file: String) -> ([Call], [ImportProblem]) {
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let list = top["calls"] as? [Any] else {
            return ([], [ImportProblem(path: file, message: "must be a JSON object {\"calls\": [...]}")])
        }
        var calls: [Call] = []
        var problems: [ImportProblem] = []
        var seen = Set<String>()
        for (i, item) in list.enumerated() {
            let at = "\(file):calls[\(i)]"
            guard let o = item as? [String: Any] else {
                problems.append(ImportProblem(path: at, message: "must be an object"))
                continue
            }
            var ok = true
            func problem(_ key: String, _ message: String) {
                problems.append(ImportProblem(path: "\(at).\(key)", message: message))
                ok = false
            }
            for key in o.keys.sorted() where !keys.contains(key) { problem(key, "is not a field of a call") }
            let id = o["id"] as? String ?? ""
            if id.isEmpty || id.count > 128 || id.contains(where: { $0.isWhitespace || $0 == ":" }) {
                problem("id", "must be the phone system's id of the call (no spaces or ':', at most 128)")
            } else if !seen.insert(id).inserted {
                problem("id", "is given to two calls")
            }
            let direction = (o["direction"] as? String).flatMap(PhoneCall.Direction.init(rawValue:))
            if direction == nil { problem("direction", "must be inbound or outbound") }
            for key in ["from", "to"] where !((o[key] as? String).map(Contact.isE164) ?? false) {
                problem(key, "must be a number in E.164 (+14155550123)")
            }
            let status = o["status"] as? String
            if !["missed", "voicemail", "answered"].contains(status ?? "") { problem("status", "must be missed, voicemail or answered") }
            let started = (o["started_at"] as? String).flatMap(RFC3339.parse)
            if started == nil { problem("started_at", "is not an RFC 3339 timestamp with an offset (e.g. 2026-09-01T16:00:00Z)") }
            var seconds: Int?
            if let d = o["duration_s"] {
                if let n = d as? Int, n >= 0, n <= 86_400 { seconds = n } else { problem("duration_s", "must be a whole number of seconds from 0 to 86400") }
            }
            guard ok, let direction, let status, let started else { continue }
            let gateway = status == "missed" ? "no-answer" : "completed"
            let kind = PhoneCall.kind(direction: direction, status: gateway, seconds: status == "answered" ? max(1, seconds ?? 1) : seconds,
                                      voicemail: status == "voicemail")
            calls.append(Call(id: id, direction: direction, number: (direction == .inbound ? o["from"] : o["to"]) as? String ?? "", kind: kind,
                              at: started))
        }
        return (calls, problems)
    }
}
