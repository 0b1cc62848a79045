import Foundation
import Glibc
import TicklerCore

/// Who runs a command that records something (`snooze`, `ack`): the login behind `sudo` when there is
/// one, else the invoking user.
enum Invoker {
    static var userName: String {
        if let sudo = ProcessInfo.processInfo.environment["SUDO_USER"], !sudo.isEmpty { return sudo }
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }

    /// The person of the directory the user is: `--as`, else a person whose id or address's local part is
    /// the user name.
    static func person(_ explicit: String?, in people: [Person]) -> Person? {
        if let explicit { return people.first { $0.id == explicit } }
        let user = userName.lowercased()
        return people.first { $0.id.lowercased() == user }
            ?? people.first { $0.email?.lowercased().split(separator: "@").first.map(String.init) == user }
    }
}
