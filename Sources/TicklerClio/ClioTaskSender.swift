import Foundation
import TicklerCore
import TicklerDelivery

/// The `clio-task` channel's sender: a fire becomes a task in Clio on its matter, assigned to the
/// recipient, due on the fire's day, described by the fire's explanation (ids and times: nothing of the
/// client that Clio does not hold already). A task carries a marker made of the fire's id and the
/// recipient; before creating one the sender looks for a task with that marker on the matter, so a retry
/// after a lost answer, or after the daemon was killed between Clio's answer and the queue's record of
/// it, makes no second task. Blocking: call it from the lane's own thread.
public final class ClioTaskSender: @unchecked Sendable {
    public struct Request: Sendable, Equatable {
        public var matterID: Int64
        public var assigneeID: Int64
        public var name: String
        public var description: String
        public var due: LocalDate
        /// `tickler:<fire id>:<recipient>`, written into the description.
        public var marker: String

        public init(matterID: Int64, assigneeID: Int64, name: String, description: String, due: LocalDate, marker: String) {
            self.matterID = matterID
            self.assigneeID = assigneeID
            self.name = name
            self.description = description
            self.due = due
            self.marker = marker
        }
    }

    private let settings: ChannelSettings.ClioTask
    private let clientSecret: String
    private let refreshToken: String
    private let exchange = HTTPExchange()
    private var accessToken: String?

    public init(settings: ChannelSettings.ClioTask, clientSecret: String, refreshToken: String) {
        self.settings = settings
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
    }

    /// The marker of a fire's task for one recipient.
    public static func marker(fireID: String, recipient: String) -> String { "tickler:\(fireID):\(recipient)" }

    public func send(_ r: Request) -> SendOutcome {
        let query = ClioAPI.form([("matter_id", String(r.matterID)), ("query", r.marker), ("fields", "id,description"), ("limit", "200")])
        switch call("GET", "\(settings.apiURL)/tasks.json?\(query)", body: nil) {
        case .failure(let box): return box.outcome
        case .success(let body):
            struct List: Decodable {
                struct Item: Decodable { var description: String? }
                var data: [Item]
            }
            guard let list = try? JSONDecoder().decode(List.self, from: Data(body)) else {
                return .retry(reason: "Clio's list of tasks is not the JSON it documents", channelDown: true)
            }
            if list.data.contains(where: { ($0.description ?? "").contains(r.marker) }) { return .delivered }
        }
        let task: [String: Any] = ["data": [
            "name": r.name, "description": r.description + "\n\n" + r.marker, "due_at": r.due.iso8601,
            "matter": ["id": r.matterID], "assignee": ["id": r.assigneeID, "type": "User"],
        ]]
        let json = Array((try? JSONSerialization.data(withJSONObject: task, options: [.sortedKeys])) ?? Data())
        switch call("POST", "\(settings.apiURL)/tasks.json?fields=id", body: json) {
        case .success: return .delivered
        case .failure(let box): return box.outcome
        }
    }

    /// One request with the access token, refreshed once on a 401.
    private func call(_ method: String, _ url: String, body: [UInt8]?) -> Result<[UInt8], SendOutcomeBox> {
        for attempt in 0..<2 {
            if accessToken == nil, let failed = refresh() { return .failure(SendOutcomeBox(failed)) }
            var headers = ["Authorization: Bearer \(accessToken ?? "")", "Accept: application/json", "User-Agent: ticklerd"]
            if body != nil { headers.append("Content-Type: application/json") }
            let r = exchange.send(method, url, headers: headers, body: body ?? [])
            guard let status = r.status else { return .failure(SendOutcomeBox(.retry(reason: "no answer from Clio", channelDown: true))) }
            if status == 401 && attempt == 0 {
                accessToken = nil
                continue
            }
            switch status {
            case 200...299: return .success(r.body)
            case 401: return .failure(SendOutcomeBox(.retry(reason: "Clio refused the access token after a refresh (HTTP 401)", channelDown: true)))
            case 408, 429: return .failure(SendOutcomeBox(.retry(reason: "Clio answered HTTP \(status)", channelDown: false)))
            case 400...499: return .failure(SendOutcomeBox(.failed(reason: "Clio refused the task: HTTP \(status)")))
            default: return .failure(SendOutcomeBox(.retry(reason: "Clio answered HTTP \(status)", channelDown: true)))
            }
        }
        return .failure(SendOutcomeBox(.retry(reason: "Clio refused the access token", channelDown: true)))
    }

    /// A new access token; the outcome to report when there is none (a refused refresh token is the
    /// firm's to fix: the channel is down, and every task waits for it).
    private func refresh() -> SendOutcome? {
        let form = ClioAPI.form([("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", settings.clientID),
                                 ("client_secret", clientSecret)])
        let r = exchange.send("POST", settings.tokenURL, headers: ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"],
                              body: Array(form.utf8))
        guard let status = r.status else { return .retry(reason: "no answer from Clio's token endpoint", channelDown: true) }
        guard (200...299).contains(status) else {
            return .retry(reason: "Clio's token endpoint answered HTTP \(status) (the application or the refresh token)", channelDown: true)
        }
        struct Token: Decodable { var access_token: String }
        guard let t = try? JSONDecoder().decode(Token.self, from: Data(r.body)), !t.access_token.isEmpty else {
            return .retry(reason: "Clio's token endpoint answered without an access token", channelDown: true)
        }
        accessToken = t.access_token
        return nil
    }
}

/// A `SendOutcome` as a `Result`'s failure.
struct SendOutcomeBox: Error {
    var outcome: SendOutcome
    init(_ outcome: SendOutcome) { self.outcome = outcome }
}
