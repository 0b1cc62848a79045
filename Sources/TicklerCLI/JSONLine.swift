import Foundation

/// One JSON object on one line, keys sorted, for the commands' `--format json` outputs.
enum JSONLine {
    static func encode(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
