import Foundation
import Testing
import TicklerClio
import TicklerCore
import TicklerTestKit

/// The API client against the fake Clio (`scripts/testing/clio_fake.py`) over real HTTP on loopback: every
/// page once in id order, `updated_since`, no request before a 429's `Retry-After`, one refresh on a 401,
/// and a refused application reported without its secret.
@Suite(.serialized) struct ClioAPITests {
    static let secret = "clio-secret-canary-5150"
    static let refresh = "refresh-canary-8086"

    struct Fake {
        let server: TestServer
        var dir: String { server.directory }
        var base: String { "http://127.0.0.1:\(server.port)" }

        init(matters: Int, burst: Int = 0, retryAfter: Int = 2) throws {
            let dir = "/tmp/tickler-clio-fake-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let records = (1...max(1, matters)).prefix(matters).map { i in
                ["id": 1000 + i, "display_number": "M-\(i)", "status": "Open", "open_date": "2026-09-01",
                 "updated_at": i % 10 == 0 ? "2026-12-02T10:00:00Z" : "2026-11-01T10:00:00Z"] as [String: Any]
            }
            try JSONSerialization.data(withJSONObject: ["matters": records]).write(to: URL(fileURLWithPath: dir + "/firm.json"))
            server = try TestServer(script: "clio_fake.py", directory: dir, arguments: [
                "--client-id", "tickler-app", "--client-secret", ClioAPITests.secret, "--refresh-token", ClioAPITests.refresh,
                "--burst", "\(burst)", "--retry-after", "\(retryAfter)"])
        }

        func api(secret: String = ClioAPITests.secret) -> ClioAPI {
            ClioAPI(account: .init(apiURL: base + "/api/v4", tokenURL: base + "/oauth/token", clientID: "tickler-app", clientSecret: secret,
                                   refreshToken: ClioAPITests.refresh))
        }

        /// (seconds since the epoch, method, path, status) of every request the fake answered.
        func requests() throws -> [(at: Double, method: String, path: String, status: Int)] {
            let text = (try? String(contentsOfFile: dir + "/requests.jsonl", encoding: .utf8)) ?? ""
            return try text.split(separator: "\n").map { line in
                let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                return (o["at"] as! Double, o["method"] as! String, o["path"] as! String, o["status"] as! Int)
            }
        }
    }

    static func ids(_ api: ClioAPI, since: Instant? = nil) async throws -> [Int64] {
        var ids: [Int64] = []
        try await api.list("matters", fields: "id,display_number,status,open_date,updated_at", since: since, as: Clio.Matter.self) { page in
            ids += page.data.compactMap(\.id)
        }
        return ids
    }

    @Test func everyPageOnceInIDOrderAndOnlyWhatWasUpdatedSince() async throws {
        let fake = try Fake(matters: 450)
        let api = fake.api()
        let all: [Int64] = (1...450).map { Int64(1000 + $0) }
        #expect(try await Self.ids(api) == all)
        #expect(await api.requests == 4)  // the token, then three pages of at most 200
        let since = try await Self.ids(api, since: RFC3339.parse("2026-12-01T00:00:00Z")!)
        let updated: [Int64] = stride(from: 10, through: 450, by: 10).map { Int64(1000 + $0) }
        #expect(since == updated)
        let log = try fake.requests()
        #expect(log.map(\.method) == ["POST", "GET", "GET", "GET", "GET"])  // the 45 updated since: one page
        #expect(log.dropFirst().allSatisfy { $0.path.contains("limit=200") && $0.path.contains("order=id%28asc%29") })
        #expect(log.last?.path.contains("updated_since=2026-12-01T00%3A00%3A00Z") == true)
    }

    @Test func noRequestGoesBeforeA429sRetryAfter() async throws {
        let fake = try Fake(matters: 1000, burst: 2, retryAfter: 2)
        let api = fake.api()
        var pages: [[Int64]] = []
        try await api.list("matters", fields: "id", as: Clio.Matter.self) { page in pages.append(page.data.compactMap(\.id)) }
        let expected: [Int64] = (1...1000).map { Int64(1000 + $0) }
        #expect(Array(pages.joined()) == expected)
        #expect(pages.count == 5)
        let gets = try fake.requests().filter { $0.method == "GET" }
        #expect(gets.map(\.status) == [200, 200, 429, 200, 200, 429, 200])
        for (i, r) in gets.enumerated() where r.status == 429 && i + 1 < gets.count {
            let gap: Double = gets[i + 1].at - r.at
            #expect(gap >= 2, "a request \(gap) s after a 429 asking for 2 s")
        }
    }

    @Test func aRevokedTokenIsRefreshedOnceAndTheListGoesOn() async throws {
        let fake = try Fake(matters: 300)
        let api = fake.api()
        var seen: [Int64] = []
        try await api.list("matters", fields: "id", as: Clio.Matter.self) { page in
            seen += page.data.compactMap(\.id)
            if seen.count == 200 { _ = FileManager.default.createFile(atPath: fake.dir + "/revoke", contents: nil) }
        }
        let expected: [Int64] = (1...300).map { Int64(1000 + $0) }
        #expect(seen == expected)
        #expect(try fake.requests().map { "\($0.method) \($0.status)" } == ["POST 200", "GET 200", "GET 401", "POST 200", "GET 200"])
    }

    @Test func aRefusedApplicationIsReportedWithoutItsSecret() async throws {
        let fake = try Fake(matters: 1)
        do {
            _ = try await Self.ids(fake.api(secret: "wrong-secret-canary"))
            Issue.record("listed with a wrong secret")
        } catch let failure as ClioAPI.Failure {
            #expect(failure == .tokenRefused("Clio's token endpoint refused the application or the refresh token (HTTP 400)"))
            #expect(!failure.description.contains("canary"))
        }
        #expect(try fake.requests().map(\.method) == ["POST"])
    }
}
