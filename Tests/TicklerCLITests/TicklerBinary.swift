import Foundation

/// Runs the built `tickler` executable, as an operator or a script would.
enum TicklerBinary {
    static let url: URL = {
        // The test bundle sits beside the package's executables in the build directory.
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tickler")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let build = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/tickler")
        return build
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    static func run(_ arguments: [String], env: [String: String] = [:]) throws -> Result { try run(url, arguments, env: env) }

    /// `ticklerd`, built beside `tickler`.
    static func daemon(_ arguments: [String]) throws -> Result {
        try run(url.deletingLastPathComponent().appendingPathComponent("ticklerd"), arguments)
    }

    static func run(_ executable: URL, _ arguments: [String], env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if !env.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

func scratch() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tickler-cli-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func put(_ text: String, _ path: String) { try! text.write(toFile: path, atomically: true, encoding: .utf8) }

let smallConfig = """
    calendars:
      firm: { timezone: America/Los_Angeles, holidays: [us-federal] }
      court: { based_on: firm }
    store: { sqlite: tickler.db }
    policies:
      - id: client-update-cadence
        applies_to: { status: [open, pending] }
        clock: { since: client_update, calendar: firm }
        stages:
          - { after: 10 business days, action: remind, notify: [assignee], via: [journal] }
          - { after: 13 business days, action: escalate, notify: [attorney] }
      - id: deadline-approach
        clock: { until: deadline, kinds: [court], calendar: court }
        stages:
          - { before: 7 days, at: "09:00", notify: [assignee, attorney] }
          - { before: 2 court days, at: "09:00", action: escalate, notify: [attorney, supervisor] }
    """

let smallFirm = """
    {"people": [
       {"id": "a1", "name": "Alex Attorney", "email": "alex@firm.test", "role": "attorney", "manager_id": null},
       {"id": "p1", "name": "Pat Lee", "email": "pat@firm.test", "role": "paralegal", "manager_id": "a1"}],
     "cases": [{
       "id": "c1", "number": "2026-0142", "title": "Smith v. Jones", "client_name": "Ann Canary",
       "client_email": "ann@example.test", "status": "open", "assignee_id": "p1", "attorney_id": "a1",
       "opened_at": "2026-09-01T16:00:00Z", "tags": [],
       "deadlines": [{"id": "d1", "title": "Answer due", "kind": "court", "due_at": "2026-10-05T23:59:00Z"}]}]}
    """

/// A directory with `tickler.yaml` and an imported `tickler.db` for the small firm.
func smallFirmDirectory() throws -> String {
    let dir = scratch()
    put(smallConfig, dir + "/tickler.yaml")
    put(smallFirm, dir + "/firm.json")
    let r = try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", dir + "/firm.json"])
    precondition(r.status == 0, r.stderr)
    return dir
}
