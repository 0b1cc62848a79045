import Foundation
import TicklerFuzzTargets

// Built with `-sanitize=fuzzer` (make fuzz, which defines FUZZING), libFuzzer drives this entry point
// with TICKLER_FUZZ_TARGET naming the target. Built plainly, `tickler-fuzz --replay TARGET DIR` runs a
// corpus once through its target.

/// The target of this process (libFuzzer gives no other way to pass one).
let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["TICKLER_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("TICKLER_FUZZ_TARGET must be one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let target = fuzzTarget
    let finding = Blocking.run { () async -> FuzzFinding? in
        do throws(FuzzFinding) { try await target.run(bytes) } catch { return error }
        return nil
    }
    if let finding { fatalError("\(target.rawValue): \(finding)") }  // libFuzzer keeps the input as a crash
    return 0
}

#if FUZZING
/// libFuzzer's driver (LLVM 11 and later): parses its flags from the command line, then feeds inputs to
/// the callback. The build names this module's entry point `tickler_fuzz_main`, so libFuzzer's own
/// `main` is not used; this one hands the command line to the driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("tickler_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzOneInput(data, size) }
}
#else
@main
struct Replay {
    static func main() async {
        let args = CommandLine.arguments.dropFirst()
        guard args.count == 3, args.first == "--replay", let target = FuzzTarget(rawValue: args[args.startIndex + 1]) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: tickler-fuzz --replay \(names) DIRECTORY\n".utf8))
            exit(2)
        }
        let (inputs, findings) = await SeedReplay.run(target, directory: args[args.startIndex + 2])
        for f in findings { print("finding: \(f)") }
        print("\(target.rawValue): \(inputs) inputs, \(findings.count) findings")
        exit(findings.isEmpty ? 0 : 1)
    }
}
#endif
