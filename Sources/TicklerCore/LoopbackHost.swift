import Foundation

/// Whether a host names this machine: `localhost`, an IPv4 address in 127.0.0.0/8 or `::1`, judged from
/// the parsed address (`127.evil.example` is a name, not a loopback address). What crosses only the
/// loopback interface may go without TLS; everything else may not.
public enum LoopbackHost {
    public static func contains(_ name: String) -> Bool {
        var host = name.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { $0.dropLast().allSatisfy { $0 == 0 } && $0.last == 1 }
        }
        return false
    }
}
