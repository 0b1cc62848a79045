import Foundation
import Testing
@testable import Systemd

@Suite struct CredentialsTests {
    @Test func readsASecretWithoutItsTrailingNewline() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "s3cret-canary\n".write(toFile: dir + "/smtp-password", atomically: true, encoding: .utf8)
        let credentials = Credentials(directory: dir)
        #expect(try credentials.secret("smtp-password") == "s3cret-canary")
        #expect(throws: Credentials.Failure.unreadable(name: "missing")) { try credentials.secret("missing") }
        #expect(throws: Credentials.Failure.unreadable(name: "../etc/passwd")) { try credentials.secret("../etc/passwd") }
    }

    /// An empty secret (or only a newline) would be an empty HMAC key or password; `.` and `..` are the
    /// directory itself and its parent, not credentials.
    @Test func emptySecretsAndDirectoryNamesAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try "".write(toFile: dir + "/empty", atomically: true, encoding: .utf8)
        try "\r\n".write(toFile: dir + "/newline", atomically: true, encoding: .utf8)
        let credentials = Credentials(directory: dir + "/sub")
        let parent = Credentials(directory: dir)
        #expect(throws: Credentials.Failure.empty(name: "empty")) { try parent.secret("empty") }
        #expect(throws: Credentials.Failure.empty(name: "newline")) { try parent.secret("newline") }
        #expect(throws: Credentials.Failure.unreadable(name: ".")) { try credentials.secret(".") }
        #expect(throws: Credentials.Failure.unreadable(name: "..")) { try credentials.secret("..") }
        #expect(throws: Credentials.Failure.unreadable(name: "")) { try credentials.secret("") }
        #expect(throws: Credentials.Failure.unreadable(name: "sub")) { try parent.secret("sub") }
    }

    @Test func withoutADirectoryTheErrorNamesTheUnitLineToAdd() {
        do {
            _ = try Credentials(directory: nil).secret("webhook-secret")
            Issue.record("read a secret without a directory")
        } catch {
            #expect(error.description.contains("LoadCredential=webhook-secret:"))
        }
    }
}
