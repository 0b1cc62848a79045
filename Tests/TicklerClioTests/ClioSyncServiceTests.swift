import Foundation
import Synchronization
import Testing
import TicklerClio
import TicklerCore
import TicklerDelivery
import TicklerStore
import TicklerTestKit

/// `tickler sync clio` as a service, on an injected clock, against the fake Clio over loopback into a real
/// SQLite store: it subscribes a webhook per model (activating with its secret a webhook whose handshake
/// could not be answered), reconciles every interval, renews every webhook ten days before it expires and
/// not a pass sooner, subscribes again a webhook Clio no longer has, and journals an outage once.
@Suite(.serialized) struct ClioSyncServiceTests {
    final class Events: Sendable {
        let list = Mutex<[String]>([])
        var value: [String] { list.withLock { $0 } }
        func add(_ e: ClioSyncService.Event) {
            let text: String
            switch e {
            case .outage(let why): text = "outage: \(why)"
            case .recovered: text = "recovered"
            case .passed(let o, _): text = "passed \(o.written)"
            case .skipped(let s): text = "skipped \(s)"
            case .subscribed(let m, _): text = "subscribed \(m)"
            }
            list.withLock { $0.append(text) }
        }
    }

    /// The fake's webhooks as it last wrote them.
    static func webhooks(_ dir: String) throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: dir + "/webhooks.json") else { return [] }
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }

    static func requests(_ dir: String) -> [String] {
        let text = (try? String(contentsOfFile: dir + "/requests.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return "\(o["method"] ?? "") \(o["path"] ?? "")"
        }
    }

    /// Waits until the service sleeps until `deadline` (its schedule's next step), bounded as a hang guard.
    static func asleep(_ clock: ManualClock, until deadline: Instant) async -> Bool {
        let bound = Date().addingTimeInterval(300)
        while Date() < bound {
            if clock.nextDeadline == deadline { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func subscribesReconcilesAndRenewsBeforeExpiry() async throws {
        let dir = "/tmp/tickler-clio-service-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let firm: [String: Any] = ["matters": [["id": 1001, "display_number": "M-1", "status": "Open", "open_date": "2026-09-01",
                                                 "updated_at": "2026-11-01T10:00:00Z"]]]
        try JSONSerialization.data(withJSONObject: firm).write(to: URL(fileURLWithPath: dir + "/firm.json"))
        let server = try TestServer(script: "clio_fake.py", directory: dir, arguments: [
            "--client-id", "app", "--client-secret", "s", "--refresh-token", "r"])
        let base = "http://127.0.0.1:\(server.port)"
        let store = try SQLiteCaseStore(path: dir + "/t.db", create: true)
        let start = Instant(seconds: Int64(Date().timeIntervalSince1970))
        let clock = ManualClock(start)
        // The service's schedule on the injected clock; the API's pacing and its retries on the wall clock (and
        // not the rate limit, which ClioAPITests pin), so that a request the loaded machine drops is sent again
        // rather than waiting on a clock the test holds still.
        let api = ClioAPI(account: .init(apiURL: base + "/api/v4", tokenURL: base + "/oauth/token", clientID: "app", clientSecret: "s",
                                         refreshToken: "r"), clock: SystemClock(), perMinute: 100_000)
        let sync = ClioSync(api: api, store: store, mapping: ClioMapping(defaults: .init(timeZone: "America/New_York"))!, clock: clock)
        // Nothing listens at this URL: every handshake fails, and the service activates each webhook itself.
        let service = ClioSyncService(sync: sync, webhookURL: "http://127.0.0.1:9/clio/webhook", reconcile: 600)
        let events = Events()
        let task = Task { try await service.run { events.add($0) } }
        defer { task.cancel() }

        // Five webhooks (matters, contacts, calendar entries, tasks, communications), then a pass; asleep until the next.
        #expect(await Self.asleep(clock, until: start.adding(seconds: 600)))
        let hooks = try Self.webhooks(dir)
        #expect(hooks.map { $0["model"] as? String } == ["matter", "contact", "calendar_entry", "task", "communication"])
        #expect(hooks.allSatisfy { $0["status"] as? String == "enabled" })
        #expect(hooks.allSatisfy { $0["expires_at"] as? String == start.adding(seconds: 30 * 86_400).rfc3339 })
        #expect(Self.requests(dir).filter { $0.hasPrefix("PUT ") }.count == 5)
        let stored = try await store.syncWebhooks(source: "clio")
        #expect(stored.map(\.model) == ["calendar_entry", "communication", "contact", "matter", "task"])
        #expect(Set(stored.map(\.secret)) == Set(hooks.compactMap { $0["shared_secret"] as? String }))
        #expect(events.value == ["subscribed matter", "subscribed contact", "subscribed calendar_entry", "subscribed task", "subscribed communication",
                                "passed 1"])

        // Passes every ten minutes; the day before renewal is due, a pass and no renewal.
        let renewAt = start.adding(seconds: 20 * 86_400)
        clock.advance(to: start.adding(seconds: 600))
        #expect(await Self.asleep(clock, until: start.adding(seconds: 1200)))
        clock.advance(to: renewAt.adding(seconds: -1))
        #expect(await Self.asleep(clock, until: renewAt))
        #expect(!Self.requests(dir).contains { $0.hasPrefix("PATCH ") })
        #expect(events.value.suffix(2) == ["passed 0", "passed 0"])

        // Ten days before expiry: each renewed to thirty days from then.
        clock.advance(to: renewAt)
        #expect(await Self.asleep(clock, until: renewAt.adding(seconds: 599)))
        #expect(Self.requests(dir).filter { $0.hasPrefix("PATCH ") }.count == 5)
        #expect(try Self.webhooks(dir).allSatisfy { $0["expires_at"] as? String == renewAt.adding(seconds: 30 * 86_400).rfc3339 })
        #expect(try await store.syncWebhooks(source: "clio").allSatisfy { $0.expiresAt == renewAt.adding(seconds: 30 * 86_400) })

        // Clio lost the matters' webhook: at the next renewal it is created again, with a new secret.
        let matterHook = try #require(hooks.first { $0["model"] as? String == "matter" }?["id"] as? Int)
        #expect(HTTPExchange().send("DELETE", "\(base)/fake/webhooks/\(matterHook)").status == 204)
        let second = renewAt.adding(seconds: 20 * 86_400)
        clock.advance(to: second)
        #expect(await Self.asleep(clock, until: second.adding(seconds: 600)))
        let now = try Self.webhooks(dir)
        #expect(now.count == 5 && now.contains { $0["model"] as? String == "matter" && ($0["id"] as? Int ?? 0) > 5 })
        #expect(try await store.syncWebhooks(source: "clio").first { $0.model == "matter" }?.id == "6")
        server.stop()
    }

    /// Moves the clock to whatever sleeps first until `done` holds (the API's pauses and the schedule's waits
    /// alike), bounded as a hang guard.
    static func drive(_ clock: ManualClock, until done: () -> Bool) async -> Bool {
        let bound = Date().addingTimeInterval(120)
        while Date() < bound {
            if done() { return true }
            if let next = clock.nextDeadline { clock.advance(to: next) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return done()
    }

    /// Clio down for a while: one outage journaled however many retries fail, the retries spaced out, the
    /// recovery journaled once with the first pass that completes, and the run recorded with its error.
    @Test func anOutageIsReportedOnceAndItsRecoveryOnce() async throws {
        let dir = "/tmp/tickler-clio-outage-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/firm.json"))
        let server = try TestServer(script: "clio_fake.py", directory: dir, arguments: [
            "--client-id", "app", "--client-secret", "s", "--refresh-token", "r"])
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let store = try SQLiteCaseStore(path: dir + "/t.db", create: true)
        let start = Instant(seconds: Int64(Date().timeIntervalSince1970))
        let clock = ManualClock(start)
        let api = ClioAPI(account: .init(apiURL: base + "/api/v4", tokenURL: base + "/oauth/token", clientID: "app", clientSecret: "s",
                                         refreshToken: "r"), clock: clock, attempts: 2)
        let sync = ClioSync(api: api, store: store, mapping: ClioMapping(defaults: .init(timeZone: "America/New_York"))!, clock: clock)
        let service = ClioSyncService(sync: sync, webhookURL: "http://127.0.0.1:9/clio/webhook", reconcile: 600)
        // Subscribed and passed once while Clio answers.
        let events = Events()
        let task = Task { try await service.run { events.add($0) } }
        defer { task.cancel() }
        #expect(await Self.asleep(clock, until: start.adding(seconds: 600)))
        // Down: passes fail, again and again.
        _ = FileManager.default.createFile(atPath: dir + "/down", contents: Data())
        let failing = Self.requests(dir).count
        #expect(await Self.drive(clock) { Self.requests(dir).dropFirst(failing).filter { $0.hasPrefix("GET /api/v4/") }.count >= 8 })
        #expect(events.value.filter { $0.hasPrefix("outage") } == ["outage: Clio: the API answered HTTP 503, 2 times in a row (users)"],
                "\(events.value)")
        let run = try #require(try await store.syncRun(source: "clio"))
        #expect(run.error != nil && run.errorSince != nil)
        // Up again: the next retry passes, and the recovery is said once.
        try FileManager.default.removeItem(atPath: dir + "/down")
        #expect(await Self.drive(clock) { events.value.contains("recovered") })
        #expect(events.value.filter { $0.hasPrefix("outage") }.count == 1)
        #expect(events.value.filter { $0 == "recovered" }.count == 1)
        #expect(events.value.suffix(2) == ["passed 0", "recovered"], "\(events.value)")
        let after = try #require(try await store.syncRun(source: "clio"))
        #expect(after.error == nil && after.errorSince == nil && after.finishedAt != nil)
    }
}
