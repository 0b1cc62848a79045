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

    @Test func withoutADirectoryTheErrorNamesTheUnitLineToAdd() {
        do {
            _ = try Credentials(directory: nil).secret("webhook-secret")
            Issue.record("read a secret without a directory")
        } catch {
            #expect(error.description.contains("LoadCredential=webhook-secret:"))
        }
    }
}
