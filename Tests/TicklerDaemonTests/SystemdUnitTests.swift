import Foundation
import Testing
import TicklerTestKit
@testable import TicklerDaemon
@testable import TicklerJournal

/// The unit and the catalog are part of the program: checked by systemd's own tools.
@Suite(.ownThreads) struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func unitVerifiesWithoutAWord() throws {
        // verify needs ExecStart to exist: check a copy that points at the built binary. Man pages come
        // with the documentation; until then their lookup is off.
        let unit = try String(contentsOf: Self.repository.appendingPathComponent("systemd/ticklerd.service"), encoding: .utf8)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let copy = dir.appendingPathComponent("ticklerd.service")
        try unit.replacingOccurrences(of: "/usr/local/bin/ticklerd", with: DaemonProcess.binary.path)
            .write(to: copy, atomically: true, encoding: .utf8)
        let r = try Self.run("/usr/bin/systemd-analyze", ["verify", "--man=no", copy.path])
        #expect(r.status == 0)
        #expect(r.output.isEmpty, "\(r.output)")
    }

    @Test(arguments: ["ticklerd.service", "tickler-inbound.service", "tickler-sync-clio.service"])
    func unitExposureIsAtMostOnePointTwo(_ unit: String) throws {
        let r = try Self.run("/usr/bin/systemd-analyze", ["security", "--offline=true", "--threshold=12",
                                                           Self.repository.appendingPathComponent("systemd/" + unit).path])
        #expect(r.status == 0, "\(r.output.split(separator: "\n").suffix(3).joined(separator: "\n"))")
        #expect(["1.2", "1.1", "1.0"].contains { r.output.contains("Overall exposure level for \(unit): \($0) OK") }, "\(r.output.suffix(200))")
    }

    @Test func theReceiversUnitBoundsItsDescriptorsMemoryTasksAndAddresses() throws {
        let unit = try String(contentsOf: Self.repository.appendingPathComponent("systemd/tickler-inbound.service"), encoding: .utf8)
        for line in ["LimitNOFILE=1024", "MemoryMax=256M", "TasksMax=64", "IPAddressDeny=any", "IPAddressAllow=localhost"] {
            #expect(unit.split(separator: "\n").contains { $0 == line }, "\(line)")
        }
    }

    @Test func catalogListsEveryMessageIDTheCodeUses() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString.prefix(8))")
        let catalogDir = root.appendingPathComponent("usr/lib/systemd/catalog")
        try FileManager.default.createDirectory(at: catalogDir, withIntermediateDirectories: true)
        let source = Self.repository.appendingPathComponent("systemd/tickler.catalog")
        try FileManager.default.copyItem(at: source, to: catalogDir.appendingPathComponent("tickler.catalog"))
        #expect(try Self.run("/usr/bin/journalctl", ["--root=\(root.path)", "--update-catalog"]).status == 0)
        let listed = try Self.run("/usr/bin/journalctl", ["--root=\(root.path)", "--list-catalog"]).output
        let ids = Set(listed.split(separator: "\n").map { String($0.prefix(32)) })
        for event in JournalEvent.allCases {
            #expect(ids.contains(event.messageID), "\(event) is not in the catalog")
            #expect(event.messageID.count == 32 && event.messageID.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
        #expect(Set(JournalEvent.allCases.map(\.messageID)).count == JournalEvent.allCases.count)
        let text = try String(contentsOf: source, encoding: .utf8)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy { $0.count <= 76 })
    }
}
