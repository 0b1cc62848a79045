import Foundation
import Glibc

/// A real server the delivery tests talk to, run from `scripts/testing/` by the Python of the test
/// environment that `make test` prepares (`.cache/testenv`, with aiosmtpd): started on loopback, its
/// port read from its first line, stopped when the value goes away.
public final class TestServer: @unchecked Sendable {
    public let port: Int
    /// Where it keeps what it received, and its `mode` file.
    public let directory: String
    private let process: Process

    /// The repository root (this file is in `Sources/TicklerTestKit`).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The test environment's Python; `TICKLER_TEST_PYTHON` overrides it.
    public static var python: String {
        ProcessInfo.processInfo.environment["TICKLER_TEST_PYTHON"] ?? root + "/.cache/testenv/bin/python3"
    }

    public enum Failure: Error, CustomStringConvertible {
        case noTestEnvironment(String)
        case didNotStart(String)

        public var description: String {
            switch self {
            case .noTestEnvironment(let p): "no Python with aiosmtpd at \(p): run 'make testenv' (make test does)"
            case .didNotStart(let s): "the test server did not start: \(s)"
            }
        }
    }

    /// Starts `script` (a file of `scripts/testing/`) with `arguments`, keeping what it receives in
    /// `directory`.
    public init(script: String, directory: String, arguments: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else { throw Failure.noTestEnvironment(Self.python) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.root + "/scripts/testing/" + script, "--dir", directory] + arguments
        let out = Pipe()
        process.standardOutput = out
        let errPath = directory + "/server.log"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(10) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            process.terminate()
            throw Failure.didNotStart((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? text)
        }
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// How it answers from now on (`ok`, `tempfail`, `reject`; for webhooks `200`, `500`, `429`, `400`, `hang`).
    public func setMode(_ mode: String) {
        try? mode.write(toFile: directory + "/mode", atomically: true, encoding: .utf8)
    }

    /// Everything received so far, oldest first, each as the JSON object the script wrote.
    public func received() -> [[String: Any]] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
        return files.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }

    /// For a server started with `tally`: one line per message or request received so far, split on spaces
    /// (an email's Message-ID and recipients; a request's Idempotency-Key and `ok` or `bad` for its signature).
    public func tally() -> [[Substring]] {
        guard let data = FileManager.default.contents(atPath: directory + "/tally") else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ") }
    }

    /// Waits until at least `count` things have been received (or `timeout` passes).
    @discardableResult
    public func waitFor(_ count: Int, timeout: Double = 20) -> [[String: Any]] {
        let end = Date().addingTimeInterval(timeout)
        var got = received()
        while got.count < count && Date() < end {
            Thread.sleep(forTimeInterval: 0.1)
            got = received()
        }
        return got
    }

    /// An SMTP sink (aiosmtpd). `tls`: nil, `"starttls"` or `"implicit"`, with `certificate`. With `tally`,
    /// messages are only counted (`tally()`), not kept.
    public static func smtp(directory: String, port: Int? = nil, tls: String? = nil, certificate: TestCertificate? = nil,
                            auth: (user: String, password: String)? = nil, tally: Bool = false) throws -> TestServer {
        var args: [String] = tally ? ["--tally"] : []
        if let port { args += ["--port", "\(port)"] }
        if let tls, let certificate {
            args += [tls == "implicit" ? "--implicit-tls" : "--starttls", certificate.certificate, certificate.key]
        }
        if let auth { args += ["--auth", "\(auth.user):\(auth.password)"] }
        return try TestServer(script: "smtp_sink.py", directory: directory, arguments: args)
    }

    /// A webhook receiver that checks signatures made with `secret`. With `tally`, requests are only counted
    /// (`tally()`), not kept.
    public static func webhook(directory: String, secret: String, certificate: TestCertificate? = nil,
                               tally: Bool = false) throws -> TestServer {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secretFile = directory + "/secret"
        try secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
        var args = ["--secret-file", secretFile]
        if let certificate { args += ["--tls", certificate.certificate, certificate.key] }
        if tally { args.append("--tally") }
        return try TestServer(script: "http_receiver.py", directory: directory, arguments: args)
    }

    /// An SMS gateway with the Twilio-compatible Messages API, for account `sid` and auth token `token`.
    public static func smsGateway(directory: String, sid: String, token: String) throws -> TestServer {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tokenFile = directory + "/token"
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        return try TestServer(script: "sms_gateway.py", directory: directory, arguments: ["--sid", sid, "--token-file", tokenFile])
    }
}

/// A self-signed certificate for 127.0.0.1 and localhost, made with `openssl` for one test.
public struct TestCertificate: Sendable {
    public let certificate: String
    public let key: String

    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        certificate = directory + "/cert.pem"
        key = directory + "/key.pem"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                       "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", certificate]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestServer.Failure.didNotStart("openssl could not make a certificate") }
    }
}
