import Foundation
import Synchronization

/// A process with its wall clock off by an offset (libfaketime), its timers still on time: the monotonic
/// clocks are not faked, and `scripts/testing/timerfd_shim.c`, preloaded first, arms each timer relative
/// to the clock it was computed on (libfaketime alone shifts every absolute timer deadline by the offset,
/// so libdispatch's timers would fire ten minutes late, or at once).
public enum SkewedClock {
    public enum Failure: Error, CustomStringConvertible {
        case noLibfaketime
        case shim(String)
        public var description: String {
            switch self {
            case .noLibfaketime: "faketime is not installed (make deps installs it)"
            case .shim(let output): "the timer shim did not build: \(output)"
            }
        }
    }

    /// The command that runs a program with its clock off by `offset` (`+10m`, `-10m`), in `environment()`.
    /// It is the `faketime` command, which runs the program as its child: libfaketime preloaded without it
    /// sets a variable of its own at start, and a Swift program then loses its arguments.
    public static func wrapper(offset: String) throws -> [String] {
        let faketime = "/usr/bin/faketime"
        guard FileManager.default.isExecutableFile(atPath: faketime) else { throw Failure.noLibfaketime }
        return [faketime, "-m", "--exclude-monotonic", "-f", offset]
    }

    /// The shim first: `faketime` appends libfaketime to what `LD_PRELOAD` holds.
    public static func environment() throws -> [String: String] {
        ["LD_PRELOAD": try shim(), "FAKETIME_DONT_FAKE_MONOTONIC": "1"]
    }

    /// Built once per test process, with the toolchain's C compiler.
    static func shim() throws -> String {
        try built.withLock { path in
            if let path { return path }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tickler-timerfd-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let out = dir + "/timerfd_shim.so"
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["clang", "-shared", "-fPIC", "-O2", "-o", out, TestServer.root + "/scripts/testing/timerfd_shim.c"]
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            try p.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw Failure.shim(text) }
            path = out
            return out
        }
    }

    private static let built = Mutex<String?>(nil)
}
